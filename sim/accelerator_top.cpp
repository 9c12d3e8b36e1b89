#include "sim/accelerator_top.h"

#include <string>

namespace qarch::sim {
namespace {
int dram_port_count(const AcceleratorConfig& c) { return c.dram.per_operand_ports ? 3 : 1; }
}  // namespace

AcceleratorTop::AcceleratorTop(sc_core::sc_module_name name, const AcceleratorConfig& config,
                               const std::vector<OpPlan>& plans)
    : sc_core::sc_module(name),
      array("systolic_array", config.array.shape, sc_core::sc_time(config.cycle_seconds(), sc_core::SC_SEC)),
      vector_unit("vector_unit", config.vector_unit.lanes, sc_core::sc_time(config.cycle_seconds(), sc_core::SC_SEC)),
      dma("dma", dram_port_count(config), config.dma.burst_bytes),
      controller("controller", config, plans, array, vector_unit, dma) {
  for (int i = 0; i < dram_port_count(config); ++i) {
    const std::string name = "dram_" + std::to_string(i);
    auto& port = *dma.ports[static_cast<std::size_t>(i)];
    if (config.dram.detailed) {
      dram_model_ports.push_back(std::make_unique<memory::DramTarget>(name.c_str(), *config.dram.detailed));
      port.bind(dram_model_ports.back()->socket);
    } else {
      stand_in_ports.push_back(std::make_unique<memory::DramStandIn>(
          name.c_str(), config.dram.bandwidth_bytes_per_s, sc_core::sc_time(config.dram.latency_s, sc_core::SC_SEC)));
      port.bind(stand_in_ports.back()->socket);
    }
  }
}

std::map<std::string, std::uint64_t> AcceleratorTop::dram_command_counts() const {
  std::map<std::string, std::uint64_t> counts;
  for (const auto& port : dram_model_ports) {
    const memory::DramCounters c = port->dram_counters();
    counts["read_bursts"] += c.read_bursts;
    counts["write_bursts"] += c.write_bursts;
    counts["activates"] += c.activates;
    counts["precharges"] += c.precharges;
    counts["refreshes"] += c.refreshes;
    counts["row_hits"] += c.row_hits;
    counts["row_misses"] += c.row_misses;
  }
  return counts;
}

}  // namespace qarch::sim

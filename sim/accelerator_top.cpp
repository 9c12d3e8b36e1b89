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
    dram_ports.push_back(std::make_unique<memory::DramStandIn>(
        ("dram_" + std::to_string(i)).c_str(), config.dram.bandwidth_bytes_per_s,
        sc_core::sc_time(config.dram.latency_s, sc_core::SC_SEC)));
    dma.ports[static_cast<std::size_t>(i)]->bind(dram_ports.back()->socket);
  }
}

}  // namespace qarch::sim

#include "sim/accelerator_top.h"

#include <string>

namespace qarch::sim {
namespace {
// DMA ports: one per DRAM port, then one to flash when it holds the weights.
int dma_port_count(const AcceleratorConfig& c) { return c.dram_port_count() + (c.flash ? 1 : 0); }
}  // namespace

AcceleratorTop::AcceleratorTop(sc_core::sc_module_name name, const AcceleratorConfig& config,
                               const std::vector<OpPlan>& plans)
    : sc_core::sc_module(name),
      array("systolic_array", config.array.shape, sc_core::sc_time(config.cycle_seconds(), sc_core::SC_SEC)),
      vector_unit("vector_unit", config.vector_unit.lanes, sc_core::sc_time(config.cycle_seconds(), sc_core::SC_SEC)),
      dma("dma", dma_port_count(config), config.dma.burst_bytes),
      controller("controller", config, plans, array, vector_unit, dma, system_caches) {
  const sc_core::sc_time cycle(config.cycle_seconds(), sc_core::SC_SEC);
  for (int i = 0; i < config.dram_port_count(); ++i) {
    const std::string name = "dram_" + std::to_string(i);
    // DMA port -> [system cache ->] DRAM
    tlm::tlm_target_socket<>* dram_socket = nullptr;
    if (config.dram.detailed) {
      dram_model_ports.push_back(std::make_unique<memory::DramTarget>(name.c_str(), *config.dram.detailed));
      dram_socket = &dram_model_ports.back()->socket;
    } else {
      stand_in_ports.push_back(std::make_unique<memory::DramStandIn>(
          name.c_str(), config.dram.bandwidth_bytes_per_s, sc_core::sc_time(config.dram.latency_s, sc_core::SC_SEC)));
      dram_socket = &stand_in_ports.back()->socket;
    }
    auto& port = *dma.ports[static_cast<std::size_t>(i)];
    if (config.system_cache) {
      system_caches.push_back(std::make_unique<memory::CacheTarget>(("system_cache_" + std::to_string(i)).c_str(),
                                                                     *config.system_cache, cycle));
      port.bind(system_caches.back()->socket);
      system_caches.back()->downstream.bind(*dram_socket);
    } else {
      port.bind(*dram_socket);
    }
  }
  if (config.flash) {
    flash = std::make_unique<memory::FlashTarget>("flash", *config.flash);
    dma.ports.back()->bind(flash->socket);
  }
}

MemoryCounters AcceleratorTop::memory_counters() {
  MemoryCounters all;
  for (const auto& cache : system_caches) {
    const memory::CacheCounters& c = cache->cache_counters();
    auto& counts = all["system_cache"];
    counts["reads"] += c.reads;
    counts["writes"] += c.writes;
    counts["hits"] += c.hits;
    counts["hit_bytes"] += c.hit_bytes;
    counts["misses"] += c.misses;
    counts["fills"] += c.fills;
    counts["evictions"] += c.evictions;
    counts["writebacks"] += c.writebacks;
    counts["write_throughs"] += c.write_throughs;
    counts["mshr_merges"] += c.mshr_merges;
  }
  if (flash) {
    const memory::FlashCounters& c = flash->flash_counters();
    auto& counts = all["flash"];
    counts["read_commands"] = c.read_commands;
    counts["write_commands"] = c.write_commands;
    counts["pages_read"] = c.pages_read;
    counts["pages_written"] = c.pages_written;
    counts["sequential_commands"] = c.sequential_commands;
    counts["read_bytes"] = flash->transfer_counters().read_bytes;
  }
  for (const auto& port : dram_model_ports) {
    auto& counts = all["dram"];
    for (const auto& [name, count] : port->dram_counters_at(sc_core::sc_time_stamp()).named()) counts[name] += count;
  }
  return all;
}

}  // namespace qarch::sim

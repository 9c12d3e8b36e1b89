#include "sim/accelerator_top.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace qarch::sim {

AcceleratorTop::AcceleratorTop(sc_core::sc_module_name name, const AcceleratorConfig& config,
                               const std::vector<OpPlan>& plans)
    : sc_core::sc_module(name),
      array("systolic_array", config.array.shape, sc_core::sc_time(config.cycle_seconds(), sc_core::SC_SEC)),
      vector_unit("vector_unit", config.vector_unit.lanes, sc_core::sc_time(config.cycle_seconds(), sc_core::SC_SEC)),
      dma("dma", config.dma_port_count(), config.dma.burst_bytes),
      controller("controller", config, plans, array, vector_unit, dma, system_caches, weight_cache) {
  const sc_core::sc_time cycle(config.cycle_seconds(), sc_core::SC_SEC);
  // What each DRAM port's traffic enters: [system cache ->] DRAM.
  std::vector<tlm::tlm_target_socket<>*> port_entry;
  for (int i = 0; i < config.dram_port_count(); ++i) {
    const std::string name = "dram_" + std::to_string(i);
    tlm::tlm_target_socket<>* dram_socket = nullptr;
    if (config.dram.detailed) {
      dram_model_ports.push_back(std::make_unique<memory::DramTarget>(name.c_str(), *config.dram.detailed));
      dram_socket = &dram_model_ports.back()->socket;
    } else {
      stand_in_ports.push_back(std::make_unique<memory::DramStandIn>(
          name.c_str(), config.dram.bandwidth_bytes_per_s, sc_core::sc_time(config.dram.latency_s, sc_core::SC_SEC)));
      dram_socket = &stand_in_ports.back()->socket;
    }
    if (config.system_cache) {
      system_caches.push_back(std::make_unique<memory::CacheTarget>(("system_cache_" + std::to_string(i)).c_str(),
                                                                     *config.system_cache, cycle));
      system_caches.back()->downstream.bind(*dram_socket);
      port_entry.push_back(&system_caches.back()->socket);
    } else {
      port_entry.push_back(dram_socket);
    }
  }
  // Where the weights live: flash, or their DRAM port.
  const int weights_dram_port = config.dram.per_operand_ports ? 1 : 0;
  tlm::tlm_target_socket<>* weights_home = port_entry[static_cast<std::size_t>(weights_dram_port)];
  if (config.flash) {
    flash = std::make_unique<memory::FlashTarget>("flash", *config.flash);
    weights_home = &flash->socket;
  }
  tlm::tlm_target_socket<>* weights_entry = weights_home;
  if (config.weight_cache) {
    weight_cache = std::make_unique<memory::CacheTarget>("weight_cache", *config.weight_cache, cycle);
    if (!config.flash && !config.dram.per_operand_ports) {
      shared_port_interconnect = std::make_unique<memory::Interconnect>("shared_port_interconnect", 2);
      shared_port_interconnect->output.bind(*port_entry[0]);
      port_entry[0] = shared_port_interconnect->inputs[0].get();
      weights_home = shared_port_interconnect->inputs[1].get();
    }
    weight_cache->downstream.bind(*weights_home);
    weights_entry = &weight_cache->socket;
  }
  // The DMA's ports: the DRAM ports', then the weights' own port if they
  // have one; else the weights' DRAM port (per-operand) enters their cache.
  std::vector<tlm::tlm_target_socket<>*> dma_entry = port_entry;
  if (config.weights_port_of_their_own()) {
    dma_entry.push_back(weights_entry);
  } else if (config.dram.per_operand_ports) {
    dma_entry[static_cast<std::size_t>(weights_dram_port)] = weights_entry;
  }
  for (std::size_t i = 0; i < dma_entry.size(); ++i) dma.ports[i]->bind(*dma_entry[i]);
  controller.on_memory_drain([this] { return memory_drained_at(); });
}

sc_core::sc_time AcceleratorTop::memory_drained_at() const {
  sc_core::sc_time drained = sc_core::SC_ZERO_TIME;
  for (const auto& port : stand_in_ports) drained = std::max(drained, port->drained_at());
  for (const auto& port : dram_model_ports) drained = std::max(drained, port->drained_at());
  return drained;
}

MemoryCounters AcceleratorTop::memory_counters() {
  MemoryCounters all;
  std::vector<std::pair<const char*, const memory::CacheTarget*>> caches;
  for (const auto& cache : system_caches) caches.emplace_back("system_cache", cache.get());
  if (weight_cache) caches.emplace_back("weight_cache", weight_cache.get());
  for (const auto& [model, cache] : caches) {
    const memory::CacheCounters& c = cache->cache_counters();
    auto& counts = all[model];
    counts["reads"] += c.reads;
    counts["writes"] += c.writes;
    counts["hits"] += c.hits;
    counts["hit_bytes"] += c.hit_bytes;
    counts["misses"] += c.misses;
    counts["fills"] += c.fills;
    counts["evictions"] += c.evictions;
    counts["writebacks"] += c.writebacks;
    counts["write_throughs"] += c.write_throughs;
    counts["write_through_bytes"] += c.write_through_bytes;
    counts["mshr_merges"] += c.mshr_merges;
    counts["bank_conflict_cycles"] += c.bank_conflict_cycles;
    counts["mshr_stall_cycles"] += c.mshr_stall_cycles;
    counts["dirty_lines_at_end"] += cache->dirty_lines();
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

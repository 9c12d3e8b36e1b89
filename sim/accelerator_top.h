#pragma once
// The SystemC top level assembled from a validated AcceleratorConfig:
// controller, systolic array, vector unit, DMA, and the caches, DRAM and
// flash behind TLM-2.0.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "models/compute/systolic_array.h"
#include "models/memory/dma_engine.h"
#include "models/memory/dram_stand_in.h"
#include "models/memory/interconnect.h"
#include "models/memory/memory_targets.h"
#include "sim/accelerator_config.h"
#include "sim/controller.h"
#include "sim/mapper.h"

namespace qarch::sim {

class AcceleratorTop : public sc_core::sc_module {
 public:
  AcceleratorTop(sc_core::sc_module_name name, const AcceleratorConfig& config,
                 const std::vector<OpPlan>& plans);

  compute::SystolicArray array;
  compute::VectorUnit vector_unit;
  memory::DmaEngine dma;
  // One DRAM per port: the stand-in, or the detailed model (dram.preset).
  std::vector<std::unique_ptr<memory::DramStandIn>> stand_in_ports;
  std::vector<std::unique_ptr<memory::DramTarget>> dram_model_ports;
  std::vector<std::unique_ptr<memory::CacheTarget>> system_caches;  // one per DRAM port
  std::unique_ptr<memory::FlashTarget> flash;                       // holds the weights
  std::unique_ptr<memory::CacheTarget> weight_cache;                // the weights pass through it
  // The weight cache's misses and the other operands onto one DRAM port
  // (shared port, weights in DRAM).
  std::unique_ptr<memory::Interconnect> shared_port_interconnect;
  Controller controller;

  // What the memory models counted by the current simulation time, by model
  // ("dram" for the detailed DRAM model, "system_cache", "weight_cache",
  // "flash"), summed over ports.
  MemoryCounters memory_counters();
  // When every DRAM has served every transfer issued so far, posted writes included.
  sc_core::sc_time memory_drained_at() const;
};

}  // namespace qarch::sim

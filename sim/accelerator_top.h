#pragma once
// The SystemC top level assembled from a validated AcceleratorConfig:
// controller, systolic array, vector unit, DMA and the DRAM behind TLM-2.0.
#include <memory>
#include <vector>

#include <systemc>

#include "models/compute/systolic_array.h"
#include "models/memory/dma_engine.h"
#include "models/memory/dram_stand_in.h"
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
  std::vector<std::unique_ptr<memory::DramStandIn>> dram_ports;
  Controller controller;
};

}  // namespace qarch::sim

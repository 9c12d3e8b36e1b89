#pragma once
// The run API: one simulation of one workload on one design point.
// SystemC allows one elaboration per process, so run_simulation may be
// called once per process (sweeps run each design point in a child process).
#include "sim/accelerator_config.h"
#include "sim/run_result.h"
#include "workloads/trace.h"

namespace qarch::sim {

struct RunOptions {
  // Price the run with the cost model (energy, area); off when only cycles
  // are wanted (SCALE-Sim's reports), since loading the cost table costs more
  // than simulating a small network.
  bool price = true;
};

RunResult run_simulation(const AcceleratorConfig& config, const workloads::Workload& workload,
                         const RunOptions& options = {});

}  // namespace qarch::sim

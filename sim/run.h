#pragma once
// The run API: one simulation of one workload on one design point.
// SystemC allows one elaboration per process, so run_simulation may be
// called once per process (sweeps run each design point in a child process).
#include "sim/accelerator_config.h"
#include "sim/run_result.h"
#include "workloads/trace.h"

namespace qarch::sim {

RunResult run_simulation(const AcceleratorConfig& config, const workloads::Workload& workload);

}  // namespace qarch::sim

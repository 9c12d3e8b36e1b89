#include "sim/run.h"

#include <stdexcept>

#include <systemc>

#include <fmt/format.h>

#include "common/input_error.h"
#include "common/terminal.h"
#include "sim/accelerator_top.h"
#include "sim/costing.h"
#include "sim/mapper.h"

namespace qarch::sim {

RunResult run_simulation(const AcceleratorConfig& config, const workloads::Workload& workload,
                         const RunOptions& options) {
  static bool elaborated = false;
  if (elaborated) throw std::logic_error("run_simulation: one SystemC elaboration per process");
  elaborated = true;
  // Plan first: unsupported formats are reported before any module exists.
  const std::vector<OpPlan> plans = plan_workload(workload, config);
  const RunPricing pricing = check_priceable(config, plans);
  sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
  AcceleratorTop top("qarch", config, plans);
  // Long runs show progress on a terminal (nothing when stderr is piped).
  ProgressLine progress("simulating " + workload.name, static_cast<std::uint64_t>(top.controller.total_folds()));
  top.controller.on_progress([&progress](std::int64_t done, std::int64_t) { progress.update(static_cast<std::uint64_t>(done)); });
  // The controller stops a run that passes the time limit with sc_stop(), on
  // which SystemC prints "Info: /OSCI/SystemC: Simulation stopped by user."
  // to stdout; the error below says why, and stdout holds results only.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_start();
  if (top.controller.passed_time_limit()) {
    const double days = sc_core::sc_time_stamp().to_seconds() / 86400;
    throw InputError(SourceRef{workload.source, 0, ""},
                     fmt::format("the run passed {:.0f} days of simulated time and was stopped: qarch keeps time "
                                 "in picoseconds and simulates at most 2^62 ps ({:.0f} days); allowed: a smaller "
                                 "workload, or a faster clock or memory (clock, dram.bandwidth, dram.latency, flash)",
                                 days, Controller::kMaxSimulatedPs * 1e-12 / 86400));
  }
  RunResult result = top.controller.result();
  result.memory = top.memory_counters();
  result.workload = workload.name;
  result.workload_source = workload.source;
  if (options.price) price_run(result, config, pricing);
  return result;
}

}  // namespace qarch::sim

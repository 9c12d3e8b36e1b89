#pragma once
// SCALE-Sim v2's three report CSVs from a run, one row per layer (pass):
// COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv, DETAILED_ACCESS_REPORT.csv with
// SCALE-Sim's column names and number style. Total/stall cycles, the
// utilisation columns and the SRAM access counts follow SCALE-Sim exactly.
// DRAM counts and the start/stop cycles (PassResult::windows) are this
// simulator's own, except with the scalesim USER-bandwidth traffic model,
// where they are SCALE-Sim's scratchpad replay's.
#include <string>

#include "common/atomic_file.h"
#include "sim/run_result.h"

namespace qarch::sim {

// Creates `out_dir` and adds the three files in it to `files`.
void add_scalesim_reports(const RunResult& result, const std::string& out_dir, AtomicFileSet& files);

}  // namespace qarch::sim

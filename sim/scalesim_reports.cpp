#include "sim/scalesim_reports.h"

#include <filesystem>

#include <fmt/format.h>

#include "common/atomic_file.h"
#include "common/input_error.h"

namespace qarch::sim {
namespace {

// Python's repr of a float, as SCALE-Sim prints them: shortest round-trip,
// always with a decimal point.
std::string py_float(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

double per_cycle(double count, double cycles) { return cycles > 0 ? count / cycles : 0.0; }

// SCALE-Sim's average DRAM bandwidth: the stream's count over its window, ends included.
double per_window_cycle(double count, const AccessWindow& w) {
  return per_cycle(count, static_cast<double>(w.last_cycle - w.first_cycle + 1));
}

// "Start Cycle, Stop Cycle, count" of one operand in DETAILED_ACCESS_REPORT.
std::string access(const AccessWindow& w, std::uint64_t count) {
  return fmt::format("{}, {}, {}", py_float(static_cast<double>(w.first_cycle)),
                     py_float(static_cast<double>(w.last_cycle)), count);
}

}  // namespace

void add_scalesim_reports(const RunResult& result, const std::string& out_dir, AtomicFileSet& files) {
  files.create_directories(out_dir);
  std::string compute = "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n";
  std::string bandwidth =
      "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, "
      "Avg FILTER DRAM BW, Avg OFMAP DRAM BW,\n";
  std::string detailed =
      "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter Start "
      "Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM OFMAP Stop "
      "Cycle, SRAM OFMAP Writes, DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, "
      "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, DRAM OFMAP Start Cycle, "
      "DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n";
  const auto pes = static_cast<double>(result.array_rows * result.array_cols);  // one MAC per PE per cycle
  int layer = 0;
  for (const OpResult& op : result.ops) {
    for (const PassResult& p : op.passes) {
      const auto cycles = static_cast<double>(p.cycles);
      const Activity& a = p.activity;
      // SCALE-Sim's Overall Util is over the cycles it reports (one short: it
      // can pass 100 %), not over the cycles simulated as utilization is.
      const double overall_util = per_cycle(static_cast<double>(a.macs()), cycles * pes);
      compute += fmt::format("{}, {}, {}, {}, {}, {},\n", layer, p.cycles, p.stall_cycles,
                             py_float(100.0 * overall_util), py_float(100.0 * p.mapping_efficiency),
                             py_float(100.0 * p.compute_utilization));
      const AccessWindows& w = p.windows;
      bandwidth += fmt::format(
          "{}, {}, {}, {}, {}, {}, {},\n", layer, py_float(per_cycle(p.sram_ifmap_reads, cycles)),
          py_float(per_cycle(p.sram_filter_reads, cycles)), py_float(per_cycle(p.sram_ofmap_writes, cycles)),
          py_float(per_window_cycle(a.dram_ifmap_read_bytes, w.dram_ifmap)),
          py_float(per_window_cycle(a.dram_filter_read_bytes, w.dram_filter)),
          py_float(per_window_cycle(a.dram_ofmap_write_bytes, w.dram_ofmap)));
      detailed += fmt::format("{}, {}, {}, {}, {}, {}, {},\n", layer, access(w.sram_ifmap, p.sram_ifmap_reads),
                              access(w.sram_filter, p.sram_filter_reads), access(w.sram_ofmap, p.sram_ofmap_writes),
                              access(w.dram_ifmap, a.dram_ifmap_read_bytes),
                              access(w.dram_filter, a.dram_filter_read_bytes),
                              access(w.dram_ofmap, a.dram_ofmap_write_bytes));
      ++layer;
    }
  }
  const std::filesystem::path dir(out_dir);
  files.add((dir / "COMPUTE_REPORT.csv").string(), compute);
  files.add((dir / "BANDWIDTH_REPORT.csv").string(), bandwidth);
  files.add((dir / "DETAILED_ACCESS_REPORT.csv").string(), detailed);
}

}  // namespace qarch::sim

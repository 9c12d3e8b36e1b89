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


}  // namespace

void write_scalesim_reports(const RunResult& result, const std::string& out_dir) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw InputError(SourceRef{out_dir, 0, ""}, "cannot create directory: " + ec.message());
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
  int layer = 0;
  for (const OpResult& op : result.ops) {
    for (const PassResult& p : op.passes) {
      const auto cycles = static_cast<double>(p.cycles);
      const Activity& a = p.activity;
      compute += fmt::format("{}, {}, {}, {}, {}, {},\n", layer, p.cycles, p.stall_cycles,
                             py_float(100.0 * p.overall_utilization), py_float(100.0 * p.mapping_efficiency),
                             py_float(100.0 * p.compute_utilization));
      const double dram_window = static_cast<double>(p.dram_last_cycle - p.dram_first_cycle + 1);
      bandwidth += fmt::format(
          "{}, {}, {}, {}, {}, {}, {},\n", layer, py_float(per_cycle(p.sram_ifmap_reads, cycles)),
          py_float(per_cycle(p.sram_filter_reads, cycles)), py_float(per_cycle(p.sram_ofmap_writes, cycles)),
          py_float(per_cycle(a.dram_ifmap_read_bytes, dram_window)),
          py_float(per_cycle(a.dram_filter_read_bytes, dram_window)),
          py_float(per_cycle(a.dram_ofmap_write_bytes, dram_window)));
      const std::string first = py_float(static_cast<double>(p.dram_first_cycle));
      const std::string last = py_float(static_cast<double>(p.dram_last_cycle));
      const std::string end = py_float(cycles);
      detailed += fmt::format("{}, 0.0, {}, {}, 0.0, {}, {}, 0.0, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {},\n",
                              layer, end, p.sram_ifmap_reads, end, p.sram_filter_reads, end,
                              p.sram_ofmap_writes, first, last, a.dram_ifmap_read_bytes, first, last,
                              a.dram_filter_read_bytes, first, last, a.dram_ofmap_write_bytes);
      ++layer;
    }
  }
  const std::filesystem::path dir(out_dir);
  write_file_atomically((dir / "COMPUTE_REPORT.csv").string(), compute);
  write_file_atomically((dir / "BANDWIDTH_REPORT.csv").string(), bandwidth);
  write_file_atomically((dir / "DETAILED_ACCESS_REPORT.csv").string(), detailed);
}

}  // namespace qarch::sim

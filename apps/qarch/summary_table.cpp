#include "apps/qarch/summary_table.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/units.h"

namespace qarch::cli {

void print_summary(const sim::RunResult& r, std::FILE* out) {
  fmt::print(out, "accelerator {} ({}x{} {}, {:g} GHz)   workload {}\n\n", r.accelerator,
             r.array_rows, r.array_cols, r.dataflow, r.clock_hz / 1e9, r.workload);
  std::size_t width = 4;
  for (const sim::OpResult& op : r.ops) width = std::max(width, op.name.size());
  fmt::print(out, "{:<{}}  {:<16}  {:>12}  {:>12}  {:>10}  {:>6}  {:>12}  {:>10}  {:>10}\n", "op", width,
             "type", "cycles", "compute", "stall", "util%", "MACs", "DRAM rd", "DRAM wr");
  for (const sim::OpResult& op : r.ops) {
    fmt::print(out, "{:<{}}  {:<16}  {:>12}  {:>12}  {:>10}  {:>6.1f}  {:>12}  {:>10}  {:>10}\n", op.name,
               width, op.type, op.cycles, op.compute_cycles, op.stall_cycles, 100.0 * op.utilization,
               op.activity.macs(), format_bytes(static_cast<double>(op.activity.dram_read_bytes())),
               format_bytes(static_cast<double>(op.activity.dram_ofmap_write_bytes)));
  }
  const double macs = static_cast<double>(r.activity.macs());
  fmt::print(out, "\ntotal: {} cycles ({} compute, {} stall) = {:.6g} s at {:g} GHz\n", r.total_cycles,
             r.compute_cycles, r.stall_cycles, r.seconds, r.clock_hz / 1e9);
  fmt::print(out, "       {:.4g} MACs, {:.3g} effective TOPS, DRAM {} read / {} written\n", macs,
             r.seconds > 0 ? 2.0 * macs / r.seconds / 1e12 : 0.0,
             format_bytes(static_cast<double>(r.activity.dram_read_bytes())),
             format_bytes(static_cast<double>(r.activity.dram_ofmap_write_bytes)));
}

}  // namespace qarch::cli

#pragma once
// The mapper lowers each op of a workload to passes the hardware runs, and
// gives every fold of a pass its cycles and its DRAM traffic.
//  * gemm: one array pass (repeated `batch` times);
//  * conv2d: one array pass, im2col view m = N*E_h*E_w, k = r*s*c, n = k;
//  * depthwise_conv2d: one array pass per channel (m = N*E_h*E_w, k = r*s,
//    n = channel multiplier), as SCALE-Sim expands "DP" layers;
//  * elementwise / softmax: a vector-unit pass (softmax costs
//    workloads::kSoftmaxOpsPerElement element-operations: max, subtract+exp, sum, divide).
// Plain C++: no SystemC here, so the mapping is unit-testable on its own.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/compute/systolic_mapping.h"
#include "sim/accelerator_config.h"
#include "sim/run_result.h"
#include "workloads/trace.h"

namespace qarch::sim {

// What one fold (or vector chunk) costs: compute cycles, bytes moved between
// DRAM and the scratchpads before (reads) and after (writes) it, and stall
// cycles that a traffic model charges directly (SCALE-Sim USER replay).
struct FoldWork {
  std::int64_t compute_cycles = 0;
  std::int64_t pes_used = 0;
  std::uint64_t macs = 0;
  std::uint64_t ifmap_read_bytes = 0;
  std::uint64_t filter_read_bytes = 0;
  std::uint64_t ofmap_write_bytes = 0;
  std::uint64_t psum_read_bytes = 0;   // partial sums brought back (spill)
  // Where in the pass's operand the fold's slice lies (bytes), so a slice
  // fetched twice has the same DRAM addresses both times. Partial sums live
  // after the outputs in the ofmap stream; ofmap_offset is where this fold's
  // write goes (outputs, or spilled partial sums), psum_offset where its
  // partial sums are read from.
  std::uint64_t ifmap_offset = 0, filter_offset = 0, ofmap_offset = 0, psum_offset = 0;
  std::int64_t charged_stall_cycles = 0;
  // True when the traffic model has already charged the time of these bytes
  // (SCALE-Sim USER replay): they are counted but not moved by the DMA.
  bool traffic_already_timed = false;
};

struct Pass {
  enum class Unit { kSystolicArray, kVectorUnit };
  std::string label;
  SourceRef op_where;               // the op (trace line or topology row) it comes from
  Unit unit = Unit::kSystolicArray;
  std::int64_t repeat = 1;          // identical passes run back to back
  // Systolic array passes.
  std::int64_t m = 0, n = 0, k = 0;
  std::string format_pair;          // "weights*inputs->accumulator"
  int macs_per_pe_per_cycle = 1;
  compute::FoldPlan plan;
  // SRAM accesses in elements (SCALE-Sim's closed form, per pass). Of the
  // ofmap writes, m * n are outputs and the rest partial sums (ws/is row folds
  // before the last), each read back by the next row fold to accumulate.
  std::uint64_t sram_ifmap_reads = 0, sram_filter_reads = 0, sram_ofmap_writes = 0, sram_psum_reads = 0;
  // Unique operand bytes in DRAM.
  double ifmap_bytes = 0, filter_bytes = 0, ofmap_bytes = 0, psum_bytes_per_output = 4;
  double input_bytes_per_element = 1, weight_bytes_per_element = 1, output_bytes_per_element = 1;
  // Vector passes.
  std::uint64_t element_ops = 0;
  // DRAM placement: each operand stream (ifmap, filter, ofmap) has a region;
  // a pass's operands start at these offsets in their regions, and repeat r
  // of the pass at base + r * stride.
  std::uint64_t ifmap_base = 0, filter_base = 0, ofmap_base = 0;
  std::uint64_t ifmap_stride = 0, filter_stride = 0, ofmap_stride = 0;
  // The op's conv shape when it came from a convolution (SCALE-Sim replay).
  bool from_conv = false;
  workloads::Conv2dShape conv;
};

struct OpPlan {
  const workloads::Op* op = nullptr;
  std::vector<Pass> passes;
};

// The DRAM address space each operand stream (ifmap, filter, ofmap with
// spilled partial sums) has: a quarter of the detailed DRAM's capacity
// (dram.preset), or 1 TiB of the stand-in's 4 TiB, which has no capacity.
// The controller places stream s at s times this. A stream in flash (the
// weights, with `flash:`) has 1 TiB too.
std::uint64_t operand_stream_bytes(const AcceleratorConfig& config);

// Throws InputError when the accelerator cannot run an op (format pair) or
// its operands do not fit their streams' address space
// (operand_stream_bytes). The workload is checked (workloads::check_workload:
// at most workloads::kMaxPasses passes, operands storable).
std::vector<OpPlan> plan_workload(const workloads::Workload& workload,
                                  const AcceleratorConfig& config);

// The fold-by-fold work of one pass under the configured traffic model.
class FoldSchedule {
 public:
  virtual ~FoldSchedule() = default;
  virtual std::int64_t folds() const = 0;
  virtual FoldWork fold(std::int64_t index) const = 0;
  // The pass's access windows when the traffic model determines them itself
  // (SCALE-Sim USER replay); nullopt when the engine's timing gives them.
  virtual std::optional<AccessWindows> access_windows() const { return std::nullopt; }
};

std::unique_ptr<FoldSchedule> make_fold_schedule(const Pass& pass, const AcceleratorConfig& config);

}  // namespace qarch::sim

#pragma once
// How a GEMM-shaped pass ([m x k] by [k x n]) folds onto an R x C systolic
// array, in closed form. This is SCALE-Sim v2's mapping (compute/
// systolic_compute_{os,ws,is}.py), which we must equal exactly:
//
//   dataflow | on rows (Sr) | on cols (Sc) | temporal (T) | cycles per fold L
//   os       | m            | n            | k            | R + C + T - 2
//   ws       | k            | n            | m            | 2R + C + T - 2
//   is       | k            | m            | n            | 2R + C + T - 2
//
// folds = ceil(Sr / R) * ceil(Sc / C), all of length L (partial folds are
// padded), column folds outer, row folds inner.
//
// A PE that does p MACs per cycle on a format pair (e.g. two int4 weights
// packed on an int8 lane) consumes p reduction elements per step: the
// reduction dimension k shrinks to ceil(k / p) before mapping.
#include <cstdint>
#include <string>

namespace qarch::compute {

enum class Dataflow { kOutputStationary, kWeightStationary, kInputStationary };

const char* to_string(Dataflow dataflow);  // "os", "ws", "is"

struct SystolicArrayShape {
  std::int64_t rows = 0;  // R (SCALE-Sim ArrayHeight)
  std::int64_t cols = 0;  // C (SCALE-Sim ArrayWidth)
  Dataflow dataflow = Dataflow::kOutputStationary;
};

struct FoldPlan {
  std::int64_t spatial_rows = 0;   // Sr
  std::int64_t spatial_cols = 0;   // Sc
  std::int64_t temporal = 0;       // T
  std::int64_t row_folds = 0;      // ceil(Sr / R)
  std::int64_t col_folds = 0;      // ceil(Sc / C)
  std::int64_t cycles_per_fold = 0;  // L

  std::int64_t folds() const { return row_folds * col_folds; }
  std::int64_t stall_free_cycles() const { return folds() * cycles_per_fold; }
  // Rows / columns of the array a fold uses (the last fold may be partial).
  std::int64_t rows_used(std::int64_t row_fold, std::int64_t array_rows) const;
  std::int64_t cols_used(std::int64_t col_fold, std::int64_t array_cols) const;
};

FoldPlan plan_folds(const SystolicArrayShape& array, std::int64_t m, std::int64_t n,
                    std::int64_t k, int macs_per_pe_per_cycle = 1);

// SCALE-Sim's utilisation figures (its COMPUTE_REPORT), from the plan alone.
// mapping efficiency = mean over folds of used PEs / all PEs;
// compute utilisation = mean over folds of used PEs * T / (all PEs * Lu), with
// Lu = R + C + T - 2 for os and 2R + 2C + T - 3 for ws/is (SCALE-Sim's own
// definition, which is not the fold length for ws/is).
double mapping_efficiency(const SystolicArrayShape& array, const FoldPlan& plan);
double compute_utilization(const SystolicArrayShape& array, const FoldPlan& plan);

}  // namespace qarch::compute

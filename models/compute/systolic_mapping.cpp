#include "models/compute/systolic_mapping.h"

#include <algorithm>
#include <stdexcept>

namespace qarch::compute {
namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
}  // namespace

const char* to_string(Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::kOutputStationary: return "os";
    case Dataflow::kWeightStationary: return "ws";
    case Dataflow::kInputStationary: return "is";
  }
  return "?";
}

std::int64_t FoldPlan::rows_used(std::int64_t row_fold, std::int64_t array_rows) const {
  return std::min(array_rows, spatial_rows - row_fold * array_rows);
}

std::int64_t FoldPlan::cols_used(std::int64_t col_fold, std::int64_t array_cols) const {
  return std::min(array_cols, spatial_cols - col_fold * array_cols);
}

FoldPlan plan_folds(const SystolicArrayShape& array, std::int64_t m, std::int64_t n,
                    std::int64_t k, int macs_per_pe_per_cycle) {
  if (array.rows < 1 || array.cols < 1 || m < 1 || n < 1 || k < 1 || macs_per_pe_per_cycle < 1) {
    throw std::invalid_argument("plan_folds: array and GEMM dimensions must be >= 1");
  }
  const std::int64_t reduction = ceil_div(k, macs_per_pe_per_cycle);
  FoldPlan p;
  const std::int64_t R = array.rows, C = array.cols;
  switch (array.dataflow) {
    case Dataflow::kOutputStationary:
      p.spatial_rows = m;
      p.spatial_cols = n;
      p.temporal = reduction;
      p.cycles_per_fold = R + C + p.temporal - 2;
      break;
    case Dataflow::kWeightStationary:
      p.spatial_rows = reduction;
      p.spatial_cols = n;
      p.temporal = m;
      p.cycles_per_fold = 2 * R + C + p.temporal - 2;
      break;
    case Dataflow::kInputStationary:
      p.spatial_rows = reduction;
      p.spatial_cols = m;
      p.temporal = n;
      p.cycles_per_fold = 2 * R + C + p.temporal - 2;
      break;
  }
  p.row_folds = ceil_div(p.spatial_rows, R);
  p.col_folds = ceil_div(p.spatial_cols, C);
  return p;
}

double mapping_efficiency(const SystolicArrayShape& array, const FoldPlan& plan) {
  // Sum over folds of rows_used * cols_used factorises into Sr * Sc.
  return static_cast<double>(plan.spatial_rows) * static_cast<double>(plan.spatial_cols) /
         (static_cast<double>(plan.folds()) * static_cast<double>(array.rows * array.cols));
}

double compute_utilization(const SystolicArrayShape& array, const FoldPlan& plan) {
  const std::int64_t R = array.rows, C = array.cols, T = plan.temporal;
  const std::int64_t lu = array.dataflow == Dataflow::kOutputStationary ? R + C + T - 2
                                                                        : 2 * R + 2 * C + T - 3;
  return mapping_efficiency(array, plan) * static_cast<double>(T) / static_cast<double>(lu);
}

}  // namespace qarch::compute

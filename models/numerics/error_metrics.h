#pragma once
// How far a quantized result is from its float reference.
#include <cstddef>
#include <vector>

namespace qarch::numerics {

// A NaN output (or reference value) makes every figure NaN: it is never
// skipped, so it cannot pass for an exact result.
struct ErrorMetrics {
  double sqnr_db = 0;         // 10 log10(sum ref^2 / sum (ref - x)^2); +inf when exact
  double max_abs_error = 0;
  double mean_squared_error = 0;
  std::size_t nan_outputs = 0;  // approx values that are NaN
};

// Throws std::invalid_argument when the sizes differ or are 0.
ErrorMetrics compare_to_reference(const std::vector<double>& reference, const std::vector<double>& approx);

}  // namespace qarch::numerics

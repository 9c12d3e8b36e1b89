#include "models/numerics/error_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace qarch::numerics {

ErrorMetrics compare_to_reference(const std::vector<double>& reference, const std::vector<double>& approx) {
  if (reference.size() != approx.size() || reference.empty()) {
    throw std::invalid_argument(
        fmt::format("error metrics need equal, non-empty sizes (got {} and {})", reference.size(), approx.size()));
  }
  // Sums of squares of values near the double range overflow (1e300^2): they
  // are taken of the values scaled by a power of two (exact), which leaves
  // the SQNR as it is; the mean squared error is scaled back.
  double largest = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    for (const double v : {reference[i], approx[i]}) {
      if (std::isfinite(v)) largest = std::max(largest, std::fabs(v));
    }
  }
  const int shift = largest > 0 ? -std::ilogb(largest) : 0;
  double signal = 0, noise = 0;
  ErrorMetrics m;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const double r = std::ldexp(reference[i], shift);
    const double e = r - std::ldexp(approx[i], shift);
    signal += r * r;
    noise += e * e;
    if (std::isnan(approx[i])) ++m.nan_outputs;
    m.max_abs_error = std::max(m.max_abs_error, std::fabs(reference[i] - approx[i]));
  }
  if (std::isnan(noise)) {  // a NaN output or reference value
    m.sqnr_db = m.max_abs_error = m.mean_squared_error = std::numeric_limits<double>::quiet_NaN();
    return m;
  }
  m.mean_squared_error = std::ldexp(noise / double(reference.size()), -2 * shift);
  if (std::isinf(signal)) {  // an infinite reference value (the scaled finite ones sum to at most 4 n)
    m.sqnr_db = std::numeric_limits<double>::quiet_NaN();  // inf / inf: undefined, not -nan
    return m;
  }
  m.sqnr_db = noise == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(signal / noise);
  return m;
}

}  // namespace qarch::numerics

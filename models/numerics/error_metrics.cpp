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
  double signal = 0, noise = 0;
  ErrorMetrics m;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const double e = reference[i] - approx[i];
    signal += reference[i] * reference[i];
    noise += e * e;
    if (std::isnan(approx[i])) ++m.nan_outputs;
    m.max_abs_error = std::max(m.max_abs_error, std::fabs(e));
  }
  if (std::isnan(noise)) {  // a NaN output or reference value
    m.sqnr_db = m.max_abs_error = m.mean_squared_error = std::numeric_limits<double>::quiet_NaN();
    return m;
  }
  m.mean_squared_error = noise / double(reference.size());
  m.sqnr_db = noise == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(signal / noise);
  return m;
}

}  // namespace qarch::numerics

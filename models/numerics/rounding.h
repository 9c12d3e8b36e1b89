#pragma once
// How a real value becomes a code: the rounding mode, what happens beyond the
// largest finite value, and the seeded random source of stochastic rounding.
#include <cstdint>
#include <random>

namespace qarch::numerics {

enum class Rounding {
  kNearestEven,  // IEEE 754 roundTiesToEven
  kTowardZero,   // IEEE 754 roundTowardZero (truncation)
  kStochastic,   // round up with probability equal to the discarded fraction
};

enum class OverflowPolicy {
  kSaturate,   // clamp to the largest finite value (OCP OFP8 "saturation mode")
  kToInfOrNan, // as the spec says without saturation: Inf (IEEE-like), NaN (E4M3);
               // throws for formats with neither (MX FP6/FP4, integers)
  kError,      // throw std::range_error naming the value and the format's range
};

// Seeded uniform source for stochastic rounding. mt19937_64's output sequence
// is fixed by the C++ standard, and the [0,1) mapping below is ours, so a seed
// gives the same roundings on every platform.
class StochasticRounder {
 public:
  explicit StochasticRounder(std::uint64_t seed) : engine_(seed) {}
  // k / 2^53 for a uniform 53-bit k: every double in [0,1) on that grid.
  double uniform01() { return double(engine_() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 engine_;
};

struct EncodeOptions {
  Rounding rounding = Rounding::kNearestEven;
  OverflowPolicy overflow = OverflowPolicy::kSaturate;
  StochasticRounder* rounder = nullptr;  // required for kStochastic
};

// Rounds a non-negative magnitude to an integer (as a double) by `options`.
double round_magnitude(double magnitude, const EncodeOptions& options);

}  // namespace qarch::numerics

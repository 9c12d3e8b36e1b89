#pragma once
// Accumulators as hardware builds them: an integer register of a given width
// that wraps, saturates or raises a sticky overflow flag; floating-point
// accumulation rounded to the accumulator format after every operation in a
// defined order; and the worst-case width a dot product needs.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/numerics/element_codec.h"

namespace qarch::numerics {

enum class AccumulatorOverflow {
  kWrap,      // two's complement modulo 2^width
  kSaturate,  // clamp to [-2^(width-1), 2^(width-1)-1] after every add
  kFlag,      // wrap, and raise a sticky flag (a status bit the hardware exposes)
};

class IntegerAccumulator {
 public:
  // width_bits in 2..64; throws std::invalid_argument otherwise.
  IntegerAccumulator(int width_bits, AccumulatorOverflow mode);

  // One add; an overflow event is an add whose exact (wide) result lies
  // outside the register's range.
  void add(std::int64_t addend);
  std::int64_t value() const { return value_; }
  std::int64_t overflow_count() const { return overflow_count_; }
  bool overflow_flag() const { return overflow_count_ > 0; }
  std::int64_t min_value() const { return min_; }
  std::int64_t max_value() const { return max_; }
  void reset();

 private:
  int width_bits_;
  AccumulatorOverflow mode_;
  std::int64_t min_, max_;
  std::int64_t value_ = 0;
  std::int64_t overflow_count_ = 0;
};

// Smallest signed width that holds any sum of k products with |a| <= max_abs_a
// and |w| <= max_abs_w: k * max|a| * max|w| <= 2^(bits-1) - 1.
int accumulator_bits_needed(std::int64_t k, std::int64_t max_abs_a, std::int64_t max_abs_w);
bool worst_case_fits(std::int64_t k, std::int64_t max_abs_a, std::int64_t max_abs_w, int accumulator_bits);

// Overflow on real data: C = A[M,K] . B[K,N] accumulated in k order in a
// register of `accumulator_bits`. Counts outputs whose accumulation overflowed
// at least once and the total number of overflow events.
struct GemmOverflowReport {
  std::int64_t outputs_overflowed = 0;
  std::int64_t overflow_events = 0;
  std::int64_t outputs = 0;
};
GemmOverflowReport count_gemm_overflows(int m, int n, int k, const std::int16_t* a, const std::int16_t* b,
                                        int accumulator_bits);

enum class SumOrder {
  kSequential,  // ((p0 + p1) + p2) + ... in k order
  kPairwise,    // recursive halving: sum(lo half) + sum(hi half)
};

// Dot product with each product and each partial sum rounded to nearest even
// in `accumulator` (fp32, fp16, bf16, any float ElementCodec), saturating
// overflow off (Inf as IEEE). Products of fp8/fp16/bf16/fp32 inputs are exact
// in double and a double sum of two p<=24-bit values rounds once correctly
// (double rounding is innocuous when 53 >= 2p + 2), so this equals native
// accumulation in that format.
double float_dot(const double* a, const double* w, std::size_t k, const ElementCodec& accumulator, SumOrder order);

}  // namespace qarch::numerics

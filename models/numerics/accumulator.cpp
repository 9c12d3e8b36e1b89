#include "models/numerics/accumulator.h"

#include <stdexcept>

#include <fmt/format.h>

namespace qarch::numerics {

IntegerAccumulator::IntegerAccumulator(int width_bits, AccumulatorOverflow mode) : width_bits_(width_bits), mode_(mode) {
  if (width_bits < 2 || width_bits > 64) {
    throw std::invalid_argument(fmt::format("accumulator width {} bits outside 2..64", width_bits));
  }
  min_ = width_bits == 64 ? INT64_MIN : -(std::int64_t{1} << (width_bits - 1));
  max_ = width_bits == 64 ? INT64_MAX : (std::int64_t{1} << (width_bits - 1)) - 1;
}

void IntegerAccumulator::add(std::int64_t addend) {
  const __int128 exact = __int128(value_) + addend;
  if (exact >= min_ && exact <= max_) {
    value_ = std::int64_t(exact);
    return;
  }
  ++overflow_count_;
  if (mode_ == AccumulatorOverflow::kSaturate) {
    value_ = exact > max_ ? max_ : min_;
    return;
  }
  // two's complement wrap to width_bits: keep the low bits, sign-extend
  const unsigned __int128 modulus = (unsigned __int128)1 << width_bits_;
  unsigned __int128 low = (unsigned __int128)exact & (modulus - 1);
  if (low >= (modulus >> 1)) {
    value_ = std::int64_t(__int128(low) - __int128(modulus));
  } else {
    value_ = std::int64_t(low);
  }
}

void IntegerAccumulator::reset() {
  value_ = 0;
  overflow_count_ = 0;
}

int accumulator_bits_needed(std::int64_t k, std::int64_t max_abs_a, std::int64_t max_abs_w) {
  if (k < 0 || max_abs_a < 0 || max_abs_w < 0) throw std::invalid_argument("accumulator bound needs non-negative inputs");
  const __int128 bound = __int128(k) * max_abs_a * max_abs_w;
  int bits = 2;
  while (bits < 127 && bound > ((__int128(1) << (bits - 1)) - 1)) ++bits;
  return bits;
}

bool worst_case_fits(std::int64_t k, std::int64_t max_abs_a, std::int64_t max_abs_w, int accumulator_bits) {
  return accumulator_bits_needed(k, max_abs_a, max_abs_w) <= accumulator_bits;
}

GemmOverflowReport count_gemm_overflows(int m, int n, int k, const std::int16_t* a, const std::int16_t* b,
                                        int accumulator_bits) {
  GemmOverflowReport report;
  IntegerAccumulator acc(accumulator_bits, AccumulatorOverflow::kFlag);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      acc.reset();
      for (int p = 0; p < k; ++p) acc.add(std::int64_t(a[std::size_t(i) * k + p]) * b[std::size_t(p) * n + j]);
      report.overflow_events += acc.overflow_count();
      if (acc.overflow_flag()) ++report.outputs_overflowed;
      ++report.outputs;
    }
  }
  return report;
}

namespace {

double round_to(double x, const ElementCodec& format) {
  EncodeOptions ieee;
  ieee.overflow = OverflowPolicy::kToInfOrNan;
  return format.decode(format.encode(x, ieee));
}

double pairwise(const double* a, const double* w, std::size_t lo, std::size_t hi, const ElementCodec& acc) {
  if (hi - lo == 1) return round_to(a[lo] * w[lo], acc);
  const std::size_t mid = lo + (hi - lo) / 2;
  return round_to(pairwise(a, w, lo, mid, acc) + pairwise(a, w, mid, hi, acc), acc);
}

}  // namespace

double float_dot(const double* a, const double* w, std::size_t k, const ElementCodec& accumulator, SumOrder order) {
  if (accumulator.is_integer()) throw std::invalid_argument("float_dot needs a float accumulator format");
  if (k == 0) return 0.0;
  if (order == SumOrder::kPairwise) return pairwise(a, w, 0, k, accumulator);
  double sum = 0.0;
  for (std::size_t i = 0; i < k; ++i) sum = round_to(sum + round_to(a[i] * w[i], accumulator), accumulator);
  return sum;
}

}  // namespace qarch::numerics

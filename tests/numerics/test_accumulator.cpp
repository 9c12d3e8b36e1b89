// Accumulators: the register against exact (128-bit) arithmetic written out
// here, the worst-case bound against hand-computed widths, float
// accumulation against native float arithmetic.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "models/numerics/accumulator.h"

using namespace qarch::numerics;

namespace {
std::int64_t wrap_reference(__int128 exact, int bits) {
  const __int128 m = __int128(1) << bits;
  __int128 r = exact % m;
  if (r < 0) r += m;
  if (r >= m / 2) r -= m;
  return std::int64_t(r);
}
}  // namespace

TEST_CASE("integer accumulators wrap, saturate and flag exactly when the wide result leaves the range") {
  std::mt19937_64 rng(11);
  for (int bits : {8, 12, 16, 20, 24, 32}) {
    INFO("width " << bits);
    const std::int64_t lo = -(std::int64_t{1} << (bits - 1)), hi = (std::int64_t{1} << (bits - 1)) - 1;
    for (int trial = 0; trial < 200; ++trial) {
      const int n = 1 + int(rng() % 64);
      const std::int64_t span = std::int64_t{1} << (bits - 3 + int(rng() % 4));  // sometimes overflows, sometimes not
      IntegerAccumulator wrap(bits, AccumulatorOverflow::kWrap), sat(bits, AccumulatorOverflow::kSaturate),
          flag(bits, AccumulatorOverflow::kFlag);
      __int128 exact = 0;
      std::int64_t saturated = 0;
      bool prefix_left_range = false;
      for (int i = 0; i < n; ++i) {
        const std::int64_t x = std::int64_t(rng() % std::uint64_t(2 * span)) - span;
        exact += x;
        if (exact < lo || exact > hi) prefix_left_range = true;
        saturated = std::min<std::int64_t>(hi, std::max<std::int64_t>(lo, saturated + x));
        wrap.add(x);
        sat.add(x);
        flag.add(x);
      }
      CHECK(wrap.value() == wrap_reference(exact, bits));
      CHECK(sat.value() == saturated);
      // until the first overflow the register equals the exact sum, so the
      // sticky flag is raised iff some exact prefix sum left the range
      CHECK(flag.overflow_flag() == prefix_left_range);
      CHECK(flag.value() == wrap.value());
    }
  }
  IntegerAccumulator acc(8, AccumulatorOverflow::kFlag);
  acc.add(127);
  CHECK_FALSE(acc.overflow_flag());
  acc.add(1);  // 128 leaves int8
  CHECK(acc.overflow_flag());
  CHECK(acc.value() == -128);
  CHECK_THROWS_AS(IntegerAccumulator(65, AccumulatorOverflow::kWrap), std::invalid_argument);
}

TEST_CASE("worst-case accumulator width: does K * max|a| * max|w| fit?") {
  // int8 x int8 with -128 allowed: 128 * 128 = 2^14 per product.
  CHECK(accumulator_bits_needed(1, 128, 128) == 16);        // 16384 <= 2^15 - 1
  CHECK(accumulator_bits_needed(131071, 128, 128) == 32);   // 2147467264 <= 2^31 - 1
  CHECK(accumulator_bits_needed(131072, 128, 128) == 33);   // 2^31 > 2^31 - 1
  CHECK(worst_case_fits(4096, 127, 127, 32));
  CHECK_FALSE(worst_case_fits(4096, 127, 127, 24));        // 66064384 > 2^23 - 1
  CHECK(accumulator_bits_needed(4096, 127, 127) == 27);    // 66064384 < 2^26 = 67108864
  CHECK(accumulator_bits_needed(4096, 7, 7) == 19);        // int4: 200704 < 2^18 = 262144
}

TEST_CASE("overflow counting on real data matches the bound") {
  const int m = 4, n = 3, k = 600;
  std::vector<std::int16_t> a(m * k, 127), b(k * n, 127);
  for (int p = 0; p < k; ++p) b[p * n + 1] = std::int16_t(p % 2 ? 127 : -127);  // column 1 cancels out
  for (int p = 0; p < k; ++p) b[p * n + 2] = 1;                               // column 2 stays small
  // 600 * 127 * 127 = 9677400 needs 25 bits: a 24-bit accumulator overflows on column 0 only.
  const GemmOverflowReport r24 = count_gemm_overflows(m, n, k, a.data(), b.data(), 24);
  CHECK(r24.outputs == 12);
  CHECK(r24.outputs_overflowed == 4);
  CHECK(r24.overflow_events == 4);  // 600 * 16129 crosses 2^23 once
  const GemmOverflowReport r25 = count_gemm_overflows(m, n, k, a.data(), b.data(), 25);
  CHECK(r25.outputs_overflowed == 0);
  CHECK(accumulator_bits_needed(k, 127, 127) == 25);
}

TEST_CASE("float accumulation in fp32 equals native float arithmetic in the same order") {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const ElementCodec fp32 = ElementCodec::for_format("fp32");
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> a(257), w(257);
    float native = 0.0f;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const float x = u(rng) * 1000.0f, y = u(rng) * 1e-3f;
      a[i] = x;
      w[i] = y;
      native = native + x * y;  // products and sums rounded to float (no FMA contraction at -O2 on x86-64)
    }
    CHECK(float_dot(a.data(), w.data(), a.size(), fp32, SumOrder::kSequential) == double(native));
  }
  // fp16 accumulation stalls where the ulp exceeds the addend: 2048 + 1 = 2048 in fp16
  const ElementCodec fp16 = ElementCodec::for_format("fp16");
  std::vector<double> ones(4096, 1.0);
  CHECK(float_dot(ones.data(), ones.data(), ones.size(), fp16, SumOrder::kSequential) == 2048.0);
  CHECK(float_dot(ones.data(), ones.data(), ones.size(), fp16, SumOrder::kPairwise) == 4096.0);
}

// Integer kernels: bit-exact against straightforward loops written here, and
// ONNX / TFLite semantics against the specs' own examples.
// Sources:
//  [ONNX-QLMM] onnx/onnx onnx/backend/test/case/node/qlinearmatmul.py (the
//              examples of docs/Operators.md#QLinearMatMul): inputs and outputs below.
//  [ONNX-MMI]  onnx/onnx docs/Operators.md#MatMulInteger example.
//  [TFLITE]    tensorflow/lite/kernels/internal/common.h MultiplyByQuantizedMultiplier,
//              gemmlowp fixedpoint.h; hand-computed values below.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "models/numerics/int_gemm.h"
#include "models/numerics/npy.h"
#include "models/numerics/quantized_matmul.h"

using namespace qarch::numerics;

namespace {

std::vector<std::int32_t> reference_matmul(int m, int n, int k, const std::vector<std::int16_t>& a,
                                           const std::vector<std::int16_t>& b) {
  std::vector<std::int32_t> c(std::size_t(m) * n);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      std::int64_t sum = 0;
      for (int p = 0; p < k; ++p) sum += std::int64_t(a[std::size_t(i) * k + p]) * b[std::size_t(p) * n + j];
      c[std::size_t(i) * n + j] = std::int32_t(std::uint32_t(std::uint64_t(sum)));  // wrap mod 2^32
    }
  }
  return c;
}

NdArray array_of(DType t, std::vector<std::int64_t> shape, const std::vector<int>& values) {
  NdArray a = NdArray::zeros(t, std::move(shape));
  REQUIRE(a.element_count() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (t == DType::kInt32) {
      const std::int32_t v = values[i];
      std::memcpy(a.bytes.data() + 4 * i, &v, 4);
    } else {
      a.bytes[i] = std::uint8_t(values[i] & 0xFF);  // numpy astype(int8) wraps the same way
    }
  }
  return a;
}

std::vector<int> values_of(const NdArray& a) {
  std::vector<int> v;
  for (std::size_t i = 0; i < a.element_count(); ++i) v.push_back(int(a.element(i)));
  return v;
}

std::vector<int> minus_127(std::vector<int> v) {
  for (int& x : v) x -= 127;
  return v;
}

const std::vector<int> kQa = {208, 236, 0, 238, 3, 214, 255, 29};
const std::vector<int> kQb = {152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247};

}  // namespace

TEST_CASE("int16 GEMM equals the reference loop bit for bit on random and adversarial shapes") {
  std::mt19937_64 rng(42);
  const int shapes[][3] = {{1, 1, 1},   {1, 7, 13},  {13, 1, 7}, {7, 13, 1},  {3, 65, 33},
                           {67, 5, 129}, {2, 3, 2050}, {17, 70, 300}, {64, 64, 64}};
  for (const auto& s : shapes) {
    const int m = s[0], n = s[1], k = s[2];
    INFO(m << "x" << n << "x" << k);
    std::vector<std::int16_t> a(std::size_t(m) * k), b(std::size_t(k) * n);
    for (auto& x : a) x = std::int16_t(int(rng() % 511) - 255);
    for (auto& x : b) x = std::int16_t(int(rng() % 511) - 255);
    std::vector<std::int32_t> c(std::size_t(m) * n);
    matmul_int16_s32(m, n, k, a.data(), b.data(), c.data());
    CHECK(c == reference_matmul(m, n, k, a, b));
  }
  // extremes: every product is 255*255 and the int32 accumulator wraps (40000 * 65025 > 2^31)
  const int m = 2, n = 3, k = 40000;
  std::vector<std::int16_t> a(std::size_t(m) * k, -255), b(std::size_t(k) * n, -255);
  std::vector<std::int32_t> c(std::size_t(m) * n);
  matmul_int16_s32(m, n, k, a.data(), b.data(), c.data());
  CHECK(c == reference_matmul(m, n, k, a, b));
  CHECK(c[0] == std::int32_t(std::uint32_t(40000ull * 65025ull)));
}

TEST_CASE("int conv2d equals a direct convolution loop (stride, padding, dilation, groups)") {
  std::mt19937_64 rng(8);
  Conv2dShape s;
  s.batch = 2;
  s.in_channels = 4;
  s.in_height = 9;
  s.in_width = 7;
  s.out_channels = 6;
  s.kernel_height = 3;
  s.kernel_width = 2;
  s.stride_h = 2;
  s.stride_w = 1;
  s.pad_top = 1;
  s.pad_bottom = 2;
  s.pad_left = 0;
  s.pad_right = 1;
  s.dilation_h = 1;
  s.dilation_w = 2;
  s.groups = 2;
  std::vector<std::int16_t> x(std::size_t(s.batch) * s.in_channels * s.in_height * s.in_width);
  std::vector<std::int16_t> w(std::size_t(s.out_channels) * (s.in_channels / s.groups) * s.kernel_height * s.kernel_width);
  for (auto& v : x) v = std::int16_t(int(rng() % 256) - 128);
  for (auto& v : w) v = std::int16_t(int(rng() % 255) - 127);
  const std::vector<std::int32_t> y = conv2d_int16_s32(s, x.data(), w.data());
  const int oh = s.out_height(), ow = s.out_width(), icg = s.in_channels / s.groups, ocg = s.out_channels / s.groups;
  REQUIRE(oh == 5);  // (9 + 3 - 3) / 2 + 1
  REQUIRE(ow == 6);  // (7 + 1 - 3) / 1 + 1
  for (int nb = 0; nb < s.batch; ++nb)
    for (int oc = 0; oc < s.out_channels; ++oc)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox) {
          std::int64_t sum = 0;
          const int g = oc / ocg;
          for (int c = 0; c < icg; ++c)
            for (int ky = 0; ky < s.kernel_height; ++ky)
              for (int kx = 0; kx < s.kernel_width; ++kx) {
                const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
                const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
                if (iy < 0 || iy >= s.in_height || ix < 0 || ix >= s.in_width) continue;
                const int ic = g * icg + c;
                sum += std::int64_t(x[((std::size_t(nb) * s.in_channels + ic) * s.in_height + iy) * s.in_width + ix]) *
                       w[((std::size_t(oc) * icg + c) * s.kernel_height + ky) * s.kernel_width + kx];
              }
          CHECK(y[((std::size_t(nb) * s.out_channels + oc) * oh + oy) * ow + ox] == sum);
        }
  Conv2dShape bad = s;
  bad.groups = 3;
  CHECK_THROWS_WITH(conv2d_int16_s32(bad, x.data(), w.data()), Catch::Contains("groups 3"));
}

TEST_CASE("ONNX MatMulInteger example [ONNX-MMI]") {
  const NdArray a = array_of(DType::kUint8, {4, 3}, {11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0});
  const NdArray b = array_of(DType::kUint8, {3, 2}, {1, 4, 2, 5, 3, 6});
  const NdArray y = matmul_integer(a, b, {12}, {0});
  CHECK(y.dtype == DType::kInt32);
  CHECK(y.shape == std::vector<std::int64_t>{4, 2});
  CHECK(values_of(y) == std::vector<int>{-38, -83, -44, -98, -50, -113, -56, -128});
}

TEST_CASE("MatMulInteger with per-row zero-points of A and per-column zero-points of B [ONNX-MMI]") {
  // Operators.md: a_zero_point scalar or 1-D of size M (per row), b_zero_point scalar or 1-D of size N
  // (per column). By hand: A - [1, 2] per row = [[0, 1, 2], [2, 3, 4]]; B - [3, -1] per column =
  // [[-2, 1], [-3, 2], [-2, 2]]; Y = [[0-3-4, 0+2+4], [-4-9-8, 2+6+8]] = [[-7, 6], [-21, 16]].
  const NdArray a = array_of(DType::kInt8, {2, 3}, {1, 2, 3, 4, 5, 6});
  const NdArray b = array_of(DType::kInt8, {3, 2}, {1, 0, 0, 1, 1, 1});
  CHECK(values_of(matmul_integer(a, b, {1, 2}, {3, -1})) == std::vector<int>{-7, 6, -21, 16});
  // Per batch matrix ([2, M, 1]): A stacked twice, the second copy with zero-points [0, 0]:
  // [[1, 2, 3], [4, 5, 6]] . [[-2, 1], [-3, 2], [-2, 2]] = [[-2-6-6, 1+4+6], [-8-15-12, 4+10+12]].
  const NdArray a2 = array_of(DType::kInt8, {2, 2, 3}, {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6});
  CHECK(values_of(matmul_integer(a2, b, {1, 2, 0, 0}, {3, -1})) ==
        std::vector<int>{-7, 6, -21, 16, -14, 11, -35, 26});
  CHECK_THROWS_WITH(matmul_integer(a, b, {1, 2, 3}, {0}),
                    Catch::Contains("A: 3 zero-points; allowed: 1 (per tensor), 2 (per row)"));
  CHECK_THROWS_WITH(matmul_integer(a, b, {0}, {1, 2, 3}),
                    Catch::Contains("B: 3 zero-points; allowed: 1 (per tensor), 2 (per column)"));
  CHECK_THROWS_WITH(matmul_integer(a, b, {0}, {0, 200}), Catch::Contains("zero-point 200"));
}

TEST_CASE("ONNX QLinearMatMul examples, 2-D and 3-D, uint8 and int8 [ONNX-QLMM]") {
  QLinearParams p;
  p.a = {{0.0066f}, {113}};
  p.b = {{0.00705f}, {114}};
  p.y_scale = 0.0107f;
  p.y_zero_point = 118;
  const NdArray y = qlinear_matmul(array_of(DType::kUint8, {2, 4}, kQa), array_of(DType::kUint8, {4, 3}, kQb), p);
  CHECK(y.dtype == DType::kUint8);
  CHECK(values_of(y) == std::vector<int>{168, 115, 255, 1, 66, 151});

  // int8: every value minus 127 (255 and 254 wrap to -128 and 127 in int8, as numpy's astype does).
  // The ONNX reference implementation (onnx/reference/ops/op_qlinear_matmul.py) ends with
  // np.round(D).astype(int8), which wraps instead of saturating, so its int8 test vectors hold
  // wrapped values where the result leaves [-128, 127]. Operators.md says y = saturate(...): we
  // saturate. `unsaturated` is round((a - za)(b - zb) x 0.0066 x 0.00705 / 0.0107) + zy worked out
  // apart from this code (plain Python, double precision; no result is within 0.09 of a rounding
  // tie): the ONNX values must be it modulo 256, and ours it saturated.
  const auto check_against_onnx = [](const NdArray& a, const NdArray& b, const QLinearParams& q,
                                     const std::vector<int>& unsaturated, const std::vector<int>& onnx_expected) {
    REQUIRE(unsaturated.size() == onnx_expected.size());
    const NdArray ours = qlinear_matmul(a, b, q);
    for (std::size_t i = 0; i < onnx_expected.size(); ++i) {
      CHECK(std::int8_t(std::uint8_t(unsaturated[i] & 0xFF)) == onnx_expected[i]);
      CHECK(int(ours.element(i)) == std::clamp(unsaturated[i], -128, 127));
    }
  };
  QLinearParams p8 = p;
  p8.a.zero_point = {113 - 127};
  p8.b.zero_point = {114 - 127};
  p8.y_zero_point = 118 - 127;
  // One entry leaves int8: -236, which ONNX holds wrapped as 20.
  check_against_onnx(array_of(DType::kInt8, {2, 4}, minus_127(kQa)), array_of(DType::kInt8, {4, 3}, minus_127(kQb)), p8,
                     {41, -12, -9, 1, -75, -236}, {41, -12, -9, 1, -75, 20});

  // 3-D int8 with b_zero_point 114 (not shifted in the ONNX test), float32 scales. Four entries
  // leave int8: -139 and -136 in each batch (ONNX: 117 and 120).
  std::vector<int> a3 = minus_127(kQa), b3 = minus_127(kQb);
  a3.insert(a3.end(), a3.begin(), a3.end());
  b3.insert(b3.end(), b3.begin(), b3.end());
  QLinearParams p3 = p8;
  p3.b.zero_point = {114};
  const NdArray a3d = array_of(DType::kInt8, {2, 2, 4}, a3), b3d = array_of(DType::kInt8, {2, 4, 3}, b3);
  CHECK(qlinear_matmul(a3d, b3d, p3).shape == std::vector<std::int64_t>{2, 2, 3});
  check_against_onnx(a3d, b3d, p3, {-86, -139, -136, 115, 39, -121, -86, -139, -136, 115, 39, -121},
                     {-86, 117, 120, 115, 39, -121, -86, 117, 120, 115, 39, -121});
}

TEST_CASE("QLinearMatMul refuses scales whose requantization multiplier overflows float32") {
  // float32 max is 3.40282e+38: 1e30 * 1e30 = 1e60 and 1 / 1e-39 = 1e39 overflow; with them
  // acc 0 * inf was NaN, cast to int8 (undefined behaviour: the file held 0).
  const NdArray a = array_of(DType::kInt8, {2, 2}, {0, 0, 1, -1}), b = array_of(DType::kInt8, {2, 2}, {1, 1, 1, 1});
  QLinearParams p;
  p.a = {{1e30f}, {0}};
  p.b = {{1e30f}, {0}};
  CHECK_THROWS_WITH(qlinear_matmul(a, b, p),
                    Catch::Contains("multiplier a_scale * b_scale / y_scale = 1e+30 * 1e+30 / 1 overflows float32 "
                                    "(largest 3.40282e+38)"));
  p.a = {{1.0f}, {0}};
  p.b = {{1.0f}, {0}};
  p.y_scale = 1e-39f;
  CHECK_THROWS_WITH(qlinear_matmul(a, b, p), Catch::Contains("overflows float32"));
  // Per row / column: only row 1 with column 0 overflows (1e30 * 1e30); it is named.
  p.a = {{0.5f, 1e30f}, {0, 0}};
  p.b = {{1e30f, 2.0f}, {0, 0}};
  p.y_scale = 1;
  CHECK_THROWS_WITH(qlinear_matmul(a, b, p), Catch::Contains("a_scale[1] * b_scale[0] / y_scale = 1e+30 * 1e+30 / 1"));
  // 1e19 * 1e19 = 1e38 fits: runs.
  p.a = {{1e19f}, {0}};
  p.b = {{1e19f}, {0}};
  CHECK_NOTHROW(qlinear_matmul(a, b, p));
}

TEST_CASE("batched matmul broadcasts like numpy.matmul") {
  std::mt19937_64 rng(1);
  std::vector<int> av(3 * 1 * 2 * 5), bv(4 * 5 * 6);
  for (int& v : av) v = int(rng() % 256) - 128;
  for (int& v : bv) v = int(rng() % 256) - 128;
  const NdArray a = array_of(DType::kInt8, {3, 1, 2, 5}, av);
  const NdArray b = array_of(DType::kInt8, {4, 5, 6}, bv);
  const NdArray y = matmul_integer(a, b, {0}, {0});
  REQUIRE(y.shape == std::vector<std::int64_t>{3, 4, 2, 6});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 6; ++c) {
          int sum = 0;
          for (int q = 0; q < 5; ++q) sum += av[(i * 2 + r) * 5 + q] * bv[(j * 5 + q) * 6 + c];
          CHECK(int(y.element(((std::size_t(i) * 4 + j) * 2 + r) * 6 + c)) == sum);
        }
  // 1-D operands: (K) . (K, N) -> (N); (M, K) . (K) -> (M)
  const NdArray v = array_of(DType::kInt8, {5}, {1, 2, 3, 4, 5});
  const NdArray mat = array_of(DType::kInt8, {5, 2}, {1, 0, 0, 1, 1, 0, 0, 1, 1, 0});
  CHECK(matmul_integer(v, mat, {0}, {0}).shape == std::vector<std::int64_t>{2});
  CHECK(values_of(matmul_integer(v, mat, {0}, {0})) == std::vector<int>{9, 6});
  CHECK(matmul_integer(array_of(DType::kInt8, {2, 5}, {1, 1, 1, 1, 1, 2, 2, 2, 2, 2}), v, {0}, {0}).shape ==
        std::vector<std::int64_t>{2});
  CHECK_THROWS_WITH(matmul_integer(a, array_of(DType::kInt8, {4, 4, 6}, std::vector<int>(96, 0)), {0}, {0}),
                    Catch::Contains("disagree on K"));
  CHECK_THROWS_WITH(matmul_integer(array_of(DType::kInt8, {2, 2, 5}, std::vector<int>(20, 0)), b, {0}, {0}),
                    Catch::Contains("do not broadcast"));
  CHECK_THROWS_WITH(matmul_integer(a, b, {200}, {0}), Catch::Contains("zero-point 200"));
  // A zero-length dimension anywhere is refused (it used to divide by zero).
  CHECK_THROWS_WITH(matmul_integer(NdArray::zeros(DType::kInt8, {2, 0}), NdArray::zeros(DType::kInt8, {0, 3}), {0}, {0}),
                    Catch::Contains("A has shape [2, 0]; every dimension must be at least 1"));
  CHECK_THROWS_WITH(matmul_integer(NdArray::zeros(DType::kInt8, {0, 2, 5}), b, {0}, {0}), Catch::Contains("[0, 2, 5]"));
  CHECK_THROWS_WITH(matmul_integer(v, NdArray::zeros(DType::kInt8, {5, 0}), {0}, {0}), Catch::Contains("B has shape [5, 0]"));
  CHECK_THROWS_WITH(matmul_integer(array_of(DType::kInt32, {5}, {1, 2, 3, 4, 5}), mat, {0}, {0}),
                    Catch::Contains("int8 or uint8"));
}

TEST_CASE("matmul refuses products too large to hold before allocating them") {
  // 8192 x 8192 = 2^26 outputs is the limit; K 1024 gives 2^36 multiply-adds, also the limit.
  CHECK_NOTHROW(check_gemm_size({8192, 8192}, 1024));
  CHECK_THROWS_WITH(check_gemm_size({8192, 8193}, 1),
                    Catch::Contains("the output [8192, 8193] has 67117056 elements; at most 67108864 (2^26)"));
  CHECK_THROWS_WITH(check_gemm_size({8192, 8192}, 1025),
                    Catch::Contains("takes 68786585600 multiply-adds; at most 68719476736 (2^36"));
  // 2^32 * 2^32 does not fit 64 bits: said so, not wrapped to a small count.
  CHECK_THROWS_WITH(check_gemm_size({std::int64_t{1} << 32, std::int64_t{1} << 32}, 1),
                    Catch::Contains("has over 2^63 elements"));
  // numpy.matmul broadcasting: (100000, 1, 1, 1) x (1, 100000, 1, 1) -> 10^10 outputs from 200 KB of input
  const NdArray a = NdArray::zeros(DType::kInt8, {100000, 1, 1, 1}), b = NdArray::zeros(DType::kInt8, {1, 100000, 1, 1});
  CHECK_THROWS_WITH(matmul_integer(a, b, {0}, {0}),
                    Catch::Contains("the output [100000, 100000, 1, 1] has 10000000000 elements; at most 67108864"));
}

TEST_CASE("TFLite fixed-point requantization, rounding documented by hand examples [TFLITE]") {
  // 0.25 = 0.5 * 2^-1 -> Q0.31 multiplier 2^30, shift -1
  const QuantizedMultiplier quarter = quantize_multiplier(0.25);
  CHECK(quarter.multiplier == (1 << 30));
  CHECK(quarter.shift == -1);
  // x * 0.25 with the two roundings: high-mul rounds x/2 half toward +inf, the
  // shift rounds half away from zero.
  CHECK(multiply_by_quantized_multiplier(10, quarter) == 3);    // 5 -> 2.5 -> 3
  CHECK(multiply_by_quantized_multiplier(-10, quarter) == -3);  // -5 -> -2.5 -> -3
  CHECK(multiply_by_quantized_multiplier(-5, quarter) == -1);   // -2.5 -> -2 -> -1 (true -1.25)
  CHECK(multiply_by_quantized_multiplier(5, quarter) == 2);     // 2.5 -> 3 -> 1.5 -> 2 (true 1.25: double rounding)
  const QuantizedMultiplier m = quantize_multiplier(0.1875);    // 0.75 * 2^-2
  CHECK(m.multiplier == 1610612736);
  CHECK(m.shift == -2);
  CHECK(multiply_by_quantized_multiplier(10, m) == 2);    // 7.5 -> 8 -> 2
  CHECK(multiply_by_quantized_multiplier(-14, m) == -3);  // -10.5 -> -10 -> -2.5 -> -3
  const QuantizedMultiplier big = quantize_multiplier(3.0);  // 0.75 * 2^2: left shift
  CHECK(big.shift == 2);
  CHECK(multiply_by_quantized_multiplier(100, big) == 300);
  CHECK(saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN) == INT32_MAX);
  CHECK(rounding_divide_by_pot(-7, 1) == -4);  // -3.5 away from zero
  CHECK(tflite_requantize_int8(1000, quarter, -5) == 127);     // 250 - 5 saturates
  CHECK(tflite_requantize_int8(-1000, quarter, 10) == -128);
  CHECK(tflite_requantize_int8(40, quarter, 3) == 13);
  CHECK_THROWS_AS(quantize_multiplier(-1.0), std::invalid_argument);
}

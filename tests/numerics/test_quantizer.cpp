// Quantizers and block formats against results derived by hand from the
// definitions. Sources:
//  [MX]    OCP Microscaling Formats (MX) Specification v1.0 (2023), section 6.3
//          "Conversion from vector of scalar floats": X = 2^(floor(log2(max|V|)) - emax_elem),
//          P_i = quantize_to_element_format(V_i / X), clamped to the element's max normal.
//  [NVFP4] NVIDIA, "Introducing NVFP4 for Efficient and Accurate Low-Precision
//          Inference" (2025): 16-element blocks, E4M3 block scale, FP32 tensor scale.
//  [ONNX]  onnx/onnx docs/Operators.md, QuantizeLinear: y = saturate(round(x / y_scale) + y_zero_point),
//          round half to even.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "models/numerics/error_metrics.h"
#include "models/numerics/format_registry.h"
#include "models/numerics/quantizer.h"

using namespace qarch::numerics;

TEST_CASE("MXFP4 block of 32: scale 2^(floor(log2 amax) - 2), elements rounded to FP4 [MX 6.3]") {
  Quantizer q(block_format_quantizer("mxfp4"));
  std::vector<double> v(32, 0.0);
  v[0] = 0.3;
  v[1] = -1.7;
  v[2] = 5.0;
  v[3] = 12.0;
  const QuantizedTensor t = q.quantize(v, 1, 32);
  // amax 12: floor(log2 12) = 3, FP4 emax = 2 (6 = 1.5 * 2^2) -> X = 2^1, E8M0 code 127 + 1
  REQUIRE(t.scale_codes.size() == 1);
  CHECK(t.scale_codes[0] == 128);
  CHECK(t.scales[0] == 2.0);
  // V/X = 0.15 -> 0 ; -0.85 -> -1.0 (S=1 E=01 M=0: 0b1010) ; 2.5 -> tie 2|3 -> 2 (0b0100) ; 6 -> 0b0111
  CHECK(t.codes[0] == 0x0);
  CHECK(t.codes[1] == 0xA);
  CHECK(t.codes[2] == 0x4);
  CHECK(t.codes[3] == 0x7);
  const std::vector<double> d = q.dequantize(t);
  CHECK(d[0] == 0.0);
  CHECK(d[1] == -2.0);
  CHECK(d[2] == 4.0);
  CHECK(d[3] == 12.0);
  // amax 7: X = 2^(2-2) = 1 and 7 clamps to FP4's max normal 6 [MX 6.3]
  std::vector<double> w(32, 0.0);
  w[5] = 7.0;
  const QuantizedTensor t2 = q.quantize(w, 1, 32);
  CHECK(t2.scale_codes[0] == 127);
  CHECK(q.dequantize(t2)[5] == 6.0);
  CHECK(q.effective_bits_per_element(1, 32) == 4.25);
  CHECK(effective_bits_per_element(format_info("mxfp4")) == 4.25);
}

TEST_CASE("MXFP8 E4M3, MXFP6 and MXINT8 blocks [MX 6.3, 5.3.4]") {
  {
    Quantizer q(block_format_quantizer("mxfp8-e4m3"));
    std::vector<double> v(32, 0.0);
    v[0] = 1000.0;  // floor(log2 1000) = 9, E4M3 emax = 8 -> X = 2; 500 clamps to 448
    v[1] = -0.1;    // -0.05 -> nearest E4M3: 0.05 = 1.6 * 2^-5 -> 1.625 * 2^-5 = 0.05078125
    const QuantizedTensor t = q.quantize(v, 1, 32);
    CHECK(t.scale_codes[0] == 128);
    const std::vector<double> d = q.dequantize(t);
    CHECK(d[0] == 896.0);
    CHECK(d[1] == -0.1015625);
  }
  {
    Quantizer q(block_format_quantizer("mxfp6-e3m2"));
    std::vector<double> v(64, 0.0);
    v[0] = 30.0;  // block 0: floor(log2 30) = 4, E3M2 emax = 4 -> X = 1; 30 clamps to 28
    v[32] = 0.5;  // block 1: floor(log2 0.5) = -1 -> X = 2^-5; 0.5/X = 16 exact
    v[33] = 0.3;  // 0.3 * 32 = 9.6 -> E3M2 grid at [8,16) step 2 -> 10 -> 0.3125
    const QuantizedTensor t = q.quantize(v, 2, 32);
    CHECK(t.scale_codes == std::vector<std::uint32_t>{127, 122});
    const std::vector<double> d = q.dequantize(t);
    CHECK(d[0] == 28.0);
    CHECK(d[32] == 0.5);
    CHECK(d[33] == 0.3125);
    CHECK(q.effective_bits_per_element(2, 32) == 6.25);
  }
  {
    Quantizer q(block_format_quantizer("mxint8"));
    std::vector<double> v(32, 0.0);
    v[0] = 1.0;    // amax 1: X = 2^(0 - 0) = 1; element = int8 * 2^-6 -> 64
    v[1] = -0.3;   // -19.2 -> -19
    v[2] = 0.77;   // 49.28 -> 49
    const QuantizedTensor t = q.quantize(v, 1, 32);
    CHECK(t.scale_codes[0] == 127);
    CHECK(t.codes[0] == 64);
    CHECK(t.codes[1] == std::uint32_t(256 - 19));
    CHECK(t.codes[2] == 49);
    const std::vector<double> d = q.dequantize(t);
    CHECK(d[1] == -19.0 / 64.0);
  }
}

TEST_CASE("NVFP4: FP32 tensor scale amax/(6*448), E4M3 block scales of 16 [NVFP4]") {
  Quantizer q(block_format_quantizer("nvfp4"));
  std::vector<double> v(32, 0.0);
  v[0] = 6.0;
  v[1] = 3.0;
  v[2] = -1.5;
  v[16] = 0.75;
  v[17] = -0.375;
  v[18] = 0.1;
  const QuantizedTensor t = q.quantize(v, 1, 32);
  const double ts = double(float(6.0 / (6.0 * 448.0)));
  CHECK(t.tensor_scale == ts);
  // block 0: amax 6 -> 6 / ts / 6 = 448 (E4M3 0x7E); block 1: 0.75 / ts / 6 = 56 = 1.75 * 2^5 (0x66)
  REQUIRE(t.scale_codes.size() == 2);
  CHECK(t.scale_codes[0] == 0x7E);
  CHECK(t.scale_codes[1] == 0x66);
  // elements: 6, 3, -1.5 exactly representable (scale ~1); block 1 divides by ~0.125:
  // 0.75 -> 6 (0x7), -0.375 -> -3 (0xD), 0.1 -> 0.8 -> 1.0 (0x2)
  CHECK(t.codes[0] == 0x7);
  CHECK(t.codes[1] == 0x5);
  CHECK(t.codes[2] == 0xB);
  CHECK(t.codes[16] == 0x7);
  CHECK(t.codes[17] == 0xD);
  CHECK(t.codes[18] == 0x2);
  CHECK(q.dequantize(t)[16] == Approx(0.75).epsilon(1e-6));
  // 4 bits + an 8-bit scale per 16 + one 32-bit tensor scale over 32 elements
  CHECK(q.effective_bits_per_element(1, 32) == 4.0 + (2 * 8 + 32) / 32.0);
  CHECK(effective_bits_per_element(format_info("nvfp4")) == 4.5);
}

TEST_CASE("effective bits per element count scale and zero-point storage") {
  QuantizerConfig c;
  c.element_format = "int4";
  c.granularity = Granularity::kPerGroup;
  c.group_size = 128;
  c.scale_format = "fp16";
  CHECK(Quantizer(c).effective_bits_per_element(4, 256) == 4.125);  // 4 + 16/128
  c.symmetric = false;                                              // + a 4-bit zero-point per group
  CHECK(Quantizer(c).effective_bits_per_element(4, 256) == 4.0 + 20.0 / 128.0);
  QuantizerConfig pc;
  pc.granularity = Granularity::kPerChannel;
  CHECK(Quantizer(pc).effective_bits_per_element(64, 4096) == 8.0 + 32.0 / 4096.0);
}

TEST_CASE("symmetric per-channel and per-group integer quantization") {
  QuantizerConfig c;
  c.granularity = Granularity::kPerChannel;
  Quantizer q(c);
  // row 0: amax 2 -> scale fp32(2/127): 2 -> 127, -1.5 -> -95.25 -> -95, 0.3 -> 19.05 -> 19
  // row 1: amax 0.5 -> scale fp32(0.5/127): 0.5 -> 127, 0.1 -> 25.4 -> 25, 0 -> 0
  const QuantizedTensor t = q.quantize({2.0, -1.5, 0.3, 0.5, 0.1, 0.0}, 2, 3);
  CHECK(t.scales[0] == double(float(2.0 / 127.0)));
  CHECK(t.scales[1] == double(float(0.5 / 127.0)));
  CHECK(t.codes[0] == 127);
  CHECK(t.codes[1] == std::uint32_t(256 - 95));
  CHECK(t.codes[2] == 19);
  CHECK(t.codes[3] == 127);
  CHECK(t.codes[4] == 25);  // 0.1 * 254 = 25.4
  CHECK(t.codes[5] == 0);

  QuantizerConfig g;
  g.element_format = "int4";
  g.granularity = Granularity::kPerGroup;
  g.group_size = 4;
  g.scale_format = "fp16";
  Quantizer qg(g);
  // groups of 4 along each row; amax 7 -> scale 1, amax 3.5 -> 0.5, amax 14 -> 2
  const std::vector<double> v = {7, -3, 2, 1, 3.5, 0.5, -1, 0.25, 14, 4, -8, 0, 1, 1, 1, 0};
  const QuantizedTensor tg = qg.quantize(v, 2, 8);
  CHECK(tg.scales[0] == 1.0);
  CHECK(tg.scales[1] == 0.5);
  CHECK(tg.scales[2] == 2.0);
  CHECK(tg.scales[3] == Approx(1.0 / 7.0).epsilon(1e-3));  // fp16(1/7)
  CHECK(qg.group_of(1, 5, 2, 8) == 3);
  const std::vector<double> d = qg.dequantize(tg);
  CHECK(d[0] == 7.0);
  CHECK(d[5] == 0.5);
  CHECK(d[7] == 0.0);  // 0.25 / 0.5 = 0.5 -> ties to even -> 0
  CHECK(d[8] == 14.0);
  CHECK(d[10] == -8.0);
}

TEST_CASE("asymmetric uint8 per-tensor quantization follows ONNX QuantizeLinear rounding [ONNX]") {
  QuantizerConfig c;
  c.element_format = "uint8";
  c.symmetric = false;
  Quantizer q(c);
  // range [-1, 2]: scale fp32(3/255); zero-point round(0 - (-1)/scale) = 85
  const QuantizedTensor t = q.quantize({-1.0, 0.0, 2.0, 0.5}, 1, 4);
  CHECK(t.scales[0] == double(float(3.0 / 255.0)));
  CHECK(t.zero_points[0] == 85);
  CHECK(t.codes == std::vector<std::uint32_t>{0, 85, 255, 127});  // 0.5/scale = 42.5 - 2e-6 -> 42
  CHECK(q.dequantize(t)[1] == 0.0);  // zero is exact
}

TEST_CASE("per-token, per-block and power-of-two scales") {
  QuantizerConfig c;
  c.granularity = Granularity::kPerBlock;
  c.block_rows = 2;
  c.block_cols = 2;
  c.scale_format = "pow2";
  Quantizer q(c);
  // 4x4, four 2x2 blocks; block (0,0) amax 10: 10/127 -> 2^ceil(log2 0.0787) = 2^-3
  std::vector<double> v(16, 0.0);
  v[0] = 10.0;
  v[5] = -3.0;
  v[2] = 1.0;  // block (0,1): 1/127 -> 2^-6
  const QuantizedTensor t = q.quantize(v, 4, 4);
  REQUIRE(t.scales.size() == 4);
  CHECK(t.scales[0] == 0.125);
  CHECK(t.scales[1] == 0x1.0p-6);
  CHECK(t.codes[0] == 80);
  CHECK(t.codes[5] == std::uint32_t(256 - 24));
  CHECK(t.codes[2] == 64);
  CHECK(q.effective_bits_per_element(4, 4) == 8.0 + 4 * 8 / 16.0);

  QuantizerConfig tok;
  tok.granularity = Granularity::kPerToken;
  tok.element_format = "fp8-e4m3";
  Quantizer qt(tok);
  const QuantizedTensor tt = qt.quantize({448, 1, 2, 4, 0.5, 1}, 2, 3);
  CHECK(tt.scales == std::vector<double>{1.0, double(float(4.0 / 448.0))});
}

TEST_CASE("bad quantizer input gives clear errors") {
  QuantizerConfig g;
  g.element_format = "int4";
  g.granularity = Granularity::kPerGroup;
  g.group_size = 100;
  Quantizer q(g);
  CHECK_THROWS_WITH(q.quantize(std::vector<double>(128, 1.0), 1, 128),
                    Catch::Contains("group size 100 does not divide the row length 128"));
  QuantizerConfig bad_scale;
  bad_scale.scale_format = "fp12";
  CHECK_THROWS_WITH(Quantizer{bad_scale}, Catch::Contains("unknown scale format 'fp12'") && Catch::Contains("e8m0"));
  QuantizerConfig asym_float;
  asym_float.element_format = "fp8-e4m3";
  asym_float.symmetric = false;
  CHECK_THROWS_WITH(Quantizer{asym_float}, Catch::Contains("asymmetric"));
  CHECK_THROWS_WITH(block_format_quantizer("int8"), Catch::Contains("not a block format"));
  CHECK_THROWS_AS(parse_granularity("per-row"), std::invalid_argument);
  Quantizer plain{QuantizerConfig{}};
  CHECK_THROWS_AS(plain.quantize({1.0, NAN}, 1, 2), std::range_error);
  CHECK_THROWS_AS(plain.quantize({1.0, 2.0, 3.0}, 1, 2), std::invalid_argument);
}

TEST_CASE("E8M0 is refused as an element format: it has no sign and no zero [MX 5.4]") {
  // It was accepted: -1 and 0 both became its smallest value 2^-127 times the scale.
  QuantizerConfig c;
  c.element_format = "e8m0";
  CHECK_THROWS_WITH(Quantizer{c}, Catch::StartsWith("'e8m0' is a scale format (unsigned powers of two, no zero), not "
                                                    "an element format; elements are an integer"));
  QuantizerConfig e8m0_scales;
  e8m0_scales.element_format = "fp8-e4m3";
  e8m0_scales.scale_format = "e8m0";
  CHECK_NOTHROW(Quantizer{e8m0_scales});
}

TEST_CASE("scales outside their format's range are clamped into it and counted") {
  // The clamps were silent: int8 with fp16 scales turned 1e7 into 8.3e6.
  QuantizerConfig fp16;
  fp16.scale_format = "fp16";
  const QuantizedTensor big = Quantizer(fp16).quantize({1e7, -3}, 1, 2);
  CHECK(big.scales == std::vector<double>{65504.0});  // 1e7 / 127 = 78740 > fp16 max 65504
  CHECK(big.codes == std::vector<std::uint32_t>{127, 0});
  CHECK(big.scales_clamped_to_max == 1);
  CHECK(big.scales_clamped_to_min == 0);
  const QuantizedTensor tiny = Quantizer(fp16).quantize({1e-9, 1}, 2, 1);
  CHECK(tiny.scales_clamped_to_min == 0);  // per tensor: amax 1
  // per row: 1e-9 / 127 is below the smallest fp16 subnormal 2^-24
  QuantizerConfig rows = fp16;
  rows.granularity = Granularity::kPerToken;
  const QuantizedTensor per_row = Quantizer(rows).quantize({1e-9, 1}, 2, 1);
  CHECK(per_row.scales[0] == std::ldexp(1.0, -24));
  CHECK(per_row.scales_clamped_to_min == 1);
  // E8M0 with int8 (emax 6): floor(log2 1e300) - 6 = 996 - 6 > 127; 2^-140: -140 - 6 < -127
  QuantizerConfig e8m0;
  e8m0.scale_format = "e8m0";
  e8m0.granularity = Granularity::kPerToken;
  const QuantizedTensor mx = Quantizer(e8m0).quantize({1e300, 0x1.0p-140, 0}, 3, 1);
  CHECK(mx.scale_codes == std::vector<std::uint32_t>{254, 0, 0});  // an all-zero row takes 2^-127 unclamped
  CHECK(mx.scales_clamped_to_max == 1);
  CHECK(mx.scales_clamped_to_min == 1);
}

TEST_CASE("NVFP4: a tensor scale below the smallest FP32 value is raised to it, not 0 [NVFP4]") {
  // It was 0: block scales 0, every code 7 (6.0) and every dequantized value 0.
  const QuantizedTensor t = Quantizer(block_format_quantizer("nvfp4")).quantize(std::vector<double>(16, 1e-44), 1, 16);
  // 1e-44 / 2688 < 2^-149; block scale E4M3(1e-44 / 2^-149 / 6 = 1.1894) = 1.25 (0x3A); element 1e-44 / (1.25 *
  // 2^-149) = 5.71 -> FP4 6 (0x7)
  CHECK(t.tensor_scale == std::ldexp(1.0, -149));
  CHECK(t.scales_clamped_to_min == 1);
  CHECK(t.scale_codes == std::vector<std::uint32_t>{0x3A});
  CHECK(t.codes == std::vector<std::uint32_t>(16, 0x7));
  CHECK(Quantizer(block_format_quantizer("nvfp4")).dequantize(t)[0] == std::ldexp(7.5, -149));
}

TEST_CASE("symmetric quantization into an unsigned format refuses negative values") {
  // uint8 symmetric mapped every negative value to 0, silently.
  QuantizerConfig u;
  u.element_format = "uint8";
  CHECK_THROWS_WITH(Quantizer(u).quantize({1.0, -0.5}, 1, 2),
                    "value -0.5 at [0, 1] is negative, and symmetric quantization into the unsigned uint8 would make it "
                    "0; quantize asymmetrically (--asymmetric: a zero-point) or into a signed format");
  // post-ReLU data: scale 255 / 255 = 1, codes are the values
  CHECK(Quantizer(u).quantize({0.0, 3.0, 255.0}, 1, 3).codes == std::vector<std::uint32_t>{0, 3, 255});
  u.symmetric = false;
  CHECK_NOTHROW(Quantizer(u).quantize({1.0, -0.5}, 1, 2));
}

TEST_CASE("error metrics: SQNR of a hand example and of int8 vs int4 on Gaussian data") {
  const ErrorMetrics m = compare_to_reference({1.0, 1.0}, {1.0, 0.9});
  CHECK(m.sqnr_db == Approx(10.0 * std::log10(2.0 / 0.01)));
  CHECK(m.max_abs_error == Approx(0.1));
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> x(4096);
  for (double& v : x) v = normal(rng);
  QuantizerConfig c8, c4;
  c4.element_format = "int4";
  const Quantizer q8(c8), q4(c4);
  const double s8 = compare_to_reference(x, q8.dequantize(q8.quantize(x, 64, 64))).sqnr_db;
  const double s4 = compare_to_reference(x, q4.dequantize(q4.quantize(x, 64, 64))).sqnr_db;
  // each extra bit is worth ~6.02 dB for a uniform quantizer (4 bits: ~24 dB)
  CHECK(s8 - s4 == Approx(4 * 6.02).margin(1.5));
}

TEST_CASE("error metrics of values near the double range: SQNR from the ratio, not an overflowed sum") {
  // 1e300^2 overflows a double: the SQNR was inf/inf = NaN. Signal 1e600, noise 1e598: 20 dB.
  const ErrorMetrics m = compare_to_reference({1e300, 0.0}, {1e300, 1e299});
  CHECK(m.sqnr_db == Approx(20.0));
  CHECK(m.max_abs_error == Approx(1e299));
  CHECK(std::isinf(m.mean_squared_error));  // 5e597 is beyond any double
  // An output that overflowed to inf has an infinite error: -inf dB.
  CHECK(compare_to_reference({1e300}, {INFINITY}).sqnr_db == -INFINITY);
  // Tiny values keep their SQNR (their squares, 1e-600, underflowed): 1e-300 vs 0.9e-300.
  CHECK(compare_to_reference({1e-300, 1e-300}, {1e-300, 0.9e-300}).sqnr_db ==
        Approx(10.0 * std::log10(2.0 / 0.01)));
}

TEST_CASE("error metrics: a NaN output makes the error NaN and is counted, never read as 0") {
  // The error of a NaN output is unknown; a max that skipped it reported 0 here.
  const ErrorMetrics m = compare_to_reference({16.0, 2.0}, {NAN, 2.0});
  CHECK(std::isnan(m.max_abs_error));
  CHECK(std::isnan(m.sqnr_db));
  CHECK(std::isnan(m.mean_squared_error));
  CHECK(m.nan_outputs == 1);
  CHECK(compare_to_reference({1.0}, {1.0}).nan_outputs == 0);
}

TEST_CASE("error metrics: an infinite reference value makes the SQNR NaN (inf / inf) and the error infinite") {
  // The SQNR was log10 of inf / inf, a NaN with its sign bit set that printed as "-nan".
  const ErrorMetrics m = compare_to_reference({INFINITY, 1.0}, {448.0, 1.0});
  CHECK(std::isnan(m.sqnr_db));
  CHECK(!std::signbit(m.sqnr_db));
  CHECK(m.max_abs_error == INFINITY);
  CHECK(m.nan_outputs == 0);
}

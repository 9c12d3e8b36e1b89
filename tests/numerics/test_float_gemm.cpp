// Float-format and block-format GEMM/convolution: bit-exact against an
// independent reference written here (exact long double products and block
// sums, each rounding done by the ElementCodec or by native float), hand-derived
// examples of the defined order, and SQNR against a float64 product.
// Sources:
//  [OFP8] OCP 8-bit Floating Point Specification rev 1.0 (E4M3/E5M2 values).
//  [MX]   OCP Microscaling Formats (MX) Specification v1.0, 6.2 "Dot product of two
//         MX-compliant vectors" (block dot = X_a X_b sum P_a P_b), 6.3 (DotGeneral:
//         sum of block dots; 6.3 scale rule 2^(floor(log2 amax) - emax_elem)).
//  [NV]   NVIDIA, "Introducing NVFP4 for Efficient and Accurate Low-Precision
//         Inference", 2025 (16 FP4 E2M1 elements, E4M3 block scale, FP32 tensor scale).
//  [754]  IEEE 754-2019 roundTiesToEven.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "models/numerics/element_codec.h"
#include "models/numerics/error_metrics.h"
#include "models/numerics/float_gemm.h"
#include "models/numerics/quantizer.h"

using namespace qarch::numerics;

namespace {

// Round to a format through the codec: nearest even, IEEE overflow [754].
double codec_round(const ElementCodec& c, double x) {
  EncodeOptions ieee;
  ieee.overflow = OverflowPolicy::kToInfOrNan;
  return c.decode(c.encode(x, ieee));
}

// The defined order, written plainly: products exact in long double, each
// product and each partial sum rounded by the accumulator's codec.
std::vector<double> reference_float_gemm(int m, int n, int k, const std::vector<std::uint32_t>& a, const ElementCodec& ca,
                                         const std::vector<std::uint32_t>& b, const ElementCodec& cb,
                                         const ElementCodec& acc) {
  std::vector<double> c(std::size_t(m) * n);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int p = 0; p < k; ++p) {
        const long double product = (long double)ca.decode(a[std::size_t(i) * k + p]) * cb.decode(b[std::size_t(p) * n + j]);
        // the double sum of two values of <= 24 bits, rounded again, is correctly rounded (53 >= 2*24+2)
        sum = codec_round(acc, sum + codec_round(acc, double(product)));
      }
      c[std::size_t(i) * n + j] = sum;
    }
  }
  return c;
}

std::vector<std::uint32_t> random_codes(std::size_t count, const ElementCodec& c, std::mt19937_64& rng) {
  std::vector<std::uint32_t> out;
  while (out.size() < count) {
    const std::uint32_t code = std::uint32_t(rng() & ((1u << c.bits()) - 1));
    if (std::isfinite(c.decode(code))) out.push_back(code);
  }
  return out;
}

std::vector<std::uint32_t> encode_all(const ElementCodec& c, const std::vector<double>& v) {
  std::vector<std::uint32_t> out;
  for (double x : v) out.push_back(c.encode(x));
  return out;
}

bool same_values(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) return false;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const bool both_nan = std::isnan(x[i]) && std::isnan(y[i]);
    if (!both_nan && (x[i] != y[i] || std::signbit(x[i]) != std::signbit(y[i]))) return false;
  }
  return true;
}

std::vector<double> gaussian(std::size_t count, std::mt19937_64& rng, double sigma = 1.0) {
  std::normal_distribution<double> normal(0.0, sigma);
  std::vector<double> v(count);
  for (double& x : v) x = normal(rng);
  return v;
}

}  // namespace

TEST_CASE("FP8 GEMM equals the reference order bit for bit (fp32, fp16, bf16 accumulators)") {
  std::mt19937_64 rng(7);
  const char* pairs[][2] = {{"fp8-e4m3", "fp8-e4m3"}, {"fp8-e5m2", "fp8-e5m2"}, {"fp8-e4m3", "fp8-e5m2"},
                            {"fp6-e2m3", "fp4-e2m1"}, {"fp16", "bf16"}};
  const int shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {8, 17, 64}, {2, 33, 129}};
  for (const auto& pair : pairs) {
    const ElementCodec ca = ElementCodec::for_format(pair[0]), cb = ElementCodec::for_format(pair[1]);
    for (const char* acc : {"fp32", "fp16", "bf16"}) {
      for (const auto& s : shapes) {
        INFO(pair[0] << " x " << pair[1] << " acc " << acc << " " << s[0] << "x" << s[1] << "x" << s[2]);
        const auto a = random_codes(std::size_t(s[0]) * s[2], ca, rng);
        const auto b = random_codes(std::size_t(s[2]) * s[1], cb, rng);
        const auto ours = matmul_float_format(s[0], s[1], s[2], a.data(), pair[0], b.data(), pair[1], acc);
        CHECK(same_values(ours, reference_float_gemm(s[0], s[1], s[2], a, ca, b, cb, ElementCodec::for_format(acc))));
      }
    }
  }
}

TEST_CASE("FP8 GEMM with fp32 accumulation equals native float in k order") {
  // An independent second reference for the fast path: plain float multiply and add.
  std::mt19937_64 rng(8);
  const ElementCodec e4m3 = ElementCodec::for_format("fp8-e4m3");
  const int m = 5, n = 9, k = 300;
  const auto a = random_codes(std::size_t(m) * k, e4m3, rng), b = random_codes(std::size_t(k) * n, e4m3, rng);
  const auto ours = matmul_float_format(m, n, k, a.data(), "fp8-e4m3", b.data(), "fp8-e4m3", "fp32");
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (int p = 0; p < k; ++p) sum += float(e4m3.decode(a[i * k + p])) * float(e4m3.decode(b[p * n + j]));
      CHECK(ours[i * n + j] == double(sum));
    }
  }
}

TEST_CASE("the defined order shows in hand-derived FP16/BF16 accumulation [OFP8] [754]") {
  const ElementCodec e5m2 = ElementCodec::for_format("fp8-e5m2"), e4m3 = ElementCodec::for_format("fp8-e4m3");
  // 2048 + 1 is a tie in fp16 (ulp 2 at 2^11) and goes to even 2048; so does the second +1.
  const auto big_first = encode_all(e5m2, {2048, 1, 1}), small_first = encode_all(e5m2, {1, 1, 2048});
  const auto ones = encode_all(e5m2, {1, 1, 1});
  CHECK(matmul_float_format(1, 1, 3, big_first.data(), "fp8-e5m2", ones.data(), "fp8-e5m2", "fp16")[0] == 2048.0);
  CHECK(matmul_float_format(1, 1, 3, small_first.data(), "fp8-e5m2", ones.data(), "fp8-e5m2", "fp16")[0] == 2050.0);
  CHECK(matmul_float_format(1, 1, 3, big_first.data(), "fp8-e5m2", ones.data(), "fp8-e5m2", "fp32")[0] == 2050.0);
  // bf16 has 8 significand bits: 2048 + 2 = 2050 is below half an ulp (16) and is lost.
  CHECK(matmul_float_format(1, 1, 3, small_first.data(), "fp8-e5m2", ones.data(), "fp8-e5m2", "bf16")[0] == 2048.0);
  // E4M3 448 * 448 = 200704 > fp16 max 65504: the product overflows to +Inf; in fp32 it is exact.
  const auto max448 = encode_all(e4m3, {448});
  CHECK(std::isinf(matmul_float_format(1, 1, 1, max448.data(), "fp8-e4m3", max448.data(), "fp8-e4m3", "fp16")[0]));
  CHECK(matmul_float_format(1, 1, 1, max448.data(), "fp8-e4m3", max448.data(), "fp8-e4m3", "fp32")[0] == 200704.0);
  // E4M3 NaN (S.1111.111) propagates
  const std::vector<std::uint32_t> nan_code = {0x7F};
  CHECK(std::isnan(matmul_float_format(1, 1, 1, nan_code.data(), "fp8-e4m3", max448.data(), "fp8-e4m3", "fp32")[0]));
  CHECK_THROWS_AS(matmul_float_format(1, 1, 1, max448.data(), "fp8-e4m3", max448.data(), "fp8-e4m3", "fp8-e4m3"),
                  std::invalid_argument);  // E4M3 has no Inf: not an IEEE accumulator
  CHECK_THROWS_AS(matmul_float_format(1, 1, 1, max448.data(), "int32", max448.data(), "int32", "fp32"), std::invalid_argument);
}

TEST_CASE("FP8 convolution equals the float GEMM reference on an explicit loop nest") {
  std::mt19937_64 rng(9);
  const ElementCodec e4m3 = ElementCodec::for_format("fp8-e4m3"), fp32 = ElementCodec::for_format("fp32");
  Conv2dShape s;
  s.batch = 2;
  s.in_channels = 4;
  s.in_height = 6;
  s.in_width = 5;
  s.out_channels = 6;
  s.kernel_height = 3;
  s.kernel_width = 2;
  s.stride_h = 2;
  s.pad_top = 1;
  s.pad_left = 1;
  s.pad_bottom = 1;
  s.groups = 2;
  const int icg = 2, ocg = 3, oh = s.out_height(), ow = s.out_width();
  const auto x = random_codes(std::size_t(2) * 4 * 6 * 5, e4m3, rng);
  const auto w = random_codes(std::size_t(6) * icg * 3 * 2, e4m3, rng);
  const auto ours = conv2d_float_format(s, x.data(), "fp8-e4m3", w.data(), "fp8-e4m3", "fp32");
  REQUIRE(ours.size() == std::size_t(2) * 6 * oh * ow);
  for (int nb = 0; nb < 2; ++nb) {
    for (int oc = 0; oc < 6; ++oc) {
      for (int oy = 0; oy < oh; ++oy) {
        for (int ox = 0; ox < ow; ++ox) {
          double sum = 0.0;  // k order (c, ky, kx); padding taps add +0
          for (int c = 0; c < icg; ++c) {
            for (int ky = 0; ky < 3; ++ky) {
              for (int kx = 0; kx < 2; ++kx) {
                const int iy = oy * 2 - 1 + ky, ix = ox - 1 + kx;
                const int ic = (oc / ocg) * icg + c;
                const double xv = (iy >= 0 && iy < 6 && ix >= 0 && ix < 5) ? e4m3.decode(x[((nb * 4 + ic) * 6 + iy) * 5 + ix]) : 0.0;
                const double wv = e4m3.decode(w[((oc * icg + c) * 3 + ky) * 2 + kx]);
                sum = codec_round(fp32, sum + codec_round(fp32, xv * wv));
              }
            }
          }
          CHECK(ours[((nb * 6 + oc) * oh + oy) * ow + ox] == sum);
        }
      }
    }
  }
}

namespace {

// The MX / NVFP4 order written plainly from the dequantized operands: the block
// sum of products exact in long double (element products of <= 8 bits; the
// data below keep each block's span well under 64 bits), scaled, rounded once
// to float (the E8M0 scales are powers of two and the NVFP4 block sums have
// <= 12 bits, so scaling them stays exact in long double); blocks summed in
// float; tensor scales applied last.
std::vector<double> reference_block_gemm(const std::vector<double>& a_elements, const std::vector<double>& a_block_scales,
                                         double a_tensor, const std::vector<double>& b_elements,
                                         const std::vector<double>& b_block_scales, double b_tensor, int m, int n, int k,
                                         int block) {
  std::vector<double> c(std::size_t(m) * n);
  const int blocks = k / block;
  const float tensor = float(a_tensor * b_tensor);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (int bl = 0; bl < blocks; ++bl) {
        long double s = 0;
        for (int p = bl * block; p < (bl + 1) * block; ++p) s += (long double)a_elements[i * k + p] * b_elements[j * k + p];
        sum += float(s * a_block_scales[i * blocks + bl] * b_block_scales[j * blocks + bl]);
      }
      c[std::size_t(i) * n + j] = double(sum * tensor);
    }
  }
  return c;
}

struct SplitOperand {
  std::vector<double> elements, block_scales;
  double tensor_scale;
};

// Element values (times the MXINT8 unit) and block scales decoded with the codecs.
SplitOperand split(const QuantizedTensor& q, const std::string& format) {
  const QuantizerConfig preset = block_format_quantizer(format);
  const ElementCodec element = ElementCodec::for_format(preset.element_format);
  const ElementCodec scale = ElementCodec::for_format(preset.scale_format);
  SplitOperand s{{}, {}, q.tensor_scale};
  for (std::uint32_t c : q.codes) s.elements.push_back(element.decode(c) * preset.element_unit);
  for (std::uint32_t c : q.scale_codes) s.block_scales.push_back(scale.decode(c));
  return s;
}

}  // namespace

TEST_CASE("MX and NVFP4 GEMM equal the reference order bit for bit [MX 6.2, 6.3] [NV]") {
  std::mt19937_64 rng(11);
  const char* pairs[][2] = {{"mxfp8-e4m3", "mxfp8-e4m3"}, {"mxfp8-e5m2", "mxfp8-e4m3"}, {"mxfp6-e2m3", "mxfp6-e3m2"},
                            {"mxfp4", "mxfp4"},           {"mxint8", "mxint8"},         {"nvfp4", "nvfp4"}};
  for (const auto& pair : pairs) {
    const int block = format_info(pair[0]).block_size;
    const int m = 7, n = 5, k = 4 * block;
    INFO(pair[0] << " x " << pair[1]);
    std::vector<double> a = gaussian(std::size_t(m) * k, rng, 3.0), b = gaussian(std::size_t(n) * k, rng, 0.01);
    a[3] = 0.0;  // an exact zero, and a block with one large outlier
    a[block + 1] = 900.0;
    const QuantizedTensor qa = Quantizer(block_format_quantizer(pair[0])).quantize(a, m, k);
    const QuantizedTensor qb = Quantizer(block_format_quantizer(pair[1])).quantize(b, n, k);
    const SplitOperand sa = split(qa, pair[0]), sb = split(qb, pair[1]);
    const auto ours = matmul_block_format(qa, pair[0], qb, pair[1], "fp32");
    CHECK(same_values(ours, reference_block_gemm(sa.elements, sa.block_scales, sa.tensor_scale, sb.elements,
                                                 sb.block_scales, sb.tensor_scale, m, n, k, block)));
  }
  const QuantizedTensor mx = Quantizer(block_format_quantizer("mxfp8-e4m3")).quantize(std::vector<double>(32, 1.0), 1, 32);
  const QuantizedTensor nv = Quantizer(block_format_quantizer("nvfp4")).quantize(std::vector<double>(32, 1.0), 1, 32);
  CHECK_THROWS_AS(matmul_block_format(mx, "mxfp8-e4m3", nv, "nvfp4", "fp32"), std::invalid_argument);  // blocks 32 vs 16
  CHECK_THROWS_AS(matmul_block_format(mx, "fp8-e4m3", mx, "mxfp8-e4m3", "fp32"), std::invalid_argument);
}

TEST_CASE("MX block sums are exact and rounded once and blocks accumulate in FP32 [MX 6.2, 6.3]") {
  // MXFP8 E5M2 (element range 2^-16..57344, so 2^24 and 1 share a block):
  // A = 2^24, 1, 1, 1 in one block -> scale 2^(24-15) = 2^9 [MX 6.3], elements 2^15 and 2^-9.
  std::vector<double> a(32, 0.0), b(32, 0.0);
  a[0] = 16777216.0;
  a[1] = a[2] = a[3] = 1.0;
  b[0] = b[1] = b[2] = b[3] = 1.0;
  const Quantizer e5m2(block_format_quantizer("mxfp8-e5m2"));
  const QuantizedTensor qa = e5m2.quantize(a, 1, 32), qb = e5m2.quantize(b, 1, 32);
  REQUIRE(qa.scale_codes[0] == 127 + 9);
  REQUIRE(e5m2.dequantize(qa) == a);
  // exact block sum 2^24 + 3 = 16777219, a tie between 16777218 and 16777220 in fp32: even -> 16777220
  CHECK(matmul_block_format(qa, "mxfp8-e5m2", qb, "mxfp8-e5m2", "fp32")[0] == 16777220.0);
  // the same values in three blocks (2^24 | 1 | 1): each block exact, but 2^24 + 1 in fp32 is a tie -> 2^24, twice
  std::vector<double> a3(96, 0.0), b3(96, 1.0);
  a3[0] = 16777216.0;
  a3[32] = a3[64] = 1.0;
  const QuantizedTensor qa3 = e5m2.quantize(a3, 1, 96), qb3 = e5m2.quantize(b3, 1, 96);
  CHECK(matmul_block_format(qa3, "mxfp8-e5m2", qb3, "mxfp8-e5m2", "fp32")[0] == 16777216.0);
  // a NaN scale (E8M0 0xFF) makes its block, and so the output, NaN [MX 5.4, 6.2]
  QuantizedTensor nan_scale = qa;
  nan_scale.scale_codes[0] = 0xFF;
  CHECK(std::isnan(matmul_block_format(nan_scale, "mxfp8-e5m2", qb, "mxfp8-e5m2", "fp32")[0]));
  // Inf elements given as codes propagate as IEEE arithmetic does [OFP8: E5M2 0x7C = +Inf, 0x3C = 1.0]:
  // scales 2^0 (E8M0 127); +Inf * 1 + 31 * 1 = +Inf; with B's first element 0, Inf * 0 = NaN.
  QuantizedTensor inf_a, ones_b;
  inf_a.rows = ones_b.rows = 1;
  inf_a.cols = ones_b.cols = 32;
  inf_a.codes.assign(32, 0x3C);
  inf_a.codes[0] = 0x7C;
  ones_b.codes.assign(32, 0x3C);
  inf_a.scale_codes = ones_b.scale_codes = {127};
  CHECK(matmul_block_format(inf_a, "mxfp8-e5m2", ones_b, "mxfp8-e5m2", "fp32")[0] == INFINITY);
  ones_b.codes[0] = 0;
  CHECK(std::isnan(matmul_block_format(inf_a, "mxfp8-e5m2", ones_b, "mxfp8-e5m2", "fp32")[0]));
}

TEST_CASE("NVFP4 GEMM on hand-built operands: block scales, then the FP32 tensor scales [NV]") {
  // A: FP4 E2M1 6, 1.5, -0.5 (codes 0x7, 0x3, 0x9) under E4M3 scale 1.25 (0x3A), tensor scale 0.5.
  // B: FP4 2, 4, 3 (0x4, 0x6, 0x5) under E4M3 scale 0.75 (0x34: 2^-1 * 1.5), tensor scale 0.25.
  // Block sum 6*2 + 1.5*4 - 0.5*3 = 16.5; * 1.25 * 0.75 = 15.46875; * (0.5 * 0.25) = 1.93359375.
  QuantizedTensor a, b;
  a.rows = b.rows = 1;
  a.cols = b.cols = 16;
  a.codes.assign(16, 0);
  b.codes.assign(16, 0);
  a.codes[0] = 0x7;
  a.codes[1] = 0x3;
  a.codes[2] = 0x9;
  b.codes[0] = 0x4;
  b.codes[1] = 0x6;
  b.codes[2] = 0x5;
  a.scale_codes = {0x3A};
  b.scale_codes = {0x34};
  a.tensor_scale = 0.5;
  b.tensor_scale = 0.25;
  CHECK(matmul_block_format(a, "nvfp4", b, "nvfp4", "fp32")[0] == 1.93359375);
  // bf16 accumulator (8 significand bits): 15.46875 = 1111.01111b rounds to 15.5, times 0.125 = 1.9375
  CHECK(matmul_block_format(a, "nvfp4", b, "nvfp4", "bf16")[0] == 1.9375);
}

TEST_CASE("SQNR of the format GEMMs against float64 follows the element precision") {
  // Not golden values: bounds from the rounding. An element rounded to nearest with
  // M mantissa bits has relative error <= 2^-(M+1), so each product is off by at most
  // ~2^-M and the GEMM SQNR is at least ~6.02*M dB for data inside the normal range;
  // one more mantissa bit buys ~6 dB.
  std::mt19937_64 rng(12);
  const int m = 16, n = 16, k = 256;
  const std::vector<double> a = gaussian(std::size_t(m) * k, rng), bt = gaussian(std::size_t(n) * k, rng);
  std::vector<double> reference(std::size_t(m) * n, 0.0);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      for (int p = 0; p < k; ++p) reference[i * n + j] += a[i * k + p] * bt[j * k + p];
    }
  }
  const auto sqnr_block = [&](const char* format) {
    const Quantizer q(block_format_quantizer(format));
    return compare_to_reference(reference, matmul_block_format(q.quantize(a, m, k), format, q.quantize(bt, n, k), format, "fp32")).sqnr_db;
  };
  const auto sqnr_element = [&](const char* format) {
    const ElementCodec c = ElementCodec::for_format(format);
    std::vector<double> b(std::size_t(k) * n);
    for (int j = 0; j < n; ++j) {
      for (int p = 0; p < k; ++p) b[p * n + j] = bt[j * k + p];
    }
    const auto ca = encode_all(c, a), cb = encode_all(c, b);
    return compare_to_reference(reference, matmul_float_format(m, n, k, ca.data(), format, cb.data(), format, "fp32")).sqnr_db;
  };
  const double e4m3 = sqnr_element("fp8-e4m3"), e5m2 = sqnr_element("fp8-e5m2");
  const double mx8 = sqnr_block("mxfp8-e4m3"), mx6 = sqnr_block("mxfp6-e2m3"), mx4 = sqnr_block("mxfp4"),
               nv4 = sqnr_block("nvfp4");
  INFO("e4m3 " << e4m3 << " e5m2 " << e5m2 << " mxfp8 " << mx8 << " mxfp6 " << mx6 << " mxfp4 " << mx4 << " nvfp4 " << nv4);
  CHECK(e4m3 > 6.02 * 3);
  CHECK(e5m2 > 6.02 * 2);
  CHECK(e4m3 - e5m2 == Approx(6.02).margin(2.0));  // one mantissa bit
  CHECK(mx8 > 6.02 * 3);
  CHECK(mx6 > 6.02 * 3);  // E2M3: 3 mantissa bits
  CHECK(mx4 > 6.02 * 1);
  CHECK(mx8 > mx4 + 6.0);
  CHECK(nv4 > mx4);  // smaller blocks and finer (E4M3) scales [NV]
}

TEST_CASE("MX convolution equals the block GEMM reference on an explicit loop nest [MX 6.3]") {
  std::mt19937_64 rng(13);
  Conv2dShape s;
  s.batch = 1;
  s.in_channels = 64;
  s.in_height = 4;
  s.in_width = 3;
  s.out_channels = 3;
  s.kernel_height = 2;
  s.kernel_width = 2;
  s.pad_top = 1;
  s.pad_right = 1;
  const std::vector<double> x = gaussian(std::size_t(64) * 4 * 3, rng), w = gaussian(std::size_t(3) * 64 * 4, rng, 0.1);
  const BlockConv2dResult r = conv2d_block_format(s, x, "mxfp8-e4m3", w, "mxfp8-e4m3", "fp32");
  const int oh = s.out_height(), ow = s.out_width();
  REQUIRE(r.output.size() == std::size_t(3) * oh * ow);
  // Each input block is 32 channels of one pixel; each weight block 32 input channels of one (oc, ky, kx).
  // The operands quantized here with those blocks as the rows' 32-element groups (x is C x H x W,
  // w is OC x C x KH x KW), apart from the convolution: its own dequantized operands must equal them.
  const Quantizer mx(block_format_quantizer("mxfp8-e4m3"));
  std::vector<double> pixels(12 * 64), taps(12 * 64);
  for (int c = 0; c < 64; ++c) {
    for (int p = 0; p < 12; ++p) pixels[p * 64 + c] = x[c * 12 + p];
    for (int oc = 0; oc < 3; ++oc) {
      for (int k = 0; k < 4; ++k) taps[(oc * 4 + k) * 64 + c] = w[(oc * 64 + c) * 4 + k];
    }
  }
  const std::vector<double> pixels_dq = mx.dequantize(mx.quantize(pixels, 12, 64));
  const std::vector<double> taps_dq = mx.dequantize(mx.quantize(taps, 12, 64));
  std::vector<double> x_dq(x.size()), w_dq(w.size());
  for (int c = 0; c < 64; ++c) {
    for (int p = 0; p < 12; ++p) x_dq[c * 12 + p] = pixels_dq[p * 64 + c];
    for (int oc = 0; oc < 3; ++oc) {
      for (int k = 0; k < 4; ++k) w_dq[(oc * 64 + c) * 4 + k] = taps_dq[(oc * 4 + k) * 64 + c];
    }
  }
  CHECK(r.input_dequantized == x_dq);
  CHECK(r.weights_dequantized == w_dq);
  for (int oc = 0; oc < 3; ++oc) {
    for (int oy = 0; oy < oh; ++oy) {
      for (int ox = 0; ox < ow; ++ox) {
        float sum = 0.0f;
        for (int ky = 0; ky < 2; ++ky) {
          for (int kx = 0; kx < 2; ++kx) {
            const int iy = oy - 1 + ky, ix = ox + kx;
            for (int cb = 0; cb < 2; ++cb) {
              long double block = 0;  // dequantized values: exact products, exact block sum
              if (iy >= 0 && iy < 4 && ix >= 0 && ix < 3) {
                for (int c = cb * 32; c < cb * 32 + 32; ++c) {
                  block += (long double)x_dq[(c * 4 + iy) * 3 + ix] * w_dq[((oc * 64 + c) * 2 + ky) * 2 + kx];
                }
              }
              sum += float(block);
            }
          }
        }
        CHECK(r.output[(oc * oh + oy) * ow + ox] == double(sum));
      }
    }
  }
  Conv2dShape bad = s;
  bad.in_channels = 48;  // 48 channels: not a multiple of the 32-element block
  CHECK_THROWS_AS(conv2d_block_format(bad, std::vector<double>(48 * 12, 0.0), "mxfp8-e4m3", std::vector<double>(3 * 48 * 4, 0.0),
                                      "mxfp8-e4m3", "fp32"),
                  std::invalid_argument);
}

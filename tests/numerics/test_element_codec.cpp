// Element codecs against the specifications' own definitions.
// Sources:
//  [OFP8] OCP 8-bit Floating Point Specification (OFP8), rev. 1.0, 2023,
//         section 5.1 (encodings) and Table 1 (E4M3/E5M2 special values).
//  [MX]   OCP Microscaling Formats (MX) Specification v1.0, 2023,
//         section 5.3 (FP6/FP4 element types, Tables 5-7) and 5.4 (E8M0).
//  [IEEE] IEEE 754-2019, sections 3.4 (binary interchange encodings) and 4.3.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "models/numerics/element_codec.h"

using qarch::numerics::ElementCodec;
using qarch::numerics::EncodeOptions;
using qarch::numerics::OverflowPolicy;
using qarch::numerics::Rounding;
using qarch::numerics::StochasticRounder;

namespace {

// The spec's formula, written out here independently of the codec:
// normal:    (-1)^S * 2^(E - bias) * (1 + M / 2^m)
// subnormal: (-1)^S * 2^(1 - bias) * (M / 2^m)            [OFP8 5.1, MX 5.3]
// `nan` / `inf` say which codes the spec reserves.
struct SpecFloat {
  const char* name;
  int e_bits, m_bits, bias;
  bool nan_at_all_ones_only;  // E4M3: S.1111.111 [OFP8 Table 1]
  bool ieee_specials;         // E5M2: exponent all ones is Inf/NaN [OFP8 Table 1]
};

const SpecFloat kSpecFloats[] = {
    {"fp8-e4m3", 4, 3, 7, true, false},
    {"fp8-e5m2", 5, 2, 15, false, true},
    {"fp6-e2m3", 2, 3, 1, false, false},  // [MX] no Inf/NaN encodings
    {"fp6-e3m2", 3, 2, 3, false, false},
    {"fp4-e2m1", 2, 1, 1, false, false},
};

enum class Kind { kFinite, kNan, kInf };

Kind spec_value(const SpecFloat& f, std::uint32_t code, double* value) {
  const std::uint32_t s = code >> (f.e_bits + f.m_bits);
  const std::uint32_t e = (code >> f.m_bits) & ((1u << f.e_bits) - 1);
  const std::uint32_t m = code & ((1u << f.m_bits) - 1);
  const std::uint32_t e_all = (1u << f.e_bits) - 1, m_all = (1u << f.m_bits) - 1;
  if (f.nan_at_all_ones_only && e == e_all && m == m_all) return Kind::kNan;
  if (f.ieee_specials && e == e_all) {
    *value = s ? -INFINITY : INFINITY;
    return m == 0 ? Kind::kInf : Kind::kNan;
  }
  const double frac = double(m) / double(1u << f.m_bits);
  const double magnitude = e == 0 ? std::pow(2.0, 1 - f.bias) * frac : std::pow(2.0, int(e) - f.bias) * (1.0 + frac);
  *value = s ? -magnitude : magnitude;
  return Kind::kFinite;
}

}  // namespace

TEST_CASE("every code of the 8-bit-or-narrower float formats decodes to the spec formula and re-encodes to itself") {
  for (const SpecFloat& f : kSpecFloats) {
    INFO(f.name);
    const ElementCodec codec = ElementCodec::for_format(f.name);
    REQUIRE(codec.bits() == 1 + f.e_bits + f.m_bits);
    for (std::uint32_t code = 0; code < (1u << codec.bits()); ++code) {
      INFO("code " << code);
      double expected = 0;
      const Kind kind = spec_value(f, code, &expected);
      const double got = codec.decode(code);
      if (kind == Kind::kNan) {
        CHECK(std::isnan(got));
        CHECK(codec.is_nan(code));
        CHECK(codec.is_nan(codec.encode(got)));  // NaN class: any NaN code
        continue;
      }
      CHECK(got == expected);
      CHECK(std::signbit(got) == std::signbit(expected));  // -0 stays -0
      CHECK(codec.is_inf(code) == (kind == Kind::kInf));
      EncodeOptions non_saturating;
      non_saturating.overflow = OverflowPolicy::kToInfOrNan;
      CHECK(codec.encode(got, non_saturating) == code);
      if (kind == Kind::kFinite) CHECK(codec.encode(got) == code);
    }
  }
}

TEST_CASE("E8M0 scale codes are 2^(code-127), 0xFF is NaN [MX 5.4]") {
  const ElementCodec e8m0 = ElementCodec::for_format("e8m0");
  for (std::uint32_t code = 0; code < 255; ++code) {
    CHECK(e8m0.decode(code) == std::ldexp(1.0, int(code) - 127));
    CHECK(e8m0.encode(std::ldexp(1.0, int(code) - 127)) == code);
  }
  CHECK(std::isnan(e8m0.decode(0xFF)));
  CHECK(e8m0.max_value() == std::ldexp(1.0, 127));  // [MX] 1111 1110 = 2^127
  CHECK(e8m0.lowest_value() == std::ldexp(1.0, -127));  // [MX] 0000 0000 = 2^-127
  EncodeOptions strict;
  strict.overflow = OverflowPolicy::kError;
  CHECK_THROWS_AS(e8m0.encode(0.0, strict), std::range_error);  // no zero encoding
}

TEST_CASE("every code of the narrow integer formats is its two's complement / unsigned value") {
  const std::pair<const char*, bool> formats[] = {{"int2", true},  {"int3", true},  {"int4", true},  {"int8", true},
                                                  {"uint2", false}, {"uint3", false}, {"uint4", false}, {"uint8", false}};
  for (const auto& [name, is_signed] : formats) {
    INFO(name);
    const ElementCodec codec = ElementCodec::for_format(name);
    const int b = codec.bits();
    for (std::uint32_t code = 0; code < (1u << b); ++code) {
      const double expected = is_signed && code >= (1u << (b - 1)) ? double(code) - std::pow(2.0, b) : double(code);
      CHECK(codec.decode(code) == expected);
      CHECK(codec.encode(expected) == code);
    }
  }
}

TEST_CASE("edge values match the OFP8 and MX tables") {
  struct Edge {
    const char* name;
    double max_normal, min_normal, max_subnormal, min_subnormal;
  };
  // [OFP8] Table 1; [MX] Tables 5 (FP6 E2M3, E3M2) and 6 (FP4 E2M1).
  const Edge edges[] = {
      {"fp8-e4m3", 448.0, 0x1.0p-6, 0.875 * 0x1.0p-6, 0x1.0p-9},
      {"fp8-e5m2", 57344.0, 0x1.0p-14, 0.75 * 0x1.0p-14, 0x1.0p-16},
      {"fp6-e2m3", 7.5, 1.0, 0.875, 0.125},
      {"fp6-e3m2", 28.0, 0.25, 0.1875, 0.0625},
      {"fp4-e2m1", 6.0, 1.0, 0.5, 0.5},
  };
  for (const Edge& e : edges) {
    INFO(e.name);
    const ElementCodec codec = ElementCodec::for_format(e.name);
    CHECK(codec.max_value() == e.max_normal);
    CHECK(codec.lowest_value() == -e.max_normal);
    CHECK(codec.min_normal() == e.min_normal);
    CHECK(codec.min_subnormal() == e.min_subnormal);
    // max subnormal: exponent field 0, mantissa all ones
    CHECK(codec.decode((1u << codec.spec().mantissa_bits) - 1) == e.max_subnormal);
  }
  const ElementCodec e4m3 = ElementCodec::for_format("fp8-e4m3");
  CHECK(e4m3.max_code() == 0x7E);  // S.1111.110 [OFP8 Table 1]
  CHECK(e4m3.is_nan(0x7F));
  CHECK(e4m3.is_nan(0xFF));
  CHECK_FALSE(e4m3.is_inf(0x78));  // E4M3 has no infinities: 0x78 = 256
  CHECK(e4m3.decode(0x78) == 256.0);
  const ElementCodec e5m2 = ElementCodec::for_format("fp8-e5m2");
  CHECK(e5m2.is_inf(0x7C));  // S.11111.00
  CHECK(e5m2.decode(0xFC) == -INFINITY);
  for (std::uint32_t nan : {0x7Du, 0x7Eu, 0x7Fu, 0xFDu, 0xFEu, 0xFFu}) CHECK(e5m2.is_nan(nan));  // S.11111.{01,10,11}
  // [MX] Table 6: the eight FP4 E2M1 magnitudes.
  const double fp4_magnitudes[8] = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0};
  const ElementCodec fp4 = ElementCodec::for_format("fp4-e2m1");
  for (std::uint32_t code = 0; code < 8; ++code) {
    CHECK(fp4.decode(code) == fp4_magnitudes[code]);
    CHECK(fp4.decode(code | 8u) == -fp4_magnitudes[code]);
  }
}

TEST_CASE("IEEE and bfloat16 formats: edge values and agreement with the compiler's own conversions") {
  const ElementCodec fp16 = ElementCodec::for_format("fp16");
  CHECK(fp16.max_value() == 65504.0);  // [IEEE] binary16
  CHECK(fp16.min_normal() == 0x1.0p-14);
  CHECK(fp16.min_subnormal() == 0x1.0p-24);
  CHECK(fp16.encode(1.0) == 0x3C00);
  CHECK(fp16.encode(-2.0) == 0xC000);
  const ElementCodec bf16 = ElementCodec::for_format("bf16");
  CHECK(bf16.max_value() == 0x1.FEp127);
  CHECK(bf16.encode(1.0) == 0x3F80);
  const ElementCodec fp32 = ElementCodec::for_format("fp32");
  CHECK(fp32.max_value() == double(std::numeric_limits<float>::max()));
  CHECK(fp32.min_subnormal() == double(std::numeric_limits<float>::denorm_min()));
  // Independent reference: the C++ double->float conversion (round to nearest even).
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const double x = std::ldexp(double(rng() >> 11) * 0x1.0p-53 - 0.5, int(rng() % 300) - 150);
    const float f = float(x);
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    EncodeOptions ieee;  // the C++ conversion overflows to Inf
    ieee.overflow = OverflowPolicy::kToInfOrNan;
    CHECK(fp32.encode(x, ieee) == bits);
    CHECK(fp32.decode(bits) == double(f));
    // bf16 is the top half of fp32: for a float input, RNE to bf16 is the
    // classic bit trick (add 0x7FFF plus the kept LSB, truncate), for finite results.
    const std::uint32_t lsb = (bits >> 16) & 1u;
    const std::uint32_t expected_bf16 = (bits + 0x7FFFu + lsb) >> 16;
    if (((expected_bf16 >> 7) & 0xFFu) != 0xFFu) CHECK(bf16.encode(double(f)) == expected_bf16);
  }
}

TEST_CASE("ties round to even at every halfway point of the 8-bit-or-narrower formats") {
  for (const SpecFloat& f : kSpecFloats) {
    INFO(f.name);
    const ElementCodec codec = ElementCodec::for_format(f.name);
    // positive finite values in code order are increasing (sign-magnitude)
    std::vector<double> values;
    for (std::uint32_t code = 0; code < (1u << (f.e_bits + f.m_bits)); ++code) {
      double v;
      if (spec_value(f, code, &v) == Kind::kFinite) values.push_back(v);
    }
    const std::uint32_t sign = 1u << (f.e_bits + f.m_bits);
    for (std::uint32_t lo = 0; lo + 1 < values.size(); ++lo) {
      const double mid = 0.5 * (values[lo] + values[lo + 1]);
      INFO("between codes " << lo << " and " << lo + 1 << " at " << mid);
      const std::uint32_t even = (lo % 2 == 0) ? lo : lo + 1;  // the code LSB is the mantissa LSB
      CHECK(codec.encode(mid) == even);
      CHECK(codec.encode(-mid) == (sign | even));
      CHECK(codec.encode(std::nextafter(mid, 0.0)) == lo);
      CHECK(codec.encode(std::nextafter(mid, 1e9)) == lo + 1);
      EncodeOptions rtz;
      rtz.rounding = Rounding::kTowardZero;
      CHECK(codec.encode(mid, rtz) == lo);
      CHECK(codec.encode(std::nextafter(values[lo + 1], 0.0), rtz) == lo);
    }
  }
}

TEST_CASE("formats without mantissa bits break ties toward the even code") {
  // A tie between 2^e and 2^(e+1) went to the larger: e8m0 0.75 -> 1, e3m0 3 -> 4. With one significand
  // digit (always 1) IEEE's "even least significant digit" is the code's last bit, the exponent's.
  struct M0 {
    const char* name;
    int bias;
    std::uint32_t first_power_code, last_finite_code;  // codes first..last are 2^(code - bias); code 0 is 0 when first is 1
  };
  const M0 formats[] = {{"e8m0", 127, 0, 254},      // [MX 5.4]
                        {"e3m0", 3, 1, 6},          // IEEE-style: code 7 is Inf
                        {"e2m0-finite", 1, 1, 3},
                        {"e4m0-b3-finite", 3, 1, 15}};
  for (const M0& f : formats) {
    INFO(f.name);
    const ElementCodec codec = ElementCodec::for_format(f.name);
    const auto value = [&](std::uint32_t code) { return code < f.first_power_code ? 0.0 : std::ldexp(1.0, int(code) - f.bias); };
    for (std::uint32_t lo = 0; lo < f.last_finite_code; ++lo) {
      const double mid = 0.5 * (value(lo) + value(lo + 1));
      INFO("between codes " << lo << " and " << lo + 1 << " at " << mid);
      CHECK(codec.encode(mid) == (lo % 2 == 0 ? lo : lo + 1));
      CHECK(codec.encode(std::nextafter(mid, 1e300)) == lo + 1);
      CHECK(codec.encode(std::nextafter(mid, 0.0)) == lo);
    }
  }
  CHECK(ElementCodec::for_format("e8m0").encode(0.75) == 126);  // 0.5, not 1
  CHECK(ElementCodec::for_format("e3m0").encode(3.0) == 4);     // 2, not 4
  CHECK(ElementCodec::for_format("e3m0").encode(-3.0) == 0xC);  // -2
}

TEST_CASE("overflow: saturation, Inf/NaN without saturation, and an error when asked [OFP8 5.2]") {
  const ElementCodec e4m3 = ElementCodec::for_format("fp8-e4m3");
  const ElementCodec e5m2 = ElementCodec::for_format("fp8-e5m2");
  EncodeOptions sat, nonsat, strict;
  nonsat.overflow = OverflowPolicy::kToInfOrNan;
  strict.overflow = OverflowPolicy::kError;
  // 464 is halfway between 448 (S.1111.110) and the NaN slot 480: ties-to-even keeps 448.
  CHECK(e4m3.encode(464.0, nonsat) == 0x7E);
  CHECK(e4m3.encode(465.0, sat) == 0x7E);
  CHECK(e4m3.encode(465.0, nonsat) == 0x7F);
  CHECK(e4m3.encode(-1e6, nonsat) == 0xFF);
  CHECK(e4m3.encode(INFINITY, sat) == 0x7E);
  // E5M2: 61440 is halfway between 57344 and 2^16, which rounds to even -> overflow.
  CHECK(e5m2.encode(61439.0, nonsat) == 0x7B);
  CHECK(e5m2.encode(61440.0, nonsat) == 0x7C);
  CHECK(e5m2.encode(61440.0, sat) == 0x7B);
  CHECK(e5m2.encode(-INFINITY, nonsat) == 0xFC);
  EncodeOptions rtz_nonsat = nonsat;
  rtz_nonsat.rounding = Rounding::kTowardZero;
  CHECK(e5m2.encode(1e9, rtz_nonsat) == 0x7B);  // [IEEE] 7.4: toward zero overflows to max finite
  // ...but only a finite result overflows: an infinite input stays infinite.
  CHECK(e5m2.encode(INFINITY, rtz_nonsat) == 0x7C);
  CHECK(e5m2.encode(-INFINITY, rtz_nonsat) == 0xFC);
  CHECK(ElementCodec::for_format("fp32").encode(INFINITY, rtz_nonsat) == 0x7F800000u);
  // A NaN keeps its sign: E4M3 has S.1111.111 for both signs, E5M2 a quiet NaN.
  CHECK(e4m3.encode(-NAN) == 0xFF);
  CHECK(e4m3.encode(NAN) == 0x7F);
  CHECK(e5m2.encode(-NAN) == 0xFE);
  // IEEE-style with no mantissa bit (e2m0): the all-ones exponent is only
  // Inf, so there is no NaN to encode to.
  const ElementCodec e2m0 = ElementCodec::for_format("e2m0");
  CHECK_FALSE(e2m0.has_nan());
  CHECK_THROWS_WITH(e2m0.encode(NAN), Catch::Contains("NaN is not representable in e2m0"));
  CHECK(e2m0.encode(INFINITY, nonsat) == 0x3);
  CHECK(e5m2.has_nan());
  CHECK(e4m3.has_nan());
  CHECK_FALSE(ElementCodec::for_format("fp4-e2m1").has_nan());
  CHECK_THROWS_WITH(e4m3.encode(500.0, strict), Catch::Contains("saturation off") && Catch::Contains("448"));
  CHECK_THROWS_AS(ElementCodec::for_format("fp4-e2m1").encode(7.0, nonsat), std::range_error);
  CHECK(ElementCodec::for_format("fp4-e2m1").encode(7.0, sat) == 0x7);
  CHECK_THROWS_AS(ElementCodec::for_format("fp4-e2m1").encode(NAN), std::range_error);
  const ElementCodec int8 = ElementCodec::for_format("int8");
  CHECK(int8.encode(200.0) == 0x7F);
  CHECK(int8.encode(-200.0) == 0x80);
  CHECK(int8.encode(2.5) == 2);  // ties to even
  CHECK(int8.encode(-3.5) == 0xFC);
  CHECK_THROWS_WITH(int8.encode(128.0, strict), Catch::Contains("[-128, 127]"));
  CHECK_THROWS_AS(int8.encode(NAN), std::range_error);
}

TEST_CASE("stochastic rounding is unbiased and reproducible for a seed") {
  struct Case {
    const char* format;
    double value;
  };
  const Case cases[] = {{"fp8-e4m3", 1.0375}, {"fp8-e5m2", -3.3}, {"fp4-e2m1", 2.9}, {"int4", 1.25}, {"fp8-e4m3", 0x1.8p-9}};
  for (const Case& c : cases) {
    INFO(c.format << " " << c.value);
    const ElementCodec codec = ElementCodec::for_format(c.format);
    StochasticRounder rounder(1234);
    EncodeOptions sr;
    sr.rounding = Rounding::kStochastic;
    sr.rounder = &rounder;
    const int n = 200000;
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; ++i) {
      const double v = codec.decode(codec.encode(c.value, sr));
      sum += v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    // Each draw is lo or hi with P(hi) = p; the mean's standard deviation is
    // (hi-lo) sqrt(p(1-p)/n) <= (hi-lo) / (2 sqrt(n)). Allow 5 sigma.
    CHECK(lo < hi);
    CHECK(std::fabs(sum / n - c.value) <= 5.0 * (hi - lo) / (2.0 * std::sqrt(double(n))));
  }
  const ElementCodec e4m3 = ElementCodec::for_format("fp8-e4m3");
  StochasticRounder a(99), b(99);
  EncodeOptions sa, sb;
  sa.rounding = sb.rounding = Rounding::kStochastic;
  sa.rounder = &a;
  sb.rounder = &b;
  for (int i = 0; i < 1000; ++i) CHECK(e4m3.encode(1.0 + i * 1e-3, sa) == e4m3.encode(1.0 + i * 1e-3, sb));
  CHECK_THROWS_AS(e4m3.encode(1.01, EncodeOptions{Rounding::kStochastic}), std::invalid_argument);
}

TEST_CASE("generic minifloats: the named FP8 formats are special cases, other splits follow the formula") {
  const ElementCodec e4m3 = ElementCodec::for_format("fp8-e4m3");
  const ElementCodec e4m3_generic = ElementCodec::for_format("e4m3-fn");
  const ElementCodec e5m2 = ElementCodec::for_format("fp8-e5m2");
  const ElementCodec e5m2_generic = ElementCodec::for_format("e5m2");
  for (std::uint32_t code = 0; code < 256; ++code) {
    const double a = e4m3.decode(code), b = e4m3_generic.decode(code);
    CHECK(((std::isnan(a) && std::isnan(b)) || a == b));
    const double c = e5m2.decode(code), d = e5m2_generic.decode(code);
    CHECK(((std::isnan(c) && std::isnan(d)) || c == d));
  }
  // E3M4, IEEE-style, default bias 2^(3-1)-1 = 3: max = (2 - 2^-4) * 2^(6-3) = 15.5
  const ElementCodec e3m4 = ElementCodec::for_format("e3m4");
  CHECK(e3m4.bits() == 8);
  CHECK(e3m4.max_value() == 15.5);
  CHECK(e3m4.min_subnormal() == 0x1.0p-6);
  // E2M5 with no Inf/NaN and bias 1: max = (2 - 2^-5) * 2^(3-1) = 7.875
  CHECK(ElementCodec::for_format("e2m5-finite-b1").max_value() == 7.875);
  // E4M3 with bias 8: everything halves
  CHECK(ElementCodec::for_format("e4m3-b8-fn").max_value() == 224.0);
}

TEST_CASE("bad format names are rejected with the list of known formats") {
  CHECK_THROWS_WITH(ElementCodec::for_format("fp7"), Catch::Contains("unknown number format 'fp7'") &&
                                                         Catch::Contains("fp8-e4m3") && Catch::Contains("e<E>m<M>"));
  CHECK_THROWS_AS(ElementCodec::for_format("e9m3"), std::invalid_argument);
  CHECK_THROWS_AS(ElementCodec::for_format("e4m3-xyz"), std::invalid_argument);
  CHECK_THROWS_WITH(ElementCodec::for_format("mxfp4"), Catch::Contains("block format"));
}

TEST_CASE("a generic minifloat the rules exclude is refused saying which rule, and the usage states the rules") {
  // e1m1 was refused with a usage text saying 1 <= E <= 8, which it meets.
  CHECK_THROWS_WITH(ElementCodec::for_format("e1m1"),
                    "number format 'e1m1': IEEE-style special values (-ieee, the default) need E >= 2: with E = 1 the "
                    "one non-zero exponent code is all ones, kept for Inf/NaN, so no normal number is left; give -fn "
                    "or -finite (e.g. e1m1-finite)");
  CHECK_THROWS_WITH(ElementCodec::for_format("e4m0-fn"), Catch::StartsWith("number format 'e4m0-fn': -fn (NaN only at "
                                                                           "the all-ones code, like E4M3) needs M >= 1"));
  CHECK_THROWS_WITH(ElementCodec::for_format("e9m3"),
                    Catch::Contains("with 1 <= E <= 8 (2 <= E with -ieee, the default), 0 <= M <= 23 (1 <= M with -fn)"));
  CHECK(ElementCodec::for_format("e1m1-finite").max_value() == 3.0);
  // A bias out of range was an "unknown number format".
  CHECK_THROWS_WITH(ElementCodec::for_format("e4m3-b1000"),
                    "number format 'e4m3-b1000': the bias after -b must be a whole number 0..999 (got '1000')");
  CHECK_THROWS_WITH(ElementCodec::for_format("e4m3-b-1-fn"),
                    "number format 'e4m3-b-1-fn': the bias after -b must be a whole number 0..999 (got '-1')");
  CHECK(ElementCodec::for_format("e4m3-b999").min_subnormal() == std::ldexp(1.0, 1 - 999 - 3));
  CHECK(ElementCodec::for_format("e4m3-b0-fn").max_value() == 1.75 * 32768.0);  // S.1111.110 = 1.75 * 2^(15 - 0)
  CHECK(ElementCodec::for_format("e1m2-fn").has_nan());
}

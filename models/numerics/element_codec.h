#pragma once
// Bit-exact encode/decode of one element: integers of 2..32 bits and
// minifloats (sign, E exponent bits, M mantissa bits, a bias, an Inf/NaN
// policy) from FP4 to FP32. Codes are the format's bit pattern in the low
// `bits()` bits of a uint32 (two's complement for signed integers).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/numerics/format_registry.h"
#include "models/numerics/rounding.h"

namespace qarch::numerics {

struct MinifloatSpec {
  int exponent_bits = 4;
  int mantissa_bits = 3;
  int bias = 7;
  bool is_signed = true;
  SpecialValues special = SpecialValues::kIeee;
};

class ElementCodec {
 public:
  // A registry element format ("int4", "fp8-e4m3", "e8m0", ...) or a generic
  // minifloat "e<E>m<M>[-b<bias>][-ieee|-fn|-finite]" (default bias
  // 2^(E-1)-1, default IEEE Inf/NaN; -fn: NaN only at all ones like E4M3;
  // -finite: no Inf/NaN like MX FP6). Throws std::invalid_argument for block
  // formats and unknown names.
  static ElementCodec for_format(std::string_view name);
  static ElementCodec integer(int bits, bool is_signed);
  static ElementCodec minifloat(const MinifloatSpec& spec, std::string name = "");

  const std::string& name() const { return name_; }
  int bits() const { return bits_; }
  bool is_integer() const { return is_integer_; }
  bool is_signed() const { return is_signed_; }
  const MinifloatSpec& spec() const { return spec_; }  // floats only
  // Unsigned with no zero (OCP MX E8M0): it can only scale other values, so
  // it is refused as the element format of a quantizer.
  bool is_scale_only() const { return !is_integer_ && spec_.special == SpecialValues::kNanAllOnes; }

  double decode(std::uint32_t code) const;
  // Throws std::range_error when the value cannot be encoded under `options`
  // (overflow with kError, NaN into a format without NaN, ...).
  std::uint32_t encode(double value, const EncodeOptions& options = {}) const;
  // Decode of many codes of a format of at most 8 bits through a 256-entry table.
  void decode_bytes(const std::uint8_t* codes, std::size_t count, float* out) const;

  bool is_nan(std::uint32_t code) const;
  bool is_inf(std::uint32_t code) const;
  // An IEEE-style format needs a mantissa bit for NaN (e2m0: all-ones exponent is only Inf).
  bool has_nan() const {
    return (spec_.special == SpecialValues::kIeee && spec_.mantissa_bits > 0) ||
           spec_.special == SpecialValues::kNanOnly || spec_.special == SpecialValues::kNanAllOnes;
  }
  double max_value() const;      // largest finite value
  double lowest_value() const;   // most negative finite value (0 for unsigned)
  double min_normal() const;     // smallest positive normal (1 for integers)
  double min_subnormal() const;  // smallest positive subnormal; 0 when there are none
  std::uint32_t max_code() const { return max_finite_code_; }
  std::uint32_t code_count() const;  // 2^bits (saturates at 2^32-1 for 32-bit)
  int max_normal_exponent() const;   // emax: unbiased exponent of max_value (floats)

 private:
  ElementCodec() = default;
  std::uint32_t overflow_code(bool negative, const EncodeOptions& options, double value) const;
  std::uint32_t nan_code() const;
  bool has_subnormals() const { return spec_.special != SpecialValues::kNanAllOnes; }

  std::string name_;
  int bits_ = 0;
  bool is_integer_ = false;
  bool is_signed_ = true;
  MinifloatSpec spec_;
  std::int64_t int_min_ = 0, int_max_ = 0;
  std::uint32_t max_finite_code_ = 0;  // float: magnitude code of max_value; int: code of max
  std::vector<float> table_;           // decode table for bits() <= 8
};

}  // namespace qarch::numerics

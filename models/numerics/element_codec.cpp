#include "models/numerics/element_codec.h"

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

namespace qarch::numerics {

double round_magnitude(double magnitude, const EncodeOptions& options) {
  const double floor_value = std::floor(magnitude);
  const double fraction = magnitude - floor_value;  // exact for doubles
  switch (options.rounding) {
    case Rounding::kTowardZero:
      return floor_value;
    case Rounding::kStochastic:
      if (options.rounder == nullptr) {
        throw std::invalid_argument("stochastic rounding needs a seeded StochasticRounder");
      }
      return fraction > 0.0 && options.rounder->uniform01() < fraction ? floor_value + 1.0 : floor_value;
    case Rounding::kNearestEven:
      break;
  }
  if (fraction > 0.5) return floor_value + 1.0;
  if (fraction < 0.5) return floor_value;
  return std::fmod(floor_value, 2.0) == 0.0 ? floor_value : floor_value + 1.0;
}

namespace {

int parse_int(std::string_view text) {
  if (text.empty() || text.size() > 3) throw std::invalid_argument("");
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') throw std::invalid_argument("");
    v = v * 10 + (c - '0');
  }
  return v;
}

// "e<E>m<M>[-b<bias>][-ieee|-fn|-finite]" -> spec; throws std::invalid_argument.
MinifloatSpec parse_generic_minifloat(std::string_view name) {
  const std::string usage = fmt::format(
      "unknown number format '{}'; a generic minifloat is e<E>m<M>[-b<bias>][-ieee|-fn|-finite] "
      "with 1 <= E <= 8 (2 <= E with -ieee, the default), 0 <= M <= 23 (1 <= M with -fn), 0 <= bias <= 999 "
      "(e.g. e3m4, e4m3-b8-fn, e1m1-finite); known formats: {}",
      name, fmt::join(format_names(), ", "));
  MinifloatSpec spec;
  std::vector<std::string_view> special_suffixes;
  std::optional<std::string> bias_text;  // after -b; checked below, to name the bias range
  try {
    if (name.size() < 4 || name[0] != 'e') throw std::invalid_argument("");
    const std::size_t m_pos = name.find('m');
    if (m_pos == std::string_view::npos) throw std::invalid_argument("");
    std::size_t end = name.find('-', m_pos);
    spec.exponent_bits = parse_int(name.substr(1, m_pos - 1));
    spec.mantissa_bits = parse_int(name.substr(m_pos + 1, end == std::string_view::npos ? end : end - m_pos - 1));
    if (spec.exponent_bits < 1 || spec.exponent_bits > 8 || spec.mantissa_bits > 23) throw std::invalid_argument("");
    spec.bias = (1 << (spec.exponent_bits - 1)) - 1;
    spec.special = SpecialValues::kIeee;
    while (end != std::string_view::npos) {
      const std::size_t next = name.find('-', end + 1);
      const std::string_view part = name.substr(end + 1, next == std::string_view::npos ? next : next - end - 1);
      if (part == "ieee" || part == "fn" || part == "finite") special_suffixes.push_back(part);
      if (part == "ieee") {
        spec.special = SpecialValues::kIeee;
      } else if (part == "fn") {
        spec.special = SpecialValues::kNanOnly;
      } else if (part == "finite") {
        spec.special = SpecialValues::kFiniteOnly;
      } else if (!part.empty() && part[0] == 'b') {
        bias_text = std::string(part.substr(1));
        if (bias_text->empty() && next != std::string_view::npos) {  // "-b-1": the minus split the suffix
          const std::size_t after = name.find('-', next + 1);
          bias_text = "-" + std::string(name.substr(next + 1, after == std::string_view::npos ? after : after - next - 1));
          end = after;
          continue;
        }
      } else {
        throw std::invalid_argument("");
      }
      end = next;
    }
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(usage);
  }
  if (bias_text) {
    // 999 keeps every value a double: the smallest, 2^(1 - 999 - 23), is above 2^-1074.
    try {
      spec.bias = parse_int(*bias_text);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument(
          fmt::format("number format '{}': the bias after -b must be a whole number 0..999 (got '{}')", name, *bias_text));
    }
  }
  if (special_suffixes.size() > 1) {
    throw std::invalid_argument(fmt::format("number format '{}' gives both -{} and -{}; give at most one of -ieee, "
                                            "-fn, -finite", name, special_suffixes[0], special_suffixes[1]));
  }
  if (spec.special == SpecialValues::kIeee && spec.exponent_bits < 2) {
    throw std::invalid_argument(fmt::format(
        "number format '{}': IEEE-style special values (-ieee, the default) need E >= 2: with E = 1 the one "
        "non-zero exponent code is all ones, kept for Inf/NaN, so no normal number is left; give -fn or -finite "
        "(e.g. e1m1-finite)",
        name));
  }
  if (spec.special == SpecialValues::kNanOnly && spec.mantissa_bits == 0) {
    throw std::invalid_argument(fmt::format(
        "number format '{}': -fn (NaN only at the all-ones code, like E4M3) needs M >= 1: with M = 0 the top "
        "exponent holds that one code only, so no finite value is gained over -ieee; give -ieee or -finite", name));
  }
  return spec;
}

}  // namespace

ElementCodec ElementCodec::for_format(std::string_view name) {
  const FormatInfo* info = find_format(name);
  if (info == nullptr) return minifloat(parse_generic_minifloat(name), std::string(name));
  switch (info->kind) {
    case FormatKind::kInteger: {
      ElementCodec c = integer(info->storage_bits, info->is_signed);
      c.name_ = info->name;
      return c;
    }
    case FormatKind::kFloat:
      return minifloat({info->exponent_bits, info->mantissa_bits, info->exponent_bias, info->is_signed,
                        info->special_values},
                       info->name);
    case FormatKind::kBlock:
      break;
  }
  throw std::invalid_argument(fmt::format(
      "'{}' is a block format ({} elements sharing a {} scale): use the block quantizer, or its element format '{}'",
      name, info->block_size, info->scale_format, info->element_format));
}

ElementCodec ElementCodec::integer(int bits, bool is_signed) {
  if (bits < 2 || bits > 32) throw std::invalid_argument(fmt::format("integer width {} outside 2..32 bits", bits));
  ElementCodec c;
  c.name_ = fmt::format("{}int{}", is_signed ? "" : "u", bits);
  c.bits_ = bits;
  c.is_integer_ = true;
  c.is_signed_ = is_signed;
  c.int_min_ = is_signed ? -(std::int64_t{1} << (bits - 1)) : 0;
  c.int_max_ = is_signed ? (std::int64_t{1} << (bits - 1)) - 1 : (std::int64_t{1} << bits) - 1;
  c.max_finite_code_ = std::uint32_t(c.int_max_);
  if (bits <= 8) {
    c.table_.resize(256);
    for (std::uint32_t code = 0; code < 256; ++code) c.table_[code] = float(c.decode(code & ((1u << bits) - 1)));
  }
  return c;
}

ElementCodec ElementCodec::minifloat(const MinifloatSpec& spec, std::string name) {
  const int bits = spec.exponent_bits + spec.mantissa_bits + (spec.is_signed ? 1 : 0);
  if (spec.exponent_bits < 1 || spec.exponent_bits > 8 || spec.mantissa_bits < 0 || spec.mantissa_bits > 23 || bits > 32) {
    throw std::invalid_argument(fmt::format("minifloat E{}M{} outside 1<=E<=8, 0<=M<=23", spec.exponent_bits,
                                            spec.mantissa_bits));
  }
  ElementCodec c;
  c.name_ = name.empty() ? fmt::format("e{}m{}", spec.exponent_bits, spec.mantissa_bits) : std::move(name);
  c.bits_ = bits;
  c.is_integer_ = false;
  c.is_signed_ = spec.is_signed;
  c.spec_ = spec;
  const std::uint32_t e_max_field = (1u << spec.exponent_bits) - 1;
  const std::uint32_t m_all = (1u << spec.mantissa_bits) - 1;
  switch (spec.special) {
    case SpecialValues::kIeee:
      c.max_finite_code_ = ((e_max_field - 1) << spec.mantissa_bits) | m_all;
      break;
    case SpecialValues::kNanOnly:
      c.max_finite_code_ = (e_max_field << spec.mantissa_bits) | (m_all - 1);
      break;
    case SpecialValues::kFiniteOnly:
    case SpecialValues::kNone:
      c.max_finite_code_ = (e_max_field << spec.mantissa_bits) | m_all;
      break;
    case SpecialValues::kNanAllOnes:
      c.max_finite_code_ = ((e_max_field << spec.mantissa_bits) | m_all) - 1;
      break;
  }
  if (bits <= 8) {
    c.table_.resize(256);
    for (std::uint32_t code = 0; code < 256; ++code) c.table_[code] = float(c.decode(code & ((1u << bits) - 1)));
  }
  return c;
}

std::uint32_t ElementCodec::code_count() const {
  return bits_ >= 32 ? std::numeric_limits<std::uint32_t>::max() : (1u << bits_);
}

bool ElementCodec::is_nan(std::uint32_t code) const {
  if (is_integer_) return false;
  const std::uint32_t magnitude_mask = (1u << (spec_.exponent_bits + spec_.mantissa_bits)) - 1;
  const std::uint32_t magnitude = code & magnitude_mask;
  const std::uint32_t e_max_field = (1u << spec_.exponent_bits) - 1;
  switch (spec_.special) {
    case SpecialValues::kIeee:
      return (magnitude >> spec_.mantissa_bits) == e_max_field && (magnitude & ((1u << spec_.mantissa_bits) - 1)) != 0;
    case SpecialValues::kNanOnly:
    case SpecialValues::kNanAllOnes:
      return magnitude == magnitude_mask;
    default:
      return false;
  }
}

bool ElementCodec::is_inf(std::uint32_t code) const {
  if (is_integer_ || spec_.special != SpecialValues::kIeee) return false;
  const std::uint32_t magnitude = code & ((1u << (spec_.exponent_bits + spec_.mantissa_bits)) - 1);
  return magnitude == ((1u << spec_.exponent_bits) - 1) << spec_.mantissa_bits;
}

double ElementCodec::decode(std::uint32_t code) const {
  if (bits_ < 32) code &= (1u << bits_) - 1;
  if (is_integer_) {
    if (is_signed_ && bits_ < 32 && (code >> (bits_ - 1)) != 0) return double(std::int64_t(code) - (std::int64_t{1} << bits_));
    if (is_signed_ && bits_ == 32) return double(std::int32_t(code));
    return double(code);
  }
  const int m = spec_.mantissa_bits;
  const bool negative = is_signed_ && ((code >> (bits_ - 1)) & 1u) != 0;
  if (is_nan(code)) return std::numeric_limits<double>::quiet_NaN();
  if (is_inf(code)) return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  const std::uint32_t exponent_field = (code >> m) & ((1u << spec_.exponent_bits) - 1);
  const std::uint32_t mantissa = code & ((1u << m) - 1);
  double magnitude;
  if (exponent_field == 0 && has_subnormals()) {
    magnitude = std::ldexp(double(mantissa), 1 - spec_.bias - m);
  } else {
    magnitude = std::ldexp(double((1u << m) + mantissa), int(exponent_field) - spec_.bias - m);
  }
  return negative ? -magnitude : magnitude;
}

void ElementCodec::decode_bytes(const std::uint8_t* codes, std::size_t count, float* out) const {
  if (table_.empty()) throw std::invalid_argument(fmt::format("decode_bytes: {} is wider than 8 bits", name_));
  const float* table = table_.data();
  for (std::size_t i = 0; i < count; ++i) out[i] = table[codes[i]];
}

std::uint32_t ElementCodec::nan_code() const {
  if (!has_nan()) throw std::range_error(fmt::format("NaN is not representable in {} (it has no NaN encoding)", name_));
  const std::uint32_t magnitude_mask = (1u << (spec_.exponent_bits + spec_.mantissa_bits)) - 1;
  switch (spec_.special) {
    case SpecialValues::kIeee:  // quiet NaN: all-ones exponent, top mantissa bit set
      return (((1u << spec_.exponent_bits) - 1) << spec_.mantissa_bits) | (1u << (spec_.mantissa_bits - 1));
    case SpecialValues::kNanOnly:
    case SpecialValues::kNanAllOnes:
      return magnitude_mask;
    default:
      return 0;  // unreachable: has_nan() is false
  }
}

std::uint32_t ElementCodec::overflow_code(bool negative, const EncodeOptions& options, double value) const {
  const std::uint32_t sign = negative && is_signed_ ? (1u << (bits_ - 1)) : 0u;
  switch (options.overflow) {
    case OverflowPolicy::kSaturate:
      return sign | max_finite_code_;
    case OverflowPolicy::kToInfOrNan:
      // IEEE 754 7.4: a finite result that overflows rounds toward zero to
      // max; an infinite input stays infinite.
      if (options.rounding == Rounding::kTowardZero && std::isfinite(value)) return sign | max_finite_code_;
      if (spec_.special == SpecialValues::kIeee) return sign | (((1u << spec_.exponent_bits) - 1) << spec_.mantissa_bits);
      if (spec_.special == SpecialValues::kNanOnly || spec_.special == SpecialValues::kNanAllOnes) return sign | nan_code();
      throw std::range_error(fmt::format("{} overflows {} (max {}), which has no Inf or NaN to overflow to; saturate instead",
                                         value, name_, max_value()));
    case OverflowPolicy::kError:
      break;
  }
  throw std::range_error(fmt::format("{} is not representable in {} (finite range [{}, {}]) with saturation off", value,
                                     name_, lowest_value(), max_value()));
}

std::uint32_t ElementCodec::encode(double value, const EncodeOptions& options) const {
  if (is_integer_) {
    if (std::isnan(value)) throw std::range_error(fmt::format("NaN is not representable in {}", name_));
    const double rounded = std::isinf(value) ? value : std::copysign(round_magnitude(std::fabs(value), options), value);
    std::int64_t q;
    if (rounded > double(int_max_) || rounded < double(int_min_)) {
      if (options.overflow != OverflowPolicy::kSaturate) {
        throw std::range_error(fmt::format("{} is not representable in {} (range [{}, {}]) with saturation off", value,
                                           name_, int_min_, int_max_));
      }
      q = rounded > 0 ? int_max_ : int_min_;
    } else {
      q = std::int64_t(rounded);
    }
    return std::uint32_t(std::uint64_t(q) & (bits_ >= 32 ? 0xFFFFFFFFull : ((1ull << bits_) - 1)));
  }

  if (std::isnan(value)) {  // the NaN keeps its sign, as IEEE 754 conversions do
    return (std::signbit(value) && is_signed_ ? 1u << (bits_ - 1) : 0u) | nan_code();
  }
  const bool negative = std::signbit(value);
  if (negative && !is_signed_ && value != 0.0) {
    if (options.overflow == OverflowPolicy::kSaturate) return 0;  // the smallest value
    throw std::range_error(fmt::format("{} is negative; {} is unsigned", value, name_));
  }
  const std::uint32_t sign = negative && is_signed_ ? (1u << (bits_ - 1)) : 0u;
  if (std::isinf(value)) return overflow_code(negative, options, value);
  const double magnitude = std::fabs(value);
  const int m = spec_.mantissa_bits;
  const int min_exponent = has_subnormals() ? 1 - spec_.bias : -spec_.bias;  // exponent of the smallest normal
  if (magnitude == 0.0) {
    if (has_subnormals()) return sign;
    if (options.overflow == OverflowPolicy::kSaturate) return 0;
    throw std::range_error(fmt::format("0 is not representable in {} (no zero encoding)", name_));
  }
  int exponent;
  std::frexp(magnitude, &exponent);  // magnitude = f * 2^exponent, f in [0.5, 1)
  exponent -= 1;
  if (exponent < min_exponent) exponent = min_exponent;
  const double scaled = std::ldexp(magnitude, m - exponent);  // units of the binade's ulp
  double q = round_magnitude(scaled, options);
  // With no mantissa bits every normal significand is 1, so IEEE 754's "even
  // least significant digit" cannot break a tie between 2^e and 2^(e+1): the
  // code's last bit, here the exponent's, does (ml_dtypes'
  // RoundBitsToNearestEven does the same). round_magnitude took the upper one;
  // the lower code is exponent + bias (0 below the smallest normal, which
  // needs no change: RNE already gives 0 there).
  if (m == 0 && options.rounding == Rounding::kNearestEven && scaled - std::floor(scaled) == 0.5 &&
      (exponent + spec_.bias) % 2 == 0) {
    q = std::floor(scaled);
  }
  if (q >= std::ldexp(1.0, m + 1)) {
    q = std::ldexp(1.0, m);
    exponent += 1;
  }
  if (q == 0.0) {
    if (has_subnormals()) return sign;
    if (options.overflow == OverflowPolicy::kSaturate) return 0;
    throw std::range_error(fmt::format("{} is below the smallest value of {} ({})", value, name_, min_normal()));
  }
  std::uint64_t magnitude_code;
  if (q >= std::ldexp(1.0, m)) {
    magnitude_code = (std::uint64_t(exponent + spec_.bias) << m) | std::uint64_t(q - std::ldexp(1.0, m));
  } else {
    magnitude_code = std::uint64_t(q);  // subnormal: exponent field 0
  }
  if (magnitude_code > max_finite_code_) return overflow_code(negative, options, value);
  return sign | std::uint32_t(magnitude_code);
}

double ElementCodec::max_value() const {
  return is_integer_ ? double(int_max_) : decode(max_finite_code_);
}

double ElementCodec::lowest_value() const {
  if (is_integer_) return double(int_min_);
  return is_signed_ ? -max_value() : decode(0);
}

double ElementCodec::min_normal() const {
  if (is_integer_) return 1.0;
  return std::ldexp(1.0, has_subnormals() ? 1 - spec_.bias : -spec_.bias);
}

double ElementCodec::min_subnormal() const {
  if (is_integer_ || !has_subnormals() || spec_.mantissa_bits == 0) return 0.0;
  return std::ldexp(1.0, 1 - spec_.bias - spec_.mantissa_bits);
}

int ElementCodec::max_normal_exponent() const {
  if (is_integer_) return 0;
  return int(max_finite_code_ >> spec_.mantissa_bits) - spec_.bias;
}

}  // namespace qarch::numerics

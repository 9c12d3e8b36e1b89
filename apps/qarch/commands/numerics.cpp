// `qarch numerics`: encode, decode, tabulate and describe number formats.
// Thin: parses arguments, calls models/numerics, prints.
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/qarch/commands.h"
#include "common/input_error.h"
#include "models/numerics/element_codec.h"
#include "models/numerics/format_registry.h"

namespace qarch::cli {
namespace {

using numerics::ElementCodec;
using numerics::EncodeOptions;

// The numerics library reports bad input as std::invalid_argument (names,
// shapes) or std::range_error (unrepresentable values): both are user errors.
template <typename Fn>
void as_input_errors(Fn&& fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    throw InputError(e.what());
  } catch (const std::range_error& e) {
    throw InputError(e.what());
  }
}

double parse_value(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE) {
    throw InputError(fmt::format("'{}' is not a number (expected e.g. 1.5, -3e-2, inf, nan)", text));
  }
  return v;
}

std::uint32_t parse_code(const std::string& text, const ElementCodec& codec) {
  int base = 10;
  std::string digits = text;
  if (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) {
    base = 16;
    digits = text.substr(2);
  } else if (text.rfind("0b", 0) == 0) {
    base = 2;
    digits = text.substr(2);
  }
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(digits.c_str(), &end, base);
  if (digits.empty() || digits[0] == '-' || end != digits.c_str() + digits.size() || errno == ERANGE ||
      (codec.bits() < 64 && v >= (1ull << codec.bits()))) {
    throw InputError(fmt::format("'{}' is not a code of {} (expected 0..{} in decimal, 0x hex or 0b binary)", text,
                                 codec.name(), (1ull << codec.bits()) - 1));
  }
  return std::uint32_t(v);
}

nlohmann::json json_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

std::string code_text(std::uint32_t code, int bits) {
  std::string binary;
  for (int b = bits - 1; b >= 0; --b) binary += ((code >> b) & 1u) ? '1' : '0';
  return fmt::format("0x{:0{}X} 0b{}", code, (bits + 3) / 4, binary);
}

nlohmann::json format_description(const std::string& name) {
  nlohmann::json out;
  const numerics::FormatInfo* info = numerics::find_format(name);
  if (info != nullptr && info->kind == numerics::FormatKind::kBlock) {
    const ElementCodec element = ElementCodec::for_format(info->element_format);
    const ElementCodec scale = ElementCodec::for_format(info->scale_format);
    // MXINT8 elements are int8 with an implicit 2^-6 [OCP MX v1.0 5.3.4]
    const double element_unit = element.is_integer() ? std::ldexp(1.0, -info->mantissa_bits) : 1.0;
    out = {{"name", info->name},
           {"kind", "block"},
           {"bits", info->storage_bits},
           {"element_format", info->element_format},
           {"scale_format", info->scale_format},
           {"block_size", info->block_size},
           {"effective_bits_per_element", numerics::effective_bits_per_element(*info)},
           {"element_max", element.max_value() * element_unit},
           {"element_min_normal", element.min_normal() * element_unit},
           {"element_min_subnormal", element.min_subnormal() * element_unit},
           {"scale_max", scale.max_value()},
           {"scale_min", scale.is_signed() ? scale.min_subnormal() : scale.lowest_value()},
           {"max", element.max_value() * element_unit * scale.max_value()}};
    return out;
  }
  const ElementCodec codec = ElementCodec::for_format(name);
  out = {{"name", codec.name()},
         {"kind", codec.is_integer() ? "integer" : "float"},
         {"bits", codec.bits()},
         {"signed", codec.is_signed()},
         {"max", codec.max_value()},
         {"lowest", codec.lowest_value()},
         {"min_normal", codec.min_normal()},
         {"min_subnormal", codec.min_subnormal()}};
  if (!codec.is_integer()) {
    const auto& spec = codec.spec();
    out["exponent_bits"] = spec.exponent_bits;
    out["mantissa_bits"] = spec.mantissa_bits;
    out["bias"] = spec.bias;
    out["has_inf"] = spec.special == numerics::SpecialValues::kIeee;
    out["has_nan"] = spec.special != numerics::SpecialValues::kFiniteOnly;
  }
  return out;
}

void add_table(CLI::App& numerics) {
  auto* cmd = numerics.add_subcommand("table", "Every code of a format of at most 8 bits and its value");
  auto format = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("format", *format, "Format name (qarch numerics info --list)")->required();
  cmd->add_flag("--json", *json, "JSON: [{\"code\": 0, \"value\": 0.0}, ...]; NaN/Inf as \"nan\", \"inf\", \"-inf\"");
  cmd->callback([format, json] {
    as_input_errors([&] {
      const numerics::FormatInfo* info = numerics::find_format(*format);
      if (info != nullptr && info->kind == numerics::FormatKind::kBlock) {
        throw InputError(fmt::format("'{}' is a block format; tabulate its element format: qarch numerics table {}",
                                     *format, info->element_format));
      }
      const ElementCodec codec = ElementCodec::for_format(*format);
      if (codec.bits() > 8) {
        throw InputError(fmt::format("'{}' has {} bits; table lists formats of at most 8 bits", *format, codec.bits()));
      }
      nlohmann::json rows = nlohmann::json::array();
      for (std::uint32_t code = 0; code < codec.code_count(); ++code) {
        const double v = codec.decode(code);
        if (*json) {
          rows.push_back({{"code", code}, {"value", json_number(v)}});
        } else {
          std::printf("%s  %.17g\n", code_text(code, codec.bits()).c_str(), v);
        }
      }
      if (*json) std::printf("%s\n", rows.dump().c_str());
    });
  });
}

void add_info(CLI::App& numerics) {
  auto* cmd = numerics.add_subcommand("info", "Range and layout of a format (max, min normal, min subnormal, bits, block)");
  auto format = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto list = std::make_shared<bool>(false);
  cmd->add_option("format", *format, "Format name, or a generic minifloat e<E>m<M>[-b<bias>][-ieee|-fn|-finite]");
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_flag("--list", *list, "List the known format names");
  cmd->callback([format, json, list] {
    as_input_errors([&] {
      if (*list || format->empty()) {
        for (const std::string& name : numerics::format_names()) std::printf("%s\n", name.c_str());
        return;
      }
      const nlohmann::json d = format_description(*format);
      if (*json) {
        std::printf("%s\n", d.dump(2).c_str());
        return;
      }
      for (const auto& [key, value] : d.items()) std::printf("%-28s %s\n", key.c_str(), value.dump().c_str());
    });
  });
}

struct EncodeArgs {
  std::string format;
  std::vector<std::string> values;
  std::string rounding = "nearest-even";
  std::string overflow = "saturate";
  std::uint64_t seed = 1;
  bool json = false;
};

void add_encode(CLI::App& numerics) {
  auto* cmd = numerics.add_subcommand("encode", "Encode real values into a format's codes");
  auto a = std::make_shared<EncodeArgs>();
  cmd->add_option("format", a->format, "Element format")->required();
  cmd->add_option("values", a->values, "Values (use -- before negative values)")->required();
  cmd->add_option("--rounding", a->rounding, "nearest-even | toward-zero | stochastic")
      ->check(CLI::IsMember({"nearest-even", "toward-zero", "stochastic"}));
  cmd->add_option("--overflow", a->overflow, "saturate | inf-nan (as the spec says without saturation) | error")
      ->check(CLI::IsMember({"saturate", "inf-nan", "error"}));
  cmd->add_option("--seed", a->seed, "Seed of stochastic rounding");
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a] {
    as_input_errors([&] {
      const ElementCodec codec = ElementCodec::for_format(a->format);
      numerics::StochasticRounder rounder(a->seed);
      EncodeOptions options;
      options.rounding = a->rounding == "toward-zero" ? numerics::Rounding::kTowardZero
                         : a->rounding == "stochastic" ? numerics::Rounding::kStochastic
                                                       : numerics::Rounding::kNearestEven;
      options.overflow = a->overflow == "inf-nan" ? numerics::OverflowPolicy::kToInfOrNan
                         : a->overflow == "error"  ? numerics::OverflowPolicy::kError
                                                   : numerics::OverflowPolicy::kSaturate;
      options.rounder = &rounder;
      nlohmann::json rows = nlohmann::json::array();
      for (const std::string& text : a->values) {
        const double v = parse_value(text);
        const std::uint32_t code = codec.encode(v, options);
        const double back = codec.decode(code);
        if (a->json) {
          rows.push_back({{"input", json_number(v)}, {"code", code}, {"value", json_number(back)}});
        } else {
          std::printf("%s -> %s = %.17g\n", text.c_str(), code_text(code, codec.bits()).c_str(), back);
        }
      }
      if (a->json) std::printf("%s\n", rows.dump().c_str());
    });
  });
}

void add_decode(CLI::App& numerics) {
  auto* cmd = numerics.add_subcommand("decode", "Decode codes (decimal, 0x hex, 0b binary) of a format");
  auto format = std::make_shared<std::string>();
  auto codes = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("format", *format, "Element format")->required();
  cmd->add_option("codes", *codes, "Codes")->required();
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->callback([format, codes, json] {
    as_input_errors([&] {
      const ElementCodec codec = ElementCodec::for_format(*format);
      nlohmann::json rows = nlohmann::json::array();
      for (const std::string& text : *codes) {
        const std::uint32_t code = parse_code(text, codec);
        const double v = codec.decode(code);
        if (*json) {
          rows.push_back({{"code", code}, {"value", json_number(v)}});
        } else {
          std::printf("%s = %.17g\n", code_text(code, codec.bits()).c_str(), v);
        }
      }
      if (*json) std::printf("%s\n", rows.dump().c_str());
    });
  });
}

}  // namespace

void add_numerics_command(CLI::App& app, CommandStatus& status) {
  auto* numerics = app.add_subcommand("numerics", "Bit-exact number formats: encode, decode, table, info, quantize, matmul");
  numerics->require_subcommand(1);
  add_table(*numerics);
  add_info(*numerics);
  add_encode(*numerics);
  add_decode(*numerics);
}

}  // namespace qarch::cli

// `qarch numerics`: encode, decode, tabulate and describe number formats.
// Thin: parses arguments, calls models/numerics, prints.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <tuple>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/printf.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "apps/qarch/commands.h"
#include "common/atomic_file.h"
#include "common/input_error.h"
#include "common/input_file.h"
#include "models/numerics/element_codec.h"
#include "models/numerics/error_metrics.h"
#include "models/numerics/float_gemm.h"
#include "models/numerics/format_registry.h"
#include "models/numerics/npy.h"
#include "models/numerics/quantized_matmul.h"
#include "models/numerics/quantizer.h"

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

numerics::NdArray read_npy_file(const std::string& path) {
  return numerics::parse_npy(read_input_file(path), path);
}

double parse_value(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) {
    throw InputError(fmt::format("'{}' is not a number (expected e.g. 1.5, -3e-2, inf, nan)", text));
  }
  // Underflow gives the nearest double (subnormal or zero), as the format would.
  if (errno == ERANGE && std::isinf(v)) {
    throw InputError(fmt::format("'{}' overflows a double (largest about 1.8e308); write inf for infinity", text));
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

nlohmann::json json_numbers(const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const double v : values) out.push_back(json_number(v));
  return out;
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
           {"scale_max", scale.max_value()},
           {"scale_min", scale.is_signed() ? scale.min_subnormal() : scale.lowest_value()},
           {"max", element.max_value() * element_unit * scale.max_value()}};
    if (element.min_subnormal() > 0) out["element_min_subnormal"] = element.min_subnormal() * element_unit;
    return out;
  }
  const ElementCodec codec = ElementCodec::for_format(name);
  out = {{"name", codec.name()},
         {"kind", codec.is_integer() ? "integer" : codec.is_scale_only() ? "scale" : "float"},
         {"bits", codec.bits()},
         {"signed", codec.is_signed()},
         {"max", codec.max_value()},
         {"lowest", codec.lowest_value()},
         {"min_normal", codec.min_normal()}};
  // Formats without subnormals (integers, e8m0, e<E>m0) have no min_subnormal, rather than a 0 that is no value of theirs.
  if (codec.min_subnormal() > 0) out["min_subnormal"] = codec.min_subnormal();
  if (!codec.is_integer()) {
    const auto& spec = codec.spec();
    out["exponent_bits"] = spec.exponent_bits;
    out["mantissa_bits"] = spec.mantissa_bits;
    out["bias"] = spec.bias;
    out["has_inf"] = spec.special == numerics::SpecialValues::kIeee;
    out["has_nan"] = codec.has_nan();
  }
  return out;
}

// `cmd` holds the options of add_rounding_options.
numerics::EncodeOptions encode_options(const CLI::App& cmd, const std::string& rounding, const std::string& overflow,
                                       numerics::StochasticRounder* rounder) {
  if (cmd.count("--seed") > 0 && rounding != "stochastic") {
    throw InputError(fmt::format("--seed needs --rounding stochastic (the rounding is {}, which draws no random numbers)",
                                 rounding));
  }
  EncodeOptions options;
  options.rounding = rounding == "toward-zero"  ? numerics::Rounding::kTowardZero
                     : rounding == "stochastic" ? numerics::Rounding::kStochastic
                                                : numerics::Rounding::kNearestEven;
  options.overflow = overflow == "inf-nan" ? numerics::OverflowPolicy::kToInfOrNan
                     : overflow == "error" ? numerics::OverflowPolicy::kError
                                           : numerics::OverflowPolicy::kSaturate;
  options.rounder = rounder;
  return options;
}

void add_rounding_options(CLI::App* cmd, std::string& rounding, std::string& overflow, std::uint64_t& seed) {
  cmd->add_option("--rounding", rounding, "nearest-even | toward-zero | stochastic")
      ->check(CLI::IsMember({"nearest-even", "toward-zero", "stochastic"}));
  cmd->add_option("--overflow", overflow, "saturate | inf-nan (as the spec says without saturation) | error")
      ->check(CLI::IsMember({"saturate", "inf-nan", "error"}));
  cmd->add_option("--seed", seed, "Seed of stochastic rounding")
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));
}

// The values of encode and quantize. A value starting with '-' reads as an
// option, and CLI11 ends a subcommand's positionals at a `--` that follows a
// value ("1 -- -2" leaves -2 unexpected), so `--` goes before the first value.
// Unknown options are kept (allow_extras) for check_values_read to explain.
void add_values_option(CLI::App* cmd, std::vector<std::string>& values, const std::string& what) {
  cmd->add_option("values", values,
                  what + "; put -- before the first value when any value starts with '-': FORMAT -- -1.5 2");
  cmd->allow_extras();
}

void check_values_read(const CLI::App& cmd) {
  std::vector<std::string> rest = cmd.remaining();
  rest.erase(std::remove(rest.begin(), rest.end(), "--"), rest.end());  // CLI11 keeps the `--` it obeyed
  if (rest.empty()) return;
  char* end = nullptr;
  std::strtod(rest[0].c_str(), &end);
  if (end == rest[0].c_str() + rest[0].size()) {
    throw InputError(fmt::format("'{}' was read as an option: when a value starts with '-', put -- before the first "
                                 "value (qarch numerics {} FORMAT -- {} ...)",
                                 rest[0], cmd.get_name(), rest[0]));
  }
  throw InputError(fmt::format("'{}' is not an option of qarch numerics {}; see qarch numerics {} --help", rest[0],
                               cmd.get_name(), cmd.get_name()));
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
      if (*list && !format->empty()) {
        throw InputError(fmt::format("--list lists every format and describes none: give either --list or the "
                                     "format '{}', not both",
                                     *format));
      }
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
  add_values_option(cmd, a->values, "Values");
  add_rounding_options(cmd, a->rounding, a->overflow, a->seed);
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a, cmd] {
    as_input_errors([&] {
      check_values_read(*cmd);
      if (a->values.empty()) throw InputError("no values: give one or more, e.g. qarch numerics encode fp8-e4m3 1.5");
      const ElementCodec codec = ElementCodec::for_format(a->format);
      numerics::StochasticRounder rounder(a->seed);
      const EncodeOptions options = encode_options(*cmd, a->rounding, a->overflow, &rounder);
      // Printed once all values are encoded: a bad value prints nothing.
      nlohmann::json rows = nlohmann::json::array();
      std::string lines;
      for (const std::string& text : a->values) {
        const double v = parse_value(text);
        const std::uint32_t code = codec.encode(v, options);
        const double back = codec.decode(code);
        if (a->json) {
          rows.push_back({{"input", json_number(v)}, {"code", code}, {"value", json_number(back)}});
        } else {
          lines += fmt::sprintf("%s -> %s = %.17g\n", text, code_text(code, codec.bits()), back);
        }
      }
      std::fputs(a->json ? (rows.dump() + "\n").c_str() : lines.c_str(), stdout);
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
      // Printed once all codes are decoded: a bad code prints nothing.
      nlohmann::json rows = nlohmann::json::array();
      std::string lines;
      for (const std::string& text : *codes) {
        const std::uint32_t code = parse_code(text, codec);
        const double v = codec.decode(code);
        if (*json) {
          rows.push_back({{"code", code}, {"value", json_number(v)}});
        } else {
          lines += fmt::sprintf("%s = %.17g\n", code_text(code, codec.bits()), v);
        }
      }
      std::fputs(*json ? (rows.dump() + "\n").c_str() : lines.c_str(), stdout);
    });
  });
}

std::pair<int, int> parse_shape(const std::string& text, const char* what) {
  const std::size_t x = text.find('x');
  try {
    if (x == std::string::npos) throw std::invalid_argument("");
    std::size_t used1 = 0, used2 = 0;
    const int r = std::stoi(text.substr(0, x), &used1), c = std::stoi(text.substr(x + 1), &used2);
    if (used1 != x || used2 != text.size() - x - 1 || r <= 0 || c <= 0) throw std::invalid_argument("");
    return {r, c};
  } catch (const std::logic_error&) {
    throw InputError(fmt::format("{} '{}' must be ROWSxCOLS with positive integers, e.g. 4x32", what, text));
  }
}

struct QuantizeArgs {
  std::string format;
  std::vector<std::string> values;
  std::string in_path;
  std::string granularity = "per-tensor";
  std::string shape;
  int group_size = 0;
  std::string block;
  int channel_axis = 0;
  std::string scale_format = "fp32";
  bool asymmetric = false;
  std::string rounding = "nearest-even";
  std::string overflow = "saturate";
  std::uint64_t seed = 1;
  bool json = false;
};

// Options that do not apply to the quantization asked for are errors, not ignored.
void check_quantize_options(const CLI::App& cmd, const QuantizeArgs& a) {
  const auto given = [&](const char* option) { return cmd.count(option) > 0; };
  const numerics::FormatInfo* info = numerics::find_format(a.format);
  if (info != nullptr && info->kind == numerics::FormatKind::kBlock) {
    for (const char* option : {"--granularity", "--group-size", "--block", "--channel-axis", "--scale-format",
                               "--asymmetric"}) {
      if (given(option)) {
        throw InputError(fmt::format("{} conflicts with the block format {}, which fixes its block of {} and its "
                                     "{} scales; use an element format (e.g. fp4-e2m1) to choose them",
                                     option, a.format, info->block_size, info->scale_format));
      }
    }
  }
  const std::pair<const char*, const char*> needs[] = {
      {"--group-size", "per-group"}, {"--block", "per-block"}, {"--channel-axis", "per-channel"}};
  for (const auto& [option, granularity] : needs) {
    if (given(option) && a.granularity != granularity) {
      throw InputError(fmt::format("{} conflicts with --granularity {}; it applies to --granularity {} only", option,
                                   a.granularity, granularity));
    }
  }
  if (given("--shape") && given("--in")) {
    throw InputError("--shape conflicts with --in: the array's own shape is quantized; leave out --shape");
  }
}

void add_quantize(CLI::App& numerics) {
  auto* cmd = numerics.add_subcommand(
      "quantize", "Quantize values with a scale per tensor/channel/token/group/block, or into a block format (mxfp4, nvfp4, ...)");
  auto a = std::make_shared<QuantizeArgs>();
  cmd->add_option("format", a->format, "Element format (int4, fp8-e4m3, ...) or block format (mxfp4, nvfp4, ...)")->required();
  add_values_option(cmd, a->values, "Values, row-major (or --in)");
  cmd->add_option("--in", a->in_path, "float32 .npy input (1-D or 2-D)")->check(kPathGiven);
  cmd->add_option("--shape", a->shape, "ROWSxCOLS of the values (default 1xN)");
  cmd->add_option("--granularity", a->granularity, "per-tensor | per-channel | per-token | per-group | per-block");
  cmd->add_option("--group-size", a->group_size, "Elements along a row sharing a scale (per-group)")
      ->check(whole_number(1, std::numeric_limits<int>::max()));
  cmd->add_option("--block", a->block, "ROWSxCOLS tile sharing a scale (per-block)");
  cmd->add_option("--channel-axis", a->channel_axis, "per-channel: 0 = a scale per row, 1 = per column")
      ->check(whole_number(0, 1));
  cmd->add_option("--scale-format", a->scale_format, "fp32 | fp16 | bf16 | fp8-e4m3 | e8m0 | pow2");
  cmd->add_flag("--asymmetric", a->asymmetric, "Asymmetric (zero-point) quantization; integer formats only");
  add_rounding_options(cmd, a->rounding, a->overflow, a->seed);
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a, cmd] {
    as_input_errors([&] {
      check_values_read(*cmd);
      check_quantize_options(*cmd, *a);
      std::vector<double> values;
      int rows = 1, cols = 0;
      if (!a->in_path.empty()) {
        if (!a->values.empty()) throw InputError("give values on the command line or --in, not both");
        const numerics::NdArray in = read_npy_file(a->in_path);
        if (in.dtype != numerics::DType::kFloat32 || in.shape.empty() || in.shape.size() > 2) {
          throw InputError(fmt::format("{}: quantize reads a 1-D or 2-D float32 array (got {}-D {})", a->in_path,
                                       in.shape.size(), numerics::dtype_name(in.dtype)));
        }
        rows = in.shape.size() == 2 ? int(in.shape[0]) : 1;
        cols = int(in.shape.back());
        for (std::size_t i = 0; i < in.element_count(); ++i) values.push_back(in.element(i));
      } else {
        if (a->values.empty()) throw InputError("no values: give them on the command line or with --in FILE.npy");
        for (const std::string& v : a->values) values.push_back(parse_value(v));
        cols = int(values.size());
      }
      if (!a->shape.empty()) std::tie(rows, cols) = parse_shape(a->shape, "--shape");
      numerics::StochasticRounder rounder(a->seed);
      numerics::QuantizerConfig config;
      const numerics::FormatInfo* info = numerics::find_format(a->format);
      if (info != nullptr && info->kind == numerics::FormatKind::kBlock) {
        config = numerics::block_format_quantizer(a->format);
      } else {
        config.element_format = a->format;
        config.granularity = numerics::parse_granularity(a->granularity);
        config.group_size = a->group_size;
        config.channel_axis = a->channel_axis;
        config.scale_format = a->scale_format;
        config.symmetric = !a->asymmetric;
        if (!a->block.empty()) std::tie(config.block_rows, config.block_cols) = parse_shape(a->block, "--block");
      }
      config.encode = encode_options(*cmd, a->rounding, a->overflow, &rounder);
      const numerics::Quantizer quantizer(config);
      const numerics::QuantizedTensor q = quantizer.quantize(values, rows, cols);
      const std::vector<double> back = quantizer.dequantize(q);
      const numerics::ErrorMetrics error = numerics::compare_to_reference(values, back);
      const nlohmann::json out = {{"format", a->format},
                                  {"rows", rows},
                                  {"cols", cols},
                                  {"codes", q.codes},
                                  {"scale_format", config.scale_format},
                                  {"scale_codes", q.scale_codes},
                                  {"scales", json_numbers(q.scales)},
                                  {"zero_points", q.zero_points},
                                  {"tensor_scale", json_number(q.tensor_scale)},
                                  {"dequantized", json_numbers(back)},
                                  {"effective_bits_per_element", quantizer.effective_bits_per_element(rows, cols)},
                                  {"sqnr_db", json_number(error.sqnr_db)},
                                  {"max_abs_error", json_number(error.max_abs_error)},
                                  {"scales_clamped_to_max", q.scales_clamped_to_max},
                                  {"scales_clamped_to_min", q.scales_clamped_to_min}};
      if (a->json) {
        std::printf("%s\n", out.dump().c_str());
        return;
      }
      for (const auto& [key, value] : out.items()) std::printf("%-28s %s\n", key.c_str(), value.dump().c_str());
      if (q.scales_clamped_to_max > 0) {
        std::printf("note: %lld scale(s) clamped to the largest value of their format (amax / element max is above "
                    "it): values above that scale times the element max saturate\n",
                    static_cast<long long>(q.scales_clamped_to_max));
      }
      if (q.scales_clamped_to_min > 0) {
        std::printf("note: %lld scale(s) raised to the smallest positive value of their format (amax / element max is "
                    "below it): those values are quantized coarser than their range asks\n",
                    static_cast<long long>(q.scales_clamped_to_min));
      }
    });
  });
}

struct MatmulArgs {
  std::string a_path, b_path, out_path;
  // As given (comma-separated), then parsed into the vectors by parse_matmul_lists.
  std::optional<std::string> a_scale_list, b_scale_list, a_zero_point_list, b_zero_point_list;
  std::vector<float> a_scale, b_scale;
  std::vector<int> a_zero_point, b_zero_point;
  std::optional<float> y_scale;
  std::optional<int> y_zero_point;
  std::string format, b_format, accumulator;
};

// The items of a comma-separated option. CLI11's delimiter drops empty items
// ("0.5,,0.5" read as two values) and lets "," take the next arguments as
// values: an empty item is an error instead.
std::vector<std::string> list_items(const std::string& text, const char* option, const char* example) {
  std::vector<std::string> items;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (items.back().empty()) {
      throw InputError(fmt::format("{} '{}': item {} is empty; give one value or comma-separated values, e.g. {}",
                                   option, text, items.size(), example));
    }
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

// Zero-points are ints; the dtype's range is checked once the inputs are read.
CLI::Validator zero_point_range() {
  return signed_whole_number(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
}

void parse_matmul_lists(MatmulArgs& a) {
  const auto scales = [](const std::optional<std::string>& text, const char* option) {
    std::vector<float> out;
    if (!text) return out;
    for (const std::string& item : list_items(*text, option, "0.5 or 0.5,0.25")) {
      double v;
      try {
        v = parse_value(item);
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", option, e.what()));
      }
      // Scales are float32 (ONNX); converting a larger double to float is undefined.
      if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max()) {
        throw InputError(fmt::format("{}: {} is outside float32 (largest {:g})", option, item,
                                     std::numeric_limits<float>::max()));
      }
      out.push_back(float(v));
    }
    return out;
  };
  const CLI::Validator in_int = zero_point_range();
  const auto zero_points = [&in_int](const std::optional<std::string>& text, const char* option) {
    std::vector<int> out;
    if (!text) return out;
    for (std::string item : list_items(*text, option, "0 or 3,-1")) {
      const std::string error = in_int(item);
      if (!error.empty()) throw InputError(fmt::format("{}: {}", option, error));
      out.push_back(std::stoi(item));
    }
    return out;
  };
  a.a_scale = scales(a.a_scale_list, "--a-scale");
  a.b_scale = scales(a.b_scale_list, "--b-scale");
  a.a_zero_point = zero_points(a.a_zero_point_list, "--a-zero-point");
  a.b_zero_point = zero_points(a.b_zero_point_list, "--b-zero-point");
}

// A 2-D float32 .npy as doubles.
std::vector<double> read_float_matrix(const std::string& path, const char* operand, int* rows, int* cols) {
  const numerics::NdArray x = read_npy_file(path);
  if (x.dtype != numerics::DType::kFloat32 || x.shape.size() != 2) {
    throw InputError(fmt::format("{}: --format needs {} as a 2-D float32 array (got {}-D {})", path, operand,
                                 x.shape.size(), numerics::dtype_name(x.dtype)));
  }
  *rows = int(x.shape[0]);
  *cols = int(x.shape[1]);
  std::vector<double> v(x.element_count());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = x.element(i);
  return v;
}

// "SQNR 29.17 dB, max abs error 0.0123"; NaN outputs are counted, as their error is unknown.
std::string error_summary(const numerics::ErrorMetrics& e, std::size_t outputs) {
  std::string text = fmt::format("SQNR {:.2f} dB, max abs error {:.6g}", e.sqnr_db, e.max_abs_error);
  if (e.nan_outputs > 0) text += fmt::format(" ({} of {} outputs are NaN)", e.nan_outputs, outputs);
  return text;
}

// GEMM in a float element format or a block format on float32 inputs
// quantized to it; float32 output; SQNR against the float64 product.
void run_format_matmul(const MatmulArgs& a) {
  if (!a.a_scale.empty() || !a.b_scale.empty() || a.y_scale || !a.a_zero_point.empty() || !a.b_zero_point.empty() ||
      a.y_zero_point) {
    throw InputError("--format takes float32 inputs and quantizes them itself: scales and zero-points are for int8/uint8 inputs");
  }
  const std::string b_format = a.b_format.empty() ? a.format : a.b_format;
  const std::string accumulator = a.accumulator.empty() ? "fp32" : a.accumulator;
  int m, k, kb, n;
  const std::vector<double> lhs = read_float_matrix(a.a_path, "A", &m, &k);
  const std::vector<double> rhs = read_float_matrix(a.b_path, "B", &kb, &n);
  if (k != kb) throw InputError(fmt::format("A [{}, {}] and B [{}, {}] disagree on K ({} vs {})", m, k, kb, n, k, kb));
  const auto kind = [](const std::string& name) {
    const numerics::FormatInfo* info = numerics::find_format(name);
    return info != nullptr ? info->kind : numerics::FormatKind::kFloat;  // generic minifloats e<E>m<M>
  };
  const bool block = kind(a.format) == numerics::FormatKind::kBlock;
  if (block != (kind(b_format) == numerics::FormatKind::kBlock)) {
    throw InputError(fmt::format("--format {} and --b-format {}: both must be block formats or both element formats",
                                 a.format, b_format));
  }
  std::vector<double> y;
  double tensor_scales = 1.0;  // t_a * t_b of NVFP4, applied after accumulation; 1 for the others
  if (block) {
    // The block quantizer derives each shared scale from the block's largest magnitude, which an
    // Inf or NaN leaves undefined. Refused here, with the user's coordinates (B is transposed below).
    const auto require_finite = [](const std::vector<double>& x, int cols, const char* operand, const std::string& format) {
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (std::isfinite(x[i])) continue;
        throw InputError(fmt::format("{}[{}, {}] is {}: the block format {} takes finite inputs (its shared scales come "
                                     "from each block's largest magnitude); element formats such as fp8-e5m2 carry "
                                     "Inf and NaN",
                                     operand, i / cols, i % cols, x[i], format));
      }
    };
    require_finite(lhs, k, "A", a.format);
    require_finite(rhs, n, "B", b_format);
    std::vector<double> bt(rhs.size());
    for (int p = 0; p < k; ++p) {
      for (int j = 0; j < n; ++j) bt[std::size_t(j) * k + p] = rhs[std::size_t(p) * n + j];
    }
    const numerics::QuantizedTensor qa = numerics::Quantizer(numerics::block_format_quantizer(a.format)).quantize(lhs, m, k);
    const numerics::QuantizedTensor qb = numerics::Quantizer(numerics::block_format_quantizer(b_format)).quantize(bt, n, k);
    y = numerics::matmul_block_format(qa, a.format, qb, b_format, accumulator);
    tensor_scales = qa.tensor_scale * qb.tensor_scale;
  } else {
    for (const std::string& name : {a.format, b_format}) {
      if (kind(name) == numerics::FormatKind::kInteger) {
        throw InputError(fmt::format("--format {} is an integer format: give int8/uint8 .npy inputs with scales "
                                     "(QLinearMatMul) instead", name));
      }
      if (ElementCodec::for_format(name).is_scale_only()) {  // signs and zero would be lost
        throw InputError(fmt::format("--format {} is a scale format (unsigned powers of two, no zero), not an element "
                                     "format; use a float format (fp8-e4m3, ...) or an MX block format (mxfp8-e4m3, ...)",
                                     name));
      }
    }
    const ElementCodec ca = ElementCodec::for_format(a.format), cb = ElementCodec::for_format(b_format);
    std::vector<std::uint32_t> codes_a(lhs.size()), codes_b(rhs.size());
    for (std::size_t i = 0; i < lhs.size(); ++i) codes_a[i] = ca.encode(lhs[i]);  // nearest even, saturating [OFP8]
    for (std::size_t i = 0; i < rhs.size(); ++i) codes_b[i] = cb.encode(rhs[i]);
    y = numerics::matmul_float_format(m, n, k, codes_a.data(), a.format, codes_b.data(), b_format, accumulator);
  }
  // After the kernel, which refuses outputs too large to hold.
  std::vector<double> reference(std::size_t(m) * n, 0.0);
  for (int i = 0; i < m; ++i) {
    for (int p = 0; p < k; ++p) {
      for (int j = 0; j < n; ++j) reference[std::size_t(i) * n + j] += lhs[std::size_t(i) * k + p] * rhs[std::size_t(p) * n + j];
    }
  }
  // The accumulator may reach beyond float32 (e8m23-b0 up to 5.8e76, e8m23-b250 down to 1.1e-75,
  // e8m24 has 25 significand bits): the file holds float32 (IEEE conversion, nearest even, overflow
  // to inf), the statistics describe what the file holds, and outputs that changed are counted.
  numerics::NdArray out = numerics::NdArray::zeros(numerics::DType::kFloat32, {m, n});
  std::vector<double> written(y.size());
  std::size_t to_inf = 0, below_normal = 0, rounded = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const float v = float(y[i]);
    std::memcpy(out.bytes.data() + 4 * i, &v, 4);
    written[i] = v;
    if (written[i] == y[i] || std::isnan(y[i])) continue;
    if (std::isinf(v)) {
      ++to_inf;
    } else if (std::fabs(y[i]) < std::numeric_limits<float>::min()) {
      ++below_normal;
    } else {
      ++rounded;
    }
  }
  write_file_atomically(a.out_path, numerics::serialize_npy(out));
  const numerics::ErrorMetrics e = numerics::compare_to_reference(reference, written);
  std::printf("%s x %s GEMM, %s accumulation: %dx%dx%d, %zu float32 outputs written to %s; vs float64 reference: %s\n",
              a.format.c_str(), b_format.c_str(), accumulator.c_str(), m, n, k, y.size(), a.out_path.c_str(),
              error_summary(e, y.size()).c_str());
  if (to_inf + below_normal + rounded > 0) {
    std::vector<std::string> changes;
    if (to_inf > 0) changes.push_back(fmt::format("{} overflowed to inf (float32 max {:g})", to_inf, std::numeric_limits<float>::max()));
    if (below_normal > 0) {
      changes.push_back(fmt::format("{} below float32's normal range ({:g}) rounded to a subnormal or 0", below_normal,
                                    std::numeric_limits<float>::min()));
    }
    if (rounded > 0) changes.push_back(fmt::format("{} rounded to float32's 24 significand bits", rounded));
    const std::string note = fmt::format(
        "note: {} of {} outputs of the {} accumulator do not fit the float32 file: {}; the SQNR and max abs error above "
        "are of the float32 values written",
        to_inf + below_normal + rounded, y.size(), accumulator, fmt::join(changes, ", "));
    std::printf("%s\n", note.c_str());
  }
  std::size_t overflowed = 0;
  for (std::size_t i = 0; i < y.size(); ++i) overflowed += !std::isfinite(y[i]) && std::isfinite(reference[i]);
  if (overflowed == 0) return;
  std::string note = fmt::format(
      "note: {} of {} outputs are inf or nan although the float64 product is finite: the {} accumulator (largest "
      "finite {:g}) overflowed",
      overflowed, y.size(), accumulator, ElementCodec::for_format(accumulator).max_value());
  if (tensor_scales != 1.0) {
    note += fmt::format(
        "; NVFP4 partial sums carry only the block scales: the tensor scales (t_a*t_b = {:.4g}) are applied after "
        "accumulation, as NVIDIA applies them in the GEMM epilogue to an fp32 accumulator, so partial sums are {:.4g} "
        "times the outputs",
        tensor_scales, 1.0 / tensor_scales);
  }
  std::printf("%s\n", note.c_str());
}

void add_matmul(CLI::App& numerics) {
  auto* cmd = numerics.add_subcommand(
      "matmul",
      "Run a functional kernel on .npy tensors: ONNX QLinearMatMul when scales are given, MatMulInteger (int32 out) "
      "when only zero-points are (batch dimensions broadcast as ONNX MatMul); with --format, a GEMM in a float "
      "(fp8-e4m3, ...) or block format (mxfp8-e4m3, mxfp4, nvfp4, ...) on float32 inputs");
  auto a = std::make_shared<MatmulArgs>();
  cmd->add_option("--a", a->a_path, "A: int8/uint8 .npy [..., M, K] (float32 [M, K] with --format)")
      ->required()
      ->check(kPathGiven);
  cmd->add_option("--b", a->b_path, "B: int8/uint8 .npy [..., K, N] (float32 [K, N] with --format)")
      ->required()
      ->check(kPathGiven);
  cmd->add_option("--out", a->out_path, "Y .npy to write")->required()->check(kPathGiven);
  cmd->add_option("--a-scale", a->a_scale_list, "Scale of A: one value, or comma-separated per row (M, or batches*M)");
  cmd->add_option("--a-zero-point", a->a_zero_point_list,
                  "Zero-point of A: as many as scales (MatMulInteger: one, or per row)");
  cmd->add_option("--b-scale", a->b_scale_list, "Scale of B: one value, or comma-separated per column (N, or batches*N)");
  cmd->add_option("--b-zero-point", a->b_zero_point_list,
                  "Zero-point of B: as many as scales (MatMulInteger: one, or per column)");
  cmd->add_option("--y-scale", a->y_scale, "Scale of Y (float32)");
  cmd->add_option("--y-zero-point", a->y_zero_point, "Zero-point of Y (Y has A's dtype)")->check(zero_point_range());
  cmd->add_option("--format", a->format, "Float or block format of A (and B); inputs are float32 and quantized to it");
  cmd->add_option("--b-format", a->b_format, "Format of B when it differs from A's (same block size for block formats)");
  cmd->add_option("--acc", a->accumulator,
                  "Accumulator of --format GEMMs: fp32 (default), fp16, bf16; NVFP4 applies its tensor scales after "
                  "accumulation, so fp16 overflows on most NVFP4 GEMMs");
  cmd->callback([a] {
    as_input_errors([&] {
      parse_matmul_lists(*a);
      if (!a->format.empty()) {
        run_format_matmul(*a);
        return;
      }
      if (!a->b_format.empty() || !a->accumulator.empty()) throw InputError("--b-format and --acc need --format");
      const numerics::NdArray lhs = read_npy_file(a->a_path);
      const numerics::NdArray rhs = read_npy_file(a->b_path);
      if (lhs.dtype == numerics::DType::kFloat32 || rhs.dtype == numerics::DType::kFloat32) {
        throw InputError("float32 inputs need --format (e.g. --format fp8-e4m3 --acc fp32); the integer kernels take int8/uint8");
      }
      const bool any_scale = !a->a_scale.empty() || !a->b_scale.empty() || a->y_scale;
      if (!any_scale && a->y_zero_point) {
        throw InputError("--y-zero-point needs --a-scale, --b-scale and --y-scale (QLinearMatMul)");
      }
      if (any_scale) {
        if (a->a_scale.empty() || a->b_scale.empty() || !a->y_scale) {
          throw InputError("QLinearMatMul needs all of --a-scale, --b-scale and --y-scale");
        }
        numerics::QLinearParams p;
        const auto zero_points = [](const std::vector<int>& given, std::size_t scales) {
          return given.empty() ? std::vector<int>(scales, 0) : given;
        };
        p.a = {a->a_scale, zero_points(a->a_zero_point, a->a_scale.size())};
        p.b = {a->b_scale, zero_points(a->b_zero_point, a->b_scale.size())};
        p.y_scale = *a->y_scale;
        p.y_zero_point = a->y_zero_point.value_or(0);
        const numerics::NdArray y = numerics::qlinear_matmul(lhs, rhs, p);
        write_file_atomically(a->out_path, numerics::serialize_npy(y));
        // error of the quantized output against the float product of the dequantized inputs
        const std::vector<double> reference = numerics::matmul_dequantized_reference(lhs, rhs, p);
        std::vector<double> dequantized(y.element_count());
        for (std::size_t i = 0; i < dequantized.size(); ++i) dequantized[i] = (y.element(i) - p.y_zero_point) * double(p.y_scale);
        const numerics::ErrorMetrics e = numerics::compare_to_reference(reference, dequantized);
        std::printf("QLinearMatMul: %zu outputs (%s) written to %s; vs float reference: %s\n", y.element_count(),
                    numerics::dtype_name(y.dtype), a->out_path.c_str(), error_summary(e, y.element_count()).c_str());
        return;
      }
      const auto zero_points = [](const std::vector<int>& given) { return given.empty() ? std::vector<int>{0} : given; };
      const numerics::NdArray y =
          numerics::matmul_integer(lhs, rhs, zero_points(a->a_zero_point), zero_points(a->b_zero_point));
      write_file_atomically(a->out_path, numerics::serialize_npy(y));
      std::printf("MatMulInteger: %zu int32 outputs written to %s\n", y.element_count(), a->out_path.c_str());
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
  add_quantize(*numerics);
  add_matmul(*numerics);
}

}  // namespace qarch::cli

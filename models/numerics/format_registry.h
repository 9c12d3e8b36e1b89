#pragma once
// The names and shapes of the number formats qarch knows. Every other room
// (traces, cost, compute models) names formats through this registry, so a
// format name means the same thing everywhere.
#include <string>
#include <string_view>
#include <vector>

namespace qarch::numerics {

enum class FormatKind { kInteger, kFloat, kBlock };

struct FormatInfo {
  std::string name;       // e.g. "int4", "fp8-e4m3"
  FormatKind kind;
  int storage_bits;       // bits per element in memory
  bool is_signed;
  int exponent_bits;      // 0 for integers
  int mantissa_bits;      // explicit fraction bits; value bits - 1 for signed integers
  // Block formats (OCP MX v1.0, NVFP4): elements of `element_format` share one
  // scale of `scale_format` per `block_size` elements. Empty/0 otherwise.
  std::string element_format;
  std::string scale_format;
  int block_size = 0;
};

// nullptr when unknown.
const FormatInfo* find_format(std::string_view name);
// Throws std::invalid_argument naming the known formats.
const FormatInfo& format_info(std::string_view name);
std::vector<std::string> format_names();

}  // namespace qarch::numerics

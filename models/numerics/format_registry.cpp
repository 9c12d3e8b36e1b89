#include "models/numerics/format_registry.h"

#include <array>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace qarch::numerics {
namespace {

constexpr SpecialValues kIeee = SpecialValues::kIeee;
constexpr SpecialValues kNanOnly = SpecialValues::kNanOnly;
constexpr SpecialValues kFinite = SpecialValues::kFiniteOnly;

// Exponent/mantissa splits and biases: OCP 8-bit Floating Point Specification
// (OFP8) rev 1.0 (E4M3 bias 7, E5M2 bias 15), OCP Microscaling Formats (MX)
// v1.0 section 5.3 (FP6 E2M3 bias 1, E3M2 bias 3, FP4 E2M1 bias 1; E8M0 bias
// 127; MXINT8 elements are two's complement with 6 fraction bits), IEEE 754
// (fp16 bias 15, fp32 bias 127), bfloat16 (bias 127).
const std::array<FormatInfo, 28> kFormats{{
    {"int2", FormatKind::kInteger, 2, true, 0, 1},
    {"int4", FormatKind::kInteger, 4, true, 0, 3},
    {"int8", FormatKind::kInteger, 8, true, 0, 7},
    {"int16", FormatKind::kInteger, 16, true, 0, 15},
    {"int32", FormatKind::kInteger, 32, true, 0, 31},
    {"uint4", FormatKind::kInteger, 4, false, 0, 4},
    {"uint8", FormatKind::kInteger, 8, false, 0, 8},
    {"fp4-e2m1", FormatKind::kFloat, 4, true, 2, 1, "", "", 0, 1, kFinite},
    {"fp6-e2m3", FormatKind::kFloat, 6, true, 2, 3, "", "", 0, 1, kFinite},
    {"fp6-e3m2", FormatKind::kFloat, 6, true, 3, 2, "", "", 0, 3, kFinite},
    {"fp8-e4m3", FormatKind::kFloat, 8, true, 4, 3, "", "", 0, 7, kNanOnly},
    {"fp8-e5m2", FormatKind::kFloat, 8, true, 5, 2, "", "", 0, 15, kIeee},
    {"fp16", FormatKind::kFloat, 16, true, 5, 10, "", "", 0, 15, kIeee},
    {"bf16", FormatKind::kFloat, 16, true, 8, 7, "", "", 0, 127, kIeee},
    {"fp32", FormatKind::kFloat, 32, true, 8, 23, "", "", 0, 127, kIeee},
    {"uint2", FormatKind::kInteger, 2, false, 0, 2},
    {"int3", FormatKind::kInteger, 3, true, 0, 2},
    {"uint3", FormatKind::kInteger, 3, false, 0, 3},
    {"uint16", FormatKind::kInteger, 16, false, 0, 16},
    {"uint32", FormatKind::kInteger, 32, false, 0, 32},
    // Scale-only formats: E8M0 is the OCP MX shared scale (power of two).
    {"e8m0", FormatKind::kFloat, 8, false, 8, 0, "", "", 0, 127, SpecialValues::kNanAllOnes},
    // Block formats: OCP MX v1.0 (block 32, E8M0 scale); NVFP4 (block 16,
    // FP8 E4M3 scale; its per-tensor FP32 scale is outside the block).
    {"mxfp8-e4m3", FormatKind::kBlock, 8, true, 4, 3, "fp8-e4m3", "e8m0", 32, 7, kNanOnly},
    {"mxfp8-e5m2", FormatKind::kBlock, 8, true, 5, 2, "fp8-e5m2", "e8m0", 32, 15, kIeee},
    {"mxfp6-e2m3", FormatKind::kBlock, 6, true, 2, 3, "fp6-e2m3", "e8m0", 32, 1, kFinite},
    {"mxfp6-e3m2", FormatKind::kBlock, 6, true, 3, 2, "fp6-e3m2", "e8m0", 32, 3, kFinite},
    {"mxfp4", FormatKind::kBlock, 4, true, 2, 1, "fp4-e2m1", "e8m0", 32, 1, kFinite},
    {"mxint8", FormatKind::kBlock, 8, true, 0, 6, "int8", "e8m0", 32},
    {"nvfp4", FormatKind::kBlock, 4, true, 2, 1, "fp4-e2m1", "fp8-e4m3", 16, 1, kFinite},
}};

}  // namespace

const FormatInfo* find_format(std::string_view name) {
  for (const FormatInfo& f : kFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FormatInfo& format_info(std::string_view name) {
  if (const FormatInfo* f = find_format(name)) return *f;
  throw std::invalid_argument(
      fmt::format("unknown number format '{}'; known formats: {}", name, fmt::join(format_names(), ", ")));
}

std::vector<std::string> format_names() {
  std::vector<std::string> out;
  for (const FormatInfo& f : kFormats) out.push_back(f.name);
  return out;
}

double effective_bits_per_element(const FormatInfo& format) {
  if (format.kind != FormatKind::kBlock) return format.storage_bits;
  return format.storage_bits + double(format_info(format.scale_format).storage_bits) / format.block_size;
}

}  // namespace qarch::numerics

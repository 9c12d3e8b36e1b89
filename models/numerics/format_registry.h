#pragma once
// The names and shapes of the number formats qarch knows. Every other room
// (traces, cost, compute models) names formats through this registry, so a
// format name means the same thing everywhere. The bit-level codecs
// (element_codec.h) and block quantizers (block_quantizer.h) are built on
// these entries: there is one list of formats.
#include <string>
#include <string_view>
#include <vector>

namespace qarch::numerics {

enum class FormatKind { kInteger, kFloat, kBlock };

// Which codes of a float format are reserved for infinities and NaNs.
enum class SpecialValues {
  kNone,        // integers
  kIeee,        // max exponent field = Inf (mantissa 0) / NaN (mantissa != 0): E5M2, fp16, bf16, fp32
  kNanOnly,     // no Inf; only S.1..1.1..1 is NaN (OCP 8-bit FP E4M3)
  kFiniteOnly,  // every code is a finite number (OCP MX FP6 E2M3/E3M2, FP4 E2M1)
  kNanAllOnes,  // unsigned scale with 0xFF = NaN, no zero (OCP MX E8M0)
};

struct FormatInfo {
  std::string name;       // e.g. "int4", "fp8-e4m3"
  FormatKind kind;
  int storage_bits;       // bits per element in memory
  bool is_signed;
  int exponent_bits;      // 0 for integers
  int mantissa_bits;      // explicit fraction bits; value bits - 1 for signed integers
  // Block formats (OCP MX v1.0, NVFP4): elements of `element_format` share one
  // scale of `scale_format` per `block_size` elements. Empty/0 otherwise.
  std::string element_format{};
  std::string scale_format{};
  int block_size = 0;
  // Float formats (and block formats, for their elements): exponent bias and
  // the Inf/NaN encoding policy. 0 / kNone for integers.
  int exponent_bias = 0;
  SpecialValues special_values = SpecialValues::kNone;
};

// nullptr when unknown.
const FormatInfo* find_format(std::string_view name);
// Throws std::invalid_argument naming the known formats.
const FormatInfo& format_info(std::string_view name);
std::vector<std::string> format_names();

// Storage bits per element including the amortised shared scale of a block
// format (mxfp4: 4 + 8/32 = 4.25; nvfp4: 4 + 8/16 = 4.5, its one FP32
// per-tensor scale not counted). storage_bits for other formats.
double effective_bits_per_element(const FormatInfo& format);

}  // namespace qarch::numerics

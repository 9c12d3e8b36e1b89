#pragma once
// Scaled quantization of a [rows, cols] tensor (row-major; the reduction
// dimension K of a GEMM runs along a row): symmetric or asymmetric, with one
// scale (and zero-point) per tensor, channel/token (row), group of
// consecutive elements along a row, or 2-D block. The block formats of the
// registry (OCP MX v1.0, NVFP4) are presets of this quantizer.
#include <cstdint>
#include <string>
#include <vector>

#include "models/numerics/element_codec.h"
#include "models/numerics/rounding.h"

namespace qarch::numerics {

enum class Granularity { kPerTensor, kPerChannel, kPerToken, kPerGroup, kPerBlock };

struct QuantizerConfig {
  std::string element_format = "int8";  // any ElementCodec name
  bool symmetric = true;                // asymmetric needs an integer element format
  Granularity granularity = Granularity::kPerTensor;
  int channel_axis = 0;                 // per-channel: 0 = one scale per row, 1 = per column
  int group_size = 0;                   // per-group: elements along a row sharing a scale
  int block_rows = 0, block_cols = 0;   // per-block: 2-D tile sharing a scale
  // fp32 | fp16 | bf16 | fp8-e4m3: scale = amax / element max, rounded to nearest.
  // e8m0: OCP MX v1.0 6.3 rule 2^(floor(log2 amax) - emax_element).
  // pow2: 2^ceil(log2(amax / element max)) (never clips), stored as an 8-bit exponent.
  std::string scale_format = "fp32";
  int zero_point_bits = 0;              // storage of a zero-point; 0 = element bits
  bool tensor_scale = false;            // NVFP4: a second-level FP32 scale per tensor
  double element_unit = 1.0;            // MXINT8: elements are int8 * 2^-6
  EncodeOptions encode;                 // element rounding/overflow (saturate by default)
};

// The scale formats QuantizerConfig::scale_format takes: fp32, fp16, bf16,
// fp8-e4m3, e8m0, pow2.
const std::vector<std::string>& scale_format_names();

// The preset of a registry block format: mxfp8-e4m3, mxfp8-e5m2, mxfp6-e2m3,
// mxfp6-e3m2, mxfp4, mxint8 (groups of 32, E8M0), nvfp4 (groups of 16,
// FP8 E4M3 scale, FP32 tensor scale). Throws std::invalid_argument otherwise.
QuantizerConfig block_format_quantizer(const std::string& block_format_name);

struct QuantizedTensor {
  int rows = 0, cols = 0;
  std::vector<std::uint32_t> codes;        // element codes, row-major
  std::vector<std::uint32_t> scale_codes;  // one per scale group, in the scale format
  std::vector<double> scales;              // decoded scale per group (tensor scale included)
  std::vector<std::int32_t> zero_points;   // one per group when asymmetric, else empty
  double tensor_scale = 1.0;               // NVFP4 second level (exactly an FP32 value)
  // Scales (group scales and the NVFP4 tensor scale) whose ideal value lies
  // outside their format's positive range and was clamped into it:
  std::int64_t scales_clamped_to_max = 0;  // above the largest value: the group's largest values saturate
  std::int64_t scales_clamped_to_min = 0;  // below the smallest positive value: the group is quantized coarser
};

class Quantizer {
 public:
  // Validates the config (names, sizes); throws std::invalid_argument.
  explicit Quantizer(QuantizerConfig config);

  // Throws std::invalid_argument when a group/block size does not divide the
  // shape, std::range_error for NaN input, negative input to a symmetric unsigned
  // format, or overflow under OverflowPolicy::kError.
  QuantizedTensor quantize(const std::vector<double>& values, int rows, int cols) const;
  std::vector<double> dequantize(const QuantizedTensor& q) const;

  // Shapes are 64-bit: a workload's operand can have more than 2^31 rows.
  std::int64_t group_count(std::int64_t rows, std::int64_t cols) const;
  int group_of(int row, int col, int rows, int cols) const;
  // Element bits plus amortised scale, zero-point and tensor-scale storage:
  // int4, group 128, fp16 scale, symmetric: 4 + 16/128 = 4.125.
  double effective_bits_per_element(std::int64_t rows, std::int64_t cols) const;
  int scale_bits() const;
  const QuantizerConfig& config() const { return config_; }

 private:
  void check_shape(std::int64_t rows, std::int64_t cols) const;
  double group_scale(double lo, double hi, double tensor_scale, std::uint32_t* scale_code, std::int32_t* zero_point,
                     QuantizedTensor* q) const;

  QuantizerConfig config_;
  ElementCodec element_;
  ElementCodec scale_codec_;
  bool pow2_scale_ = false;
};

Granularity parse_granularity(const std::string& name);  // per-tensor, per-channel, per-token, per-group, per-block

}  // namespace qarch::numerics

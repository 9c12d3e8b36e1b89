#include "models/numerics/quantizer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/numerics/format_registry.h"

namespace qarch::numerics {
namespace {

ElementCodec scale_codec_for(const std::string& name) {
  if (name == "pow2" || name == "e8m0") return ElementCodec::for_format("e8m0");
  if (name == "fp32" || name == "fp16" || name == "bf16" || name == "fp8-e4m3") return ElementCodec::for_format(name);
  throw std::invalid_argument(
      fmt::format("unknown scale format '{}'; allowed: {}", name, fmt::join(scale_format_names(), ", ")));
}

// The code of a positive ideal scale: the nearest value of `codec`, clamped
// into its positive range (a scale of 0 would divide by zero, one above the
// largest value would be Inf or NaN) and the clamp counted in `q`.
std::uint32_t encode_scale(const ElementCodec& codec, double ideal, QuantizedTensor* q) {
  if (ideal > codec.max_value()) {
    ++q->scales_clamped_to_max;
    return codec.max_code();
  }
  if (ideal < codec.min_subnormal()) {
    ++q->scales_clamped_to_min;
    return 1;  // the smallest subnormal: every float scale format (fp32, fp16, bf16, fp8-e4m3) has subnormals
  }
  return codec.encode(ideal);  // nearest even
}

// The E8M0 code 2^(exponent) of a power-of-two scale, the exponent clamped
// into -127..127 and the clamp counted in `q`. A double, as log2 of a huge
// range is +inf.
std::uint32_t e8m0_code(double exponent, QuantizedTensor* q) {
  if (exponent > 127) {
    ++q->scales_clamped_to_max;
    exponent = 127;
  } else if (exponent < -127) {
    ++q->scales_clamped_to_min;
    exponent = -127;
  }
  return std::uint32_t(exponent + 127);
}

int floor_log2(double x) {
  int e;
  std::frexp(x, &e);  // x = f 2^e, f in [0.5, 1)
  return e - 1;
}

}  // namespace

Granularity parse_granularity(const std::string& name) {
  if (name == "per-tensor") return Granularity::kPerTensor;
  if (name == "per-channel") return Granularity::kPerChannel;
  if (name == "per-token") return Granularity::kPerToken;
  if (name == "per-group") return Granularity::kPerGroup;
  if (name == "per-block") return Granularity::kPerBlock;
  throw std::invalid_argument(fmt::format(
      "unknown granularity '{}'; allowed: per-tensor, per-channel, per-token, per-group, per-block", name));
}

const std::vector<std::string>& scale_format_names() {
  static const std::vector<std::string> names{"fp32", "fp16", "bf16", "fp8-e4m3", "e8m0", "pow2"};
  return names;
}

QuantizerConfig block_format_quantizer(const std::string& name) {
  const FormatInfo& info = format_info(name);
  if (info.kind != FormatKind::kBlock) {
    throw std::invalid_argument(fmt::format("'{}' is not a block format", name));
  }
  QuantizerConfig c;
  c.element_format = info.element_format;
  c.granularity = Granularity::kPerGroup;
  c.group_size = info.block_size;
  c.scale_format = info.scale_format;
  if (name == "mxint8") c.element_unit = std::ldexp(1.0, -info.mantissa_bits);  // [OCP MX v1.0 5.3.4]
  if (name == "nvfp4") c.tensor_scale = true;
  return c;
}

Quantizer::Quantizer(QuantizerConfig config)
    : config_(std::move(config)),
      element_(ElementCodec::for_format(config_.element_format)),
      scale_codec_(scale_codec_for(config_.scale_format)),
      pow2_scale_(config_.scale_format == "pow2") {
  if (element_.is_scale_only()) {
    throw std::invalid_argument(fmt::format(
        "'{}' is a scale format (unsigned powers of two, no zero), not an element format; elements are an integer "
        "(int8, uint4, ...) or float format (fp8-e4m3, fp4-e2m1, e<E>m<M>, ...); for E8M0 scales use the scale "
        "format e8m0 or an MX block format (mxfp8-e4m3, mxfp4, ...)",
        config_.element_format));
  }
  if (!config_.symmetric && !element_.is_integer()) {
    throw std::invalid_argument(fmt::format(
        "asymmetric quantization needs an integer element format; '{}' is a float format (use symmetric)",
        config_.element_format));
  }
  if (config_.granularity == Granularity::kPerGroup && config_.group_size <= 0) {
    throw std::invalid_argument(fmt::format("per-group quantization needs a group size > 0 (got {})", config_.group_size));
  }
  if (config_.granularity == Granularity::kPerBlock && (config_.block_rows <= 0 || config_.block_cols <= 0)) {
    throw std::invalid_argument(fmt::format("per-block quantization needs block rows and columns > 0 (got {}x{})",
                                            config_.block_rows, config_.block_cols));
  }
  if (config_.channel_axis != 0 && config_.channel_axis != 1) {
    throw std::invalid_argument(fmt::format("channel axis {} must be 0 (rows) or 1 (columns)", config_.channel_axis));
  }
  if (config_.tensor_scale && scale_codec_.is_integer()) throw std::invalid_argument("tensor scale needs a float scale format");
}

void Quantizer::check_shape(std::int64_t rows, std::int64_t cols) const {
  if (rows <= 0 || cols <= 0) throw std::invalid_argument(fmt::format("tensor shape {}x{} is empty", rows, cols));
  if (config_.granularity == Granularity::kPerGroup && cols % config_.group_size != 0) {
    throw std::invalid_argument(fmt::format("group size {} does not divide the row length {} (shape {}x{})",
                                            config_.group_size, cols, rows, cols));
  }
  if (config_.granularity == Granularity::kPerBlock &&
      (rows % config_.block_rows != 0 || cols % config_.block_cols != 0)) {
    throw std::invalid_argument(fmt::format("block {}x{} does not divide the shape {}x{}", config_.block_rows,
                                            config_.block_cols, rows, cols));
  }
}

std::int64_t Quantizer::group_count(std::int64_t rows, std::int64_t cols) const {
  check_shape(rows, cols);
  switch (config_.granularity) {
    case Granularity::kPerTensor:
      return 1;
    case Granularity::kPerChannel:
      return config_.channel_axis == 0 ? rows : cols;
    case Granularity::kPerToken:
      return rows;
    case Granularity::kPerGroup:
      return rows * (cols / config_.group_size);
    case Granularity::kPerBlock:
      return (rows / config_.block_rows) * (cols / config_.block_cols);
  }
  return 1;
}

int Quantizer::group_of(int row, int col, int rows, int cols) const {
  switch (config_.granularity) {
    case Granularity::kPerTensor:
      return 0;
    case Granularity::kPerChannel:
      return config_.channel_axis == 0 ? row : col;
    case Granularity::kPerToken:
      return row;
    case Granularity::kPerGroup:
      return row * (cols / config_.group_size) + col / config_.group_size;
    case Granularity::kPerBlock:
      return (row / config_.block_rows) * (cols / config_.block_cols) + col / config_.block_cols;
  }
  return 0;
}

int Quantizer::scale_bits() const { return scale_codec_.bits(); }

double Quantizer::effective_bits_per_element(std::int64_t rows, std::int64_t cols) const {
  const double elements = double(rows) * double(cols);
  const int zp_bits = config_.symmetric ? 0 : (config_.zero_point_bits > 0 ? config_.zero_point_bits : element_.bits());
  const double overhead = double(group_count(rows, cols)) * (scale_bits() + zp_bits) + (config_.tensor_scale ? 32.0 : 0.0);
  return element_.bits() + overhead / elements;
}

// Scale of one group whose values lie in [lo, hi]; sets the stored scale code
// and (asymmetric) the zero-point. Returns the decoded scale times the tensor scale.
double Quantizer::group_scale(double lo, double hi, double tensor_scale, std::uint32_t* scale_code,
                              std::int32_t* zero_point, QuantizedTensor* q) const {
  const double element_max = element_.max_value() * config_.element_unit;
  if (config_.symmetric) {
    const double amax = std::max(std::fabs(lo), std::fabs(hi)) / tensor_scale;
    if (config_.scale_format == "e8m0") {
      // OCP MX v1.0 section 6.3: X = 2^(floor(log2(amax)) - emax_elem); an
      // all-zero block takes the smallest scale.
      *scale_code = amax > 0 ? e8m0_code(floor_log2(amax) - floor_log2(element_max), q) : 0;
    } else if (pow2_scale_) {
      *scale_code = amax > 0 ? e8m0_code(std::ceil(std::log2(amax / element_max)), q) : 0;
    } else {
      *scale_code = encode_scale(scale_codec_, amax > 0 ? amax / element_max : 1.0, q);
    }
    return scale_codec_.decode(*scale_code) * tensor_scale;
  }
  // Asymmetric (integers): the range always includes 0 so that 0 is exact
  // (as ONNX DynamicQuantizeLinear and TFLite do).
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const double qmin = element_.lowest_value(), qmax = element_.max_value();
  const double ideal = hi > lo ? (hi - lo) / (qmax - qmin) : 1.0;
  *scale_code = pow2_scale_ || config_.scale_format == "e8m0" ? e8m0_code(std::ceil(std::log2(ideal)), q)
                                                              : encode_scale(scale_codec_, ideal, q);
  const double scale = scale_codec_.decode(*scale_code);
  const EncodeOptions nearest;
  const double zp = round_magnitude(std::fabs(qmin - lo / scale), nearest) * (qmin - lo / scale < 0 ? -1 : 1);
  *zero_point = std::int32_t(std::clamp(zp, qmin, qmax));
  return scale;
}

QuantizedTensor Quantizer::quantize(const std::vector<double>& values, int rows, int cols) const {
  const std::int64_t groups = group_count(rows, cols);
  if (values.size() != std::size_t(rows) * std::size_t(cols)) {
    throw std::invalid_argument(fmt::format("{} values given for a {}x{} tensor", values.size(), rows, cols));
  }
  std::vector<double> lo(groups, 0.0), hi(groups, 0.0);
  std::vector<bool> seen(groups, false);
  double tensor_amax = 0.0;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const double v = values[std::size_t(r) * cols + c];
      if (!std::isfinite(v)) throw std::range_error(fmt::format("value {} at [{}, {}] is not finite", v, r, c));
      // Symmetric scales have zero-point 0, so an unsigned format has no code below 0 and would clip every
      // negative value to 0.
      if (v < 0 && config_.symmetric && !element_.is_signed()) {
        throw std::range_error(fmt::format(
            "value {} at [{}, {}] is negative, and symmetric quantization into the unsigned {} would make it 0; "
            "quantize asymmetrically (--asymmetric: a zero-point) or into a signed format",
            v, r, c, config_.element_format));
      }
      const int g = group_of(r, c, rows, cols);
      lo[g] = seen[g] ? std::min(lo[g], v) : v;
      hi[g] = seen[g] ? std::max(hi[g], v) : v;
      seen[g] = true;
      tensor_amax = std::max(tensor_amax, std::fabs(v));
    }
  }
  QuantizedTensor q;
  q.rows = rows;
  q.cols = cols;
  if (config_.tensor_scale && tensor_amax > 0) {
    // NVFP4 second level: amax / (element max * scale max), held in FP32
    // (NVIDIA, "Introducing NVFP4 for Efficient and Accurate Low-Precision Inference", 2025),
    // clamped as every other scale: a tensor scale of 0 made every block scale 0.
    const ElementCodec fp32 = ElementCodec::for_format("fp32");
    q.tensor_scale =
        fp32.decode(encode_scale(fp32, tensor_amax / (element_.max_value() * scale_codec_.max_value()), &q));
  }
  q.scale_codes.resize(groups);
  q.scales.resize(groups);
  if (!config_.symmetric) q.zero_points.resize(groups);
  for (std::int64_t g = 0; g < groups; ++g) {
    std::int32_t zp = 0;
    q.scales[g] = group_scale(lo[g], hi[g], q.tensor_scale, &q.scale_codes[g], &zp, &q);
    if (!config_.symmetric) q.zero_points[g] = zp;
  }
  q.codes.resize(values.size());
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const std::size_t i = std::size_t(r) * cols + c;
      const int g = group_of(r, c, rows, cols);
      const double scaled = values[i] / (q.scales[g] * config_.element_unit);
      if (config_.symmetric) {
        q.codes[i] = element_.encode(scaled, config_.encode);
      } else {
        // round, then add the zero-point, then saturate (ONNX QuantizeLinear)
        const double rounded = std::copysign(round_magnitude(std::fabs(scaled), config_.encode), scaled);
        q.codes[i] = element_.encode(rounded + q.zero_points[g], config_.encode);
      }
    }
  }
  return q;
}

std::vector<double> Quantizer::dequantize(const QuantizedTensor& q) const {
  std::vector<double> out(q.codes.size());
  for (int r = 0; r < q.rows; ++r) {
    for (int c = 0; c < q.cols; ++c) {
      const std::size_t i = std::size_t(r) * q.cols + c;
      const int g = group_of(r, c, q.rows, q.cols);
      const double zp = q.zero_points.empty() ? 0.0 : q.zero_points[g];
      out[i] = (element_.decode(q.codes[i]) - zp) * config_.element_unit * q.scales[g];
    }
  }
  return out;
}

}  // namespace qarch::numerics

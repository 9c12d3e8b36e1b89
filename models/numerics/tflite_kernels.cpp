#include "models/numerics/tflite_kernels.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace qarch::numerics {
namespace {

void check_filter(const std::int8_t* filter, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (filter[i] == -128) {
      throw std::invalid_argument(fmt::format(
          "filter value -128 at index {}: TFLite int8 weights are symmetric, restricted to [-127, 127]", i));
    }
  }
}

// acc + bias, requantized with the channel's multiplier.
std::int8_t output_value(std::int32_t acc, const std::int32_t* bias, int channel, const std::vector<QuantizedMultiplier>& m,
                         const TfliteInt8Params& p) {
  const std::uint32_t with_bias = std::uint32_t(acc) + (bias != nullptr ? std::uint32_t(bias[channel]) : 0u);
  return tflite_requantize_int8(std::int32_t(with_bias), m[m.size() == 1 ? 0 : std::size_t(channel)],
                                p.output_zero_point, p.activation_min, p.activation_max);
}

}  // namespace

std::vector<QuantizedMultiplier> tflite_channel_multipliers(const TfliteInt8Params& p, int out_channels) {
  if (p.filter_scales.size() != 1 && p.filter_scales.size() != std::size_t(out_channels)) {
    throw std::invalid_argument(fmt::format("{} filter scales for {} output channels (give 1 or {})",
                                            p.filter_scales.size(), out_channels, out_channels));
  }
  const auto check_scale = [](const char* name, float s) {
    if (!(s > 0) || !std::isfinite(s)) throw std::invalid_argument(fmt::format("{} must be a positive finite number (got {})", name, s));
  };
  check_scale("input scale", p.input_scale);
  check_scale("output scale", p.output_scale);
  for (float s : p.filter_scales) check_scale("filter scale", s);
  for (const auto& [name, zp] : {std::pair<const char*, int>{"input", p.input_zero_point}, {"output", p.output_zero_point}}) {
    if (zp < -128 || zp > 127) throw std::invalid_argument(fmt::format("{} zero-point {} outside int8 [-128, 127]", name, zp));
  }
  if (p.activation_min < -128 || p.activation_max > 127 || p.activation_min > p.activation_max) {
    throw std::invalid_argument(fmt::format("activation range [{}, {}] must lie in [-128, 127] and not be empty",
                                            p.activation_min, p.activation_max));
  }
  std::vector<QuantizedMultiplier> m;
  for (float s : p.filter_scales) {
    m.push_back(quantize_multiplier(double(p.input_scale) * double(s) / double(p.output_scale)));
  }
  return m;
}

std::vector<std::int8_t> tflite_fully_connected_int8(int batches, int depth, int out_channels, const std::int8_t* input,
                                                     const std::int8_t* filter, const std::int32_t* bias,
                                                     const TfliteInt8Params& p) {
  if (batches <= 0 || depth <= 0 || out_channels <= 0) {
    throw std::invalid_argument(fmt::format("fully connected: empty shape {}x{} -> {}", batches, depth, out_channels));
  }
  const std::vector<QuantizedMultiplier> m = tflite_channel_multipliers(p, out_channels);
  check_filter(filter, std::size_t(out_channels) * depth);
  std::vector<std::int16_t> x(std::size_t(batches) * depth), wt(std::size_t(depth) * out_channels);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::int16_t(input[i] - p.input_zero_point);
  for (int o = 0; o < out_channels; ++o) {
    for (int d = 0; d < depth; ++d) wt[std::size_t(d) * out_channels + o] = filter[std::size_t(o) * depth + d];
  }
  std::vector<std::int32_t> acc(std::size_t(batches) * out_channels);
  matmul_int16_s32(batches, out_channels, depth, x.data(), wt.data(), acc.data());
  std::vector<std::int8_t> out(acc.size());
  for (std::size_t i = 0; i < acc.size(); ++i) out[i] = output_value(acc[i], bias, int(i % out_channels), m, p);
  return out;
}

std::vector<std::int8_t> tflite_conv2d_int8(const Conv2dShape& s, const std::int8_t* input_nhwc,
                                            const std::int8_t* filter_ohwi, const std::int32_t* bias,
                                            const TfliteInt8Params& p) {
  s.validate();
  const std::vector<QuantizedMultiplier> m = tflite_channel_multipliers(p, s.out_channels);
  const int icg = s.in_channels / s.groups, kh = s.kernel_height, kw = s.kernel_width;
  check_filter(filter_ohwi, std::size_t(s.out_channels) * kh * kw * icg);
  // To the NCHW / OIHW layout of conv2d_int16_s32, zero-point subtracted
  // (padding then contributes 0, as skipping the tap does).
  const std::size_t plane = std::size_t(s.in_height) * s.in_width;
  std::vector<std::int16_t> x(std::size_t(s.batch) * s.in_channels * plane);
  for (int n = 0; n < s.batch; ++n) {
    for (std::size_t px = 0; px < plane; ++px) {
      for (int c = 0; c < s.in_channels; ++c) {
        x[(std::size_t(n) * s.in_channels + c) * plane + px] =
            std::int16_t(input_nhwc[(std::size_t(n) * plane + px) * s.in_channels + c] - p.input_zero_point);
      }
    }
  }
  std::vector<std::int16_t> w(std::size_t(s.out_channels) * icg * kh * kw);
  for (int o = 0; o < s.out_channels; ++o) {
    for (int y = 0; y < kh; ++y) {
      for (int xk = 0; xk < kw; ++xk) {
        for (int c = 0; c < icg; ++c) {
          w[((std::size_t(o) * icg + c) * kh + y) * kw + xk] = filter_ohwi[((std::size_t(o) * kh + y) * kw + xk) * icg + c];
        }
      }
    }
  }
  const std::vector<std::int32_t> acc = conv2d_int16_s32(s, x.data(), w.data());
  const std::size_t out_plane = std::size_t(s.out_height()) * s.out_width();
  std::vector<std::int8_t> out(acc.size());
  for (int n = 0; n < s.batch; ++n) {
    for (int o = 0; o < s.out_channels; ++o) {
      for (std::size_t px = 0; px < out_plane; ++px) {
        out[(std::size_t(n) * out_plane + px) * s.out_channels + o] =
            output_value(acc[(std::size_t(n) * s.out_channels + o) * out_plane + px], bias, o, m, p);
      }
    }
  }
  return out;
}

}  // namespace qarch::numerics

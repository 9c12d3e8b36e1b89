#pragma once
// TFLite int8 FullyConnected and Conv2D as the TFLite 8-bit quantization
// specification (tensorflow.org/lite/performance/quantization_spec) defines
// them and the reference kernels compute them
// (tensorflow/lite/kernels/internal/reference/integer_ops/fully_connected.h,
// conv.h ConvPerChannel): int8 activations, asymmetric; int8 weights,
// symmetric per output channel (zero-point 0, values in [-127, 127]); int32
// bias with scale input_scale * weight_scale[c] and zero-point 0; one
// fixed-point multiplier per output channel.
#include <cstdint>
#include <vector>

#include "models/numerics/int_gemm.h"
#include "models/numerics/quantized_matmul.h"

namespace qarch::numerics {

struct TfliteInt8Params {
  float input_scale = 1;
  int input_zero_point = 0;
  std::vector<float> filter_scales{1.0f};  // one per output channel, or one for the tensor
  float output_scale = 1;
  int output_zero_point = 0;
  int activation_min = -128, activation_max = 127;  // fused activation (ReLU: min = output zero-point)
};

// QuantizeMultiplier(double(input_scale) * double(filter_scale[c]) / double(output_scale))
// per output channel, as PopulateConvolutionQuantizationParams
// (tensorflow/lite/kernels/kernel_util.cc) computes them. Validates the params.
std::vector<QuantizedMultiplier> tflite_channel_multipliers(const TfliteInt8Params& p, int out_channels);

// input [batches, depth], filter [out_channels, depth], bias [out_channels] or
// nullptr. Per output: acc = bias + sum (filter * (input - input_zero_point))
// in int32 (wrapping mod 2^32; TFLite leaves overflow undefined), then
// clamp(MultiplyByQuantizedMultiplier(acc, M_c) + output_zero_point).
// Output [batches, out_channels].
std::vector<std::int8_t> tflite_fully_connected_int8(int batches, int depth, int out_channels, const std::int8_t* input,
                                                     const std::int8_t* filter, const std::int32_t* bias,
                                                     const TfliteInt8Params& p);

// TFLite layouts: input NHWC, filter [out_channels, KH, KW, in_channels/groups]
// (OHWI), output NHWC. Taps outside the input are skipped, which equals
// padding with the input zero-point. Stride, dilation, explicit padding and
// groups from `shape`.
std::vector<std::int8_t> tflite_conv2d_int8(const Conv2dShape& shape, const std::int8_t* input_nhwc,
                                            const std::int8_t* filter_ohwi, const std::int32_t* bias,
                                            const TfliteInt8Params& p);

}  // namespace qarch::numerics

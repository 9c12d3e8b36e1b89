// TFLite int8 FullyConnected / Conv2D with per-output-channel multipliers and
// QLinearMatMul with per-row / per-column scales: hand-derived examples.
// Sources:
//  [TFL-SPEC] TensorFlow Lite 8-bit quantization specification
//             (tensorflow.org/lite/performance/quantization_spec): activations int8
//             asymmetric, weights int8 symmetric per output channel in [-127, 127],
//             bias int32 with scale input_scale * weight_scale and zero-point 0.
//  [TFL-REF]  tensorflow/lite/kernels/internal/reference/integer_ops/fully_connected.h,
//             conv.h (ConvPerChannel); common.h MultiplyByQuantizedMultiplier; gemmlowp
//             fixedpoint.h: SaturatingRoundingDoublingHighMul rounds half toward +inf,
//             RoundingDivideByPOT half away from zero, so x.5 results round away from 0.
//  [ONNX-21]  onnx Operators.md QLinearMatMul (opset 21): scales/zero-points per tensor,
//             per row of a ([M] or [D1, D2, M, 1]) and per column of b; y =
//             saturate(round_half_even(x / y_scale) + y_zero_point).
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "models/numerics/quantized_matmul.h"
#include "models/numerics/tflite_kernels.h"

using namespace qarch::numerics;

namespace {

NdArray int8_array(std::vector<std::int64_t> shape, const std::vector<int>& values) {
  NdArray a = NdArray::zeros(DType::kInt8, std::move(shape));
  REQUIRE(a.element_count() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) a.bytes[i] = std::uint8_t(values[i] & 0xFF);
  return a;
}

std::vector<int> values_of(const NdArray& a) {
  std::vector<int> v;
  for (std::size_t i = 0; i < a.element_count(); ++i) v.push_back(int(a.element(i)));
  return v;
}

std::vector<int> as_ints(const std::vector<std::int8_t>& v) { return std::vector<int>(v.begin(), v.end()); }

}  // namespace

TEST_CASE("TFLite int8 FullyConnected with per-channel multipliers, hand-derived [TFL-SPEC] [TFL-REF]") {
  // input_scale 0.5, zero-point -1; filter scales 0.25 and 0.125 per output channel;
  // output scale 1, zero-point 3. x = [3, -1, 5] -> x - zp = [4, 0, 6].
  // row 0 [1, 2, -3]: 4 - 18 = -14, + bias 8 = -6;  M0 = 0.5*0.25 = 0.125: -0.75 -> -1, + 3 = 2
  // row 1 [10, -7, 2]: 40 + 12 = 52, + bias -4 = 48; M1 = 0.0625: 3, + 3 = 6
  TfliteInt8Params p;
  p.input_scale = 0.5f;
  p.input_zero_point = -1;
  p.filter_scales = {0.25f, 0.125f};
  p.output_scale = 1.0f;
  p.output_zero_point = 3;
  const std::vector<std::int8_t> x = {3, -1, 5}, w = {1, 2, -3, 10, -7, 2};
  const std::vector<std::int32_t> bias = {8, -4};
  CHECK(as_ints(tflite_fully_connected_int8(1, 3, 2, x.data(), w.data(), bias.data(), p)) == std::vector<int>{2, 6});
  // Ties: with output scale 0.5, M0 = 0.25 and -6 * 0.25 = -1.5 -> -2 (away from zero), M1 = 0.125:
  // 48 * 0.125 = 6; a second batch x = [5, -1, 3] -> [6, 0, 4]: row 0 6 - 12 + 8 = 2 -> 0.5 -> 1 (away), row 1 60 + 8 - 4 = 64 -> 8.
  p.output_scale = 0.5f;
  const std::vector<std::int8_t> x2 = {3, -1, 5, 5, -1, 3};
  CHECK(as_ints(tflite_fully_connected_int8(2, 3, 2, x2.data(), w.data(), bias.data(), p)) == std::vector<int>{1, 9, 4, 11});
  // fused ReLU (activation_min = output zero-point 3) clamps the first output, 1, to 3
  p.activation_min = 3;
  CHECK(as_ints(tflite_fully_connected_int8(1, 3, 2, x.data(), w.data(), bias.data(), p)) == std::vector<int>{3, 9});
  // saturation: output scale 0.001 makes M0 ~ 125, M1 ~ 62.5: -6 * 125 = -750 -> -128, 48 * 62.5 = 3000 -> 127
  p.activation_min = -128;
  p.output_scale = 0.001f;
  CHECK(as_ints(tflite_fully_connected_int8(1, 3, 2, x.data(), w.data(), bias.data(), p)) == std::vector<int>{-128, 127});
  // weights are symmetric in [-127, 127]; a scale per channel or one for the tensor
  const std::vector<std::int8_t> bad_w = {1, 2, -128, 10, -7, 2};
  CHECK_THROWS_AS(tflite_fully_connected_int8(1, 3, 2, x.data(), bad_w.data(), bias.data(), p), std::invalid_argument);
  p.filter_scales = {0.25f, 0.125f, 1.0f};
  CHECK_THROWS_AS(tflite_fully_connected_int8(1, 3, 2, x.data(), w.data(), bias.data(), p), std::invalid_argument);
}

TEST_CASE("TFLite int8 Conv2D NHWC/OHWI with padding and per-channel multipliers, hand-derived [TFL-REF]") {
  // 2x2 input, 1 channel, zero-point 1: x - zp = [[4, 0], [-4, 6]]. Two 2x2 filters
  // oc0 [[1, 2], [3, 4]], oc1 [[-1, 0], [2, -2]]; padding 1 at top and left; stride 1.
  // Taps outside the image are skipped [TFL-REF] (the same as padding with the zero-point).
  // acc oc0 (oy, ox) = (0,0) 4*4 = 16, (0,1) 3*4 = 12, (1,0) 2*4 - 4*4 = -8, (1,1) 4 - 12 + 24 = 16
  // acc oc1          = (0,0) -2*4 = -8, (0,1) 2*4 = 8, (1,0) -2*-4 = 8, (1,1) -4 - 8 - 12 = -24
  // bias [4, -2]: oc0 [20, 16, -4, 20], oc1 [-10, 6, 6, -26]
  // M = 0.5 * [0.25, 0.5] / 1 = [0.125, 0.25]: oc0 [2.5, 2, -0.5, 2.5] -> [3, 2, -1, 3];
  // oc1 [-2.5, 1.5, 1.5, -6.5] -> [-3, 2, 2, -7] (halves away from zero); + output zp -2.
  Conv2dShape s;
  s.in_channels = 1;
  s.in_height = s.in_width = 2;
  s.out_channels = 2;
  s.kernel_height = s.kernel_width = 2;
  s.pad_top = s.pad_left = 1;
  TfliteInt8Params p;
  p.input_scale = 0.5f;
  p.input_zero_point = 1;
  p.filter_scales = {0.25f, 0.5f};
  p.output_scale = 1.0f;
  p.output_zero_point = -2;
  const std::vector<std::int8_t> x = {5, 1, -3, 7}, w = {1, 2, 3, 4, -1, 0, 2, -2};
  const std::vector<std::int32_t> bias = {4, -2};
  // NHWC output [1, 2, 2, 2]: per pixel (oc0, oc1)
  CHECK(as_ints(tflite_conv2d_int8(s, x.data(), w.data(), bias.data(), p)) == std::vector<int>{1, -5, 0, 0, -3, 0, 1, -9});
  // channels last: the same image with 2 identical input channels and filters doubled along I give twice the acc
  s.in_channels = 2;
  const std::vector<std::int8_t> x2 = {5, 5, 1, 1, -3, -3, 7, 7};
  const std::vector<std::int8_t> w2 = {1, 1, 2, 2, 3, 3, 4, 4, -1, -1, 0, 0, 2, 2, -2, -2};
  // acc oc0 = 2*[16, 12, -8, 16] + 4 = [36, 28, -12, 36] * 0.125 = [4.5, 3.5, -1.5, 4.5] -> [5, 4, -2, 5]
  // acc oc1 = 2*[-8, 8, 8, -24] - 2 = [-18, 14, 14, -50] * 0.25 = [-4.5, 3.5, 3.5, -12.5] -> [-5, 4, 4, -13]
  CHECK(as_ints(tflite_conv2d_int8(s, x2.data(), w2.data(), bias.data(), p)) == std::vector<int>{3, -7, 2, 2, -4, 2, 3, -15});
}

TEST_CASE("QLinearMatMul with per-row a and per-column b scales and zero-points, hand-derived [ONNX-21]") {
  // A [[10, 20], [30, 40]], a_scale per row [0.5, 0.25], a_zero_point [0, 10] -> rows [10, 20], [20, 30]
  // B [[1, 2], [3, 4]], b_scale per column [1, 2], b_zero_point [1, 0] -> columns [0, 2], [2, 4]
  // acc = [[40, 100], [60, 160]]; real = acc * a_scale_i * b_scale_j = [[20, 100], [15, 80]]
  const NdArray a = int8_array({2, 2}, {10, 20, 30, 40}), b = int8_array({2, 2}, {1, 2, 3, 4});
  QLinearParams p;
  p.a = {{0.5f, 0.25f}, {0, 10}};
  p.b = {{1.0f, 2.0f}, {1, 0}};
  CHECK(matmul_dequantized_reference(a, b, p) == std::vector<double>{20, 100, 15, 80});
  CHECK(values_of(qlinear_matmul(a, b, p)) == std::vector<int>{20, 100, 15, 80});
  // y_scale 8: 2.5 -> 2 and 12.5 -> 12 (ties to even), 1.875 -> 2, 10
  p.y_scale = 8.0f;
  CHECK(values_of(qlinear_matmul(a, b, p)) == std::vector<int>{2, 12, 2, 10});
  // y_scale 0.5, y_zero_point -10: 40 - 10 = 30, 200 - 10 -> 127 (saturate), 20, 160 - 10 -> 127
  p.y_scale = 0.5f;
  p.y_zero_point = -10;
  CHECK(values_of(qlinear_matmul(a, b, p)) == std::vector<int>{30, 127, 20, 127});
  // N-D: A [2, 1, 2] with per-row scales of each batch matrix ([D1, M, 1] = 2 values) equals the 2-D case
  p.y_scale = 1.0f;
  p.y_zero_point = 0;
  const NdArray a3 = int8_array({2, 1, 2}, {10, 20, 30, 40});
  const NdArray y3 = qlinear_matmul(a3, b, p);
  CHECK(y3.shape == std::vector<std::int64_t>{2, 1, 2});
  CHECK(values_of(y3) == std::vector<int>{20, 100, 15, 80});
  // B [2, 2, 2] with per-column scales per batch matrix ([D1, 1, N] = 4 values): second matrix doubles b_scale
  const NdArray b3 = int8_array({2, 2, 2}, {1, 2, 3, 4, 1, 2, 3, 4});
  p.a = {{0.5f}, {0}};
  p.b = {{1.0f, 2.0f, 2.0f, 4.0f}, {1, 0, 1, 0}};
  // batch 0: A [10, 20] . cols [0, 2], [2, 4] = [40, 100] * 0.5 * [1, 2] = [20, 100]; batch 1: [30, 40] -> [80, 220] * 0.5 * [2, 4] -> [80, 440 -> 127]
  CHECK(values_of(qlinear_matmul(int8_array({2, 1, 2}, {10, 20, 30, 40}), b3, p)) == std::vector<int>{20, 100, 80, 127});
  // wrong counts are rejected with the allowed counts
  p.a = {{0.5f, 0.25f, 1.0f}, {0, 0, 0}};
  CHECK_THROWS_WITH(qlinear_matmul(a, b, p), Catch::Contains("allowed: 1 (per tensor), 2 (per row)"));
  p.a = {{0.5f, 0.25f}, {0}};
  CHECK_THROWS_WITH(qlinear_matmul(a, b, p), Catch::Contains("same shape"));
}

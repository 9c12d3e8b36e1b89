#pragma once
// Quantized matrix products with the semantics of the ONNX operators
// MatMulInteger and QLinearMatMul (onnx/onnx docs/Operators.md) and the
// TFLite int8 requantization (tensorflow.org/lite/performance/quantization_spec,
// reference kernels tensorflow/lite/kernels/internal/common.h). N-D inputs
// broadcast their batch dimensions as numpy.matmul does.
#include <cstdint>
#include <vector>

#include "models/numerics/npy.h"

namespace qarch::numerics {

// ONNX MatMulInteger: int32 Y = (A - a_zero_point) . (B - b_zero_point); A and
// B int8 or uint8, int32 accumulation wrapping mod 2^32. Zero-points per
// tensor (1 value), per row of A / per column of B (M / N values, or
// batches*M / batches*N: one per row/column of each batch matrix), as
// Operators.md allows and as OperandQuantization below counts them.
NdArray matmul_integer(const NdArray& a, const NdArray& b, const std::vector<int>& a_zero_point,
                       const std::vector<int>& b_zero_point);

// Scale and zero-point of one QLinearMatMul operand (ONNX opset 21: "scalar
// (per tensor) or N-D tensor (per row for 'a' and per column for 'b')").
// The count says which: 1 = per tensor; M (A) or N (B) = per row/column, the
// same for every batch matrix; batches*M (A.shape[:-1] + [1]) or batches*N
// (B.shape[:-2] + [1, N]) = per row/column of each batch matrix, in batch
// order. Zero-points have the scales' count ("must have same shape").
struct OperandQuantization {
  std::vector<float> scale{1.0f};
  std::vector<int> zero_point{0};
};

struct QLinearParams {
  OperandQuantization a, b;
  float y_scale = 1;
  int y_zero_point = 0;
};

// ONNX QLinearMatMul: the ONNX reference implementation
// (onnx/reference/ops/op_qlinear_matmul.py) computes
//   y = saturate(round_half_even(acc * fp32(fp32(a_scale * b_scale) / y_scale) + y_zero_point))
// with the multiplier in float32 (per output row/column with per-axis
// scales) and the product in double. Y has A's dtype.
NdArray qlinear_matmul(const NdArray& a, const NdArray& b, const QLinearParams& p);
std::int32_t onnx_requantize(std::int32_t acc, float multiplier, int y_zero_point, int y_min, int y_max);
float onnx_output_multiplier(float a_scale, float b_scale, float y_scale);

// The float reference: dequantize A and B (per-axis as above), multiply in
// double. Shape as the quantized product; values are real (not divided by y_scale).
std::vector<double> matmul_dequantized_reference(const NdArray& a, const NdArray& b, const QLinearParams& p);

// TFLite fixed-point requantization: a real multiplier M = q * 2^shift with
// q in [0.5, 1) held as a Q0.31 int32 (QuantizeMultiplier), applied as
// RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^left, q), right).
// Two roundings: the high multiply rounds half toward +inf, the shift rounds
// half away from zero.
struct QuantizedMultiplier {
  std::int32_t multiplier = 0;  // Q0.31
  int shift = 0;                // > 0: left shift, < 0: right shift
};
QuantizedMultiplier quantize_multiplier(double real_multiplier);
std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b);
std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent);
std::int32_t multiply_by_quantized_multiplier(std::int32_t x, QuantizedMultiplier m);
// Output stage of a TFLite int8 FullyConnected/Conv: (acc [+ bias]) rescaled,
// plus the output zero-point, clamped to the activation range.
std::int8_t tflite_requantize_int8(std::int32_t acc, QuantizedMultiplier m, int output_zero_point, int act_min = -128,
                                   int act_max = 127);

}  // namespace qarch::numerics

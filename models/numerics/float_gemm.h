#pragma once
// Functional GEMM and convolution in float element formats (FP8, FP6, FP4,
// FP16, BF16, ...) and in block formats (OCP MX v1.0, NVFP4), bit-exact for a
// documented order of operations and rounding (docs/numerics.md, "Float and
// block-format kernels"). Results are returned as doubles holding values of
// the accumulator format.
#include <cstdint>
#include <string>
#include <vector>

#include "models/numerics/element_codec.h"
#include "models/numerics/int_gemm.h"
#include "models/numerics/quantizer.h"

namespace qarch::numerics {

// Rounds a real value to a float accumulator format (fp32, fp16, bf16 or a
// generic "-ieee" minifloat): nearest-even, subnormals kept, overflow to
// +-Inf (IEEE 754 default). Throws std::invalid_argument for other formats.
class AccumulatorRounding {
 public:
  explicit AccumulatorRounding(const std::string& accumulator_format);
  double round(double x) const;
  // Correctly rounds significand * 2^exponent (one rounding from the exact value).
  double round_scaled_integer(__int128 significand, int exponent) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  bool is_fp32_ = false;
  int mantissa_bits_ = 23;
  int min_normal_exponent_ = -126;
  double max_value_ = 0;
};

// Element formats: C[M,N] = A[M,K] . B[K,N] (row-major codes of a_format and
// b_format). For every output, in increasing k:
//   p = round_acc(a * b);  c = round_acc(c + p)    (c starts at +0)
// round_acc = AccumulatorRounding(accumulator). Products of FP8/FP6/FP4
// elements are exact in FP32, so with an fp32 accumulator the product rounding
// is the identity.
std::vector<double> matmul_float_format(int m, int n, int k, const std::uint32_t* a_codes, const std::string& a_format,
                                        const std::uint32_t* b_codes, const std::string& b_format,
                                        const std::string& accumulator);

// NCHW input codes, [OC, IC/groups, KH, KW] weight codes; im2col with K in
// (c, ky, kx) order, padding = +0; then matmul_float_format. NCHW output.
std::vector<double> conv2d_float_format(const Conv2dShape& shape, const std::uint32_t* input_codes,
                                        const std::string& input_format, const std::uint32_t* weight_codes,
                                        const std::string& weight_format, const std::string& accumulator);

// Block formats (mxfp8-e4m3, mxfp8-e5m2, mxfp6-*, mxfp4, mxint8, nvfp4; A and B
// may differ but need the same block size). A is [M,K] and B^T is [N,K], both
// quantized with block_format_quantizer (blocks along K). For every output,
// over the K/block blocks in increasing order (OCP MX v1.0 6.2 Dot, 6.3 DotGeneral):
//   d = round_acc( X_a * X_b * sum_i(P_a,i * P_b,i) )   the block sum exact, one rounding
//   c = round_acc(c + d)
// then c = round_acc(c * round_acc(t_a * t_b)) with the NVFP4 FP32 tensor
// scales t (1 for MX). A NaN scale (E8M0 0xFF) makes its block NaN; a block
// with a non-finite element (codes given directly: the quantizer takes finite
// values only) is computed in double arithmetic.
std::vector<double> matmul_block_format(const QuantizedTensor& a, const std::string& a_format,
                                        const QuantizedTensor& b_transposed, const std::string& b_format,
                                        const std::string& accumulator);

// The input quantized per pixel along channels, the weights per
// (oc, ky, kx) along input channels (blocks must divide in_channels/groups);
// K in (ky, kx, c) order so that each block is one input block; padding
// blocks contribute +0. Real NCHW input and [OC, IC/groups, KH, KW] weights
// in, NCHW output of the accumulator format.
struct BlockConv2dResult {
  std::vector<double> output;
  std::vector<double> input_dequantized;    // NCHW, what the kernel saw
  std::vector<double> weights_dequantized;  // [OC, IC/groups, KH, KW]
};
BlockConv2dResult conv2d_block_format(const Conv2dShape& shape, const std::vector<double>& input,
                                      const std::string& input_format, const std::vector<double>& weights,
                                      const std::string& weight_format, const std::string& accumulator);

}  // namespace qarch::numerics

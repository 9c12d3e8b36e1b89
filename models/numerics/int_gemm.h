#pragma once
// Functional integer GEMM and convolution: int8/uint8 operands with their
// zero-points subtracted (held as int16), products summed in an int32
// accumulator that wraps modulo 2^32 — ONNX MatMulInteger/QLinearMatMul:
// "accumulation may overflow if and only if in 32 bits".
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qarch::numerics {

// The largest product the functional kernels compute. Beside the outputs they
// hold a float64 reference and the serialized file, about 24 bytes per output:
// 2^26 outputs (an 8192 x 8192 matrix) need ~1.5 GiB. 2^36 multiply-adds
// (4096^3) take seconds to a few minutes (0.4-13 GMAC/s, docs/numerics.md).
constexpr std::int64_t kMaxGemmOutputs = std::int64_t{1} << 26;
constexpr std::int64_t kMaxGemmMacs = std::int64_t{1} << 36;
// Throws std::invalid_argument naming the output shape and the limit when the
// product of out_shape exceeds kMaxGemmOutputs or times k exceeds kMaxGemmMacs
// (overflow-safe: called before anything of that size is allocated).
void check_gemm_size(const std::vector<std::int64_t>& out_shape, std::int64_t k);

// c[M,N] = a[M,K] . b[K,N], all row-major. Cache-blocked; the inner loop is a
// plain int16 x int16 -> int32 dot product the compiler vectorises.
void matmul_int16_s32(int m, int n, int k, const std::int16_t* a, const std::int16_t* b, std::int32_t* c);

// x - zero_point for int8 (is_signed) or uint8 data. Throws
// std::invalid_argument if the zero-point is outside the element type's range.
std::vector<std::int16_t> subtract_zero_point(const std::uint8_t* raw, std::size_t count, bool is_signed,
                                              int zero_point);

struct Conv2dShape {
  int batch = 1, in_channels = 1, in_height = 1, in_width = 1;
  int out_channels = 1, kernel_height = 1, kernel_width = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;
  int out_height() const;
  int out_width() const;
  void validate() const;  // throws std::invalid_argument naming the bad field
};

// im2col of image `batch_index`, group `group` of an NCHW input: row
// (c, ky, kx) over the group's input channels, column (oy, ox); taps outside
// the input read `padding`. `columns` holds (IC/groups)*KH*KW x OH*OW values.
// Instantiated for int16_t and uint32_t (element codes).
template <typename T>
void im2col(const Conv2dShape& shape, const T* input, int batch_index, int group, T padding, T* columns);

// NCHW input, [OC, IC/groups, KH, KW] weights, both with zero-points already
// subtracted, so padding contributes 0 (as padding the raw input with its
// zero-point does in ONNX ConvInteger). Output NCHW int32 via im2col + the GEMM.
std::vector<std::int32_t> conv2d_int16_s32(const Conv2dShape& shape, const std::int16_t* input,
                                           const std::int16_t* weights);

}  // namespace qarch::numerics

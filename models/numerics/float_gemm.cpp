#include "models/numerics/float_gemm.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "models/numerics/format_registry.h"

namespace qarch::numerics {
namespace {

// Significand bits a value of the format can carry (integers: magnitude bits).
int significand_bits(const ElementCodec& c) {
  return c.is_integer() ? c.bits() - (c.is_signed() ? 1 : 0) : c.spec().mantissa_bits + 1;
}

std::vector<double> decode_all(const ElementCodec& codec, const std::uint32_t* codes, std::size_t count) {
  std::vector<double> out(count);
  for (std::size_t i = 0; i < count; ++i) out[i] = codec.decode(codes[i]);
  return out;
}

// Every product of two finite values of the formats is exact in float
// (checked exhaustively; both formats have at most 8 bits).
bool products_exact_in_float(const ElementCodec& a, const ElementCodec& b) {
  if (a.bits() > 8 || b.bits() > 8) return false;
  std::vector<double> vb;
  for (std::uint32_t y = 0; y < b.code_count(); ++y) {
    if (std::isfinite(b.decode(y))) vb.push_back(b.decode(y));
  }
  for (std::uint32_t x = 0; x < a.code_count(); ++x) {
    const double va = a.decode(x);
    if (!std::isfinite(va)) continue;
    for (double v : vb) {
      if (double(float(va) * float(v)) != va * v) return false;
    }
  }
  return true;
}

// Values of the format as odd integer * 2^exponent (finite, non-zero x).
struct ScaledInteger {
  std::int64_t significand = 0;
  int exponent = 0;
};
ScaledInteger decompose(double x) {
  int e;
  const double f = std::frexp(x, &e);
  ScaledInteger s{std::int64_t(std::ldexp(f, 53)), e - 53};
  while (s.significand != 0 && (s.significand & 1) == 0) {
    s.significand /= 2;
    ++s.exponent;
  }
  return s;
}

int bit_length(unsigned __int128 x) {
  int n = 0;
  while (x != 0) {
    x >>= 1;
    ++n;
  }
  return n;
}

// One operand of a block-format GEMM, decoded: elements as integers in units
// of 2^unit_exponent, block scales as odd integer * 2^exponent.
struct BlockOperand {
  int rows = 0, cols = 0, block = 0;
  int unit_exponent = 0;
  std::vector<std::int64_t> elements;      // rows x cols
  std::vector<double> element_values;      // rows x cols, for blocks with a non-finite element
  std::vector<std::uint8_t> block_finite;  // rows x blocks: every element finite
  std::vector<ScaledInteger> scales;       // rows x blocks
  std::vector<std::uint8_t> scale_nan;     // rows x blocks
  double tensor_scale = 1.0;
  std::int64_t max_element = 0, max_scale_significand = 1;
};

BlockOperand decode_block_operand(const QuantizedTensor& q, const std::string& format, const char* what) {
  const FormatInfo& info = format_info(format);
  if (info.kind != FormatKind::kBlock) {
    throw std::invalid_argument(fmt::format("{}: '{}' is not a block format (mxfp8-e4m3, mxfp4, nvfp4, ...)", what, format));
  }
  const QuantizerConfig preset = block_format_quantizer(format);
  const ElementCodec element = ElementCodec::for_format(preset.element_format);
  const ElementCodec scale = ElementCodec::for_format(preset.scale_format);
  BlockOperand op;
  op.rows = q.rows;
  op.cols = q.cols;
  op.block = info.block_size;
  if (q.cols % op.block != 0 || q.codes.size() != std::size_t(q.rows) * q.cols ||
      q.scale_codes.size() != std::size_t(q.rows) * (q.cols / op.block)) {
    throw std::invalid_argument(fmt::format("{}: a {}x{} tensor is not laid out in {} blocks of {} along its rows", what,
                                            q.rows, q.cols, format, op.block));
  }
  // MXINT8 elements are int8 * 2^-6; float elements are integers in units of the smallest subnormal.
  const double unit = (element.is_integer() ? 1.0 : element.min_subnormal()) * preset.element_unit;
  op.unit_exponent = std::ilogb(unit);
  op.elements.resize(q.codes.size());
  op.element_values.resize(q.codes.size());
  const int blocks = q.cols / op.block;
  op.block_finite.assign(std::size_t(q.rows) * blocks, 1);
  for (std::size_t i = 0; i < q.codes.size(); ++i) {
    const double v = element.decode(q.codes[i]) * preset.element_unit;
    op.element_values[i] = v;
    if (!std::isfinite(v)) {
      op.block_finite[(i / q.cols) * blocks + (i % q.cols) / op.block] = 0;
      continue;
    }
    op.elements[i] = std::int64_t(std::ldexp(v, -op.unit_exponent));
    op.max_element = std::max(op.max_element, std::abs(op.elements[i]));
  }
  op.scales.resize(q.scale_codes.size());
  op.scale_nan.resize(q.scale_codes.size());
  for (std::size_t g = 0; g < q.scale_codes.size(); ++g) {
    const double s = scale.decode(q.scale_codes[g]);
    op.scale_nan[g] = !std::isfinite(s);
    if (op.scale_nan[g] || s == 0.0) continue;
    op.scales[g] = decompose(s);
    op.max_scale_significand = std::max(op.max_scale_significand, std::abs(op.scales[g].significand));
  }
  op.tensor_scale = q.tensor_scale;
  return op;
}

}  // namespace

AccumulatorRounding::AccumulatorRounding(const std::string& accumulator_format) : name_(accumulator_format) {
  const ElementCodec codec = ElementCodec::for_format(accumulator_format);
  if (codec.is_integer() || codec.spec().special != SpecialValues::kIeee) {
    throw std::invalid_argument(fmt::format(
        "accumulator '{}' must be a float format with IEEE Inf/NaN (fp32, fp16, bf16 or e<E>m<M>)", accumulator_format));
  }
  if (codec.spec().mantissa_bits > 24) {
    throw std::invalid_argument(fmt::format("accumulator '{}' is wider than fp32 (at most 25 significand bits)", accumulator_format));
  }
  is_fp32_ = codec.spec().exponent_bits == 8 && codec.spec().mantissa_bits == 23 && codec.spec().bias == 127;
  mantissa_bits_ = codec.spec().mantissa_bits;
  min_normal_exponent_ = 1 - codec.spec().bias;
  max_value_ = codec.max_value();
}

double AccumulatorRounding::round(double x) const {
  if (is_fp32_) return double(float(x));  // native conversion: nearest-even, overflow to Inf
  if (x == 0.0 || !std::isfinite(x)) return x;
  const int e = std::max(std::ilogb(x), min_normal_exponent_);
  // x * 2^(m-e) is exact; nearbyint rounds to nearest even (default FP environment)
  const double r = std::scalbn(std::nearbyint(std::scalbn(x, mantissa_bits_ - e)), e - mantissa_bits_);
  return std::fabs(r) > max_value_ ? std::copysign(std::numeric_limits<double>::infinity(), x) : r;
}

double AccumulatorRounding::round_scaled_integer(__int128 significand, int exponent) const {
  if (significand == 0) return 0.0;
  const bool negative = significand < 0;
  const unsigned __int128 magnitude = negative ? (unsigned __int128)(-(significand + 1)) + 1 : (unsigned __int128)significand;
  const int top = bit_length(magnitude) - 1 + exponent;  // exponent of the leading bit
  const int quantum = std::max(top, min_normal_exponent_) - mantissa_bits_;
  const int shift = quantum - exponent;
  double r;
  if (shift <= 0) {
    r = std::ldexp(double(magnitude), exponent);  // at most mantissa_bits + 1 bits: exact
  } else if (shift > 127) {
    r = 0.0;
  } else {
    unsigned __int128 kept = magnitude >> shift;
    const unsigned __int128 rest = magnitude - (kept << shift);
    const unsigned __int128 half = (unsigned __int128)1 << (shift - 1);
    if (rest > half || (rest == half && (kept & 1) != 0)) ++kept;  // nearest, ties to even
    r = std::ldexp(double(kept), quantum);
  }
  if (r > max_value_) r = std::numeric_limits<double>::infinity();
  return negative ? -r : r;
}

std::vector<double> matmul_float_format(int m, int n, int k, const std::uint32_t* a_codes, const std::string& a_format,
                                        const std::uint32_t* b_codes, const std::string& b_format,
                                        const std::string& accumulator) {
  if (m <= 0 || n <= 0 || k <= 0) throw std::invalid_argument(fmt::format("matmul: empty shape {}x{}x{}", m, n, k));
  check_gemm_size({m, n}, k);
  const ElementCodec ca = ElementCodec::for_format(a_format), cb = ElementCodec::for_format(b_format);
  if (significand_bits(ca) + significand_bits(cb) > 53) {
    throw std::invalid_argument(fmt::format("matmul: products of {} and {} are not exact in double", a_format, b_format));
  }
  const AccumulatorRounding acc(accumulator);
  const std::vector<double> a = decode_all(ca, a_codes, std::size_t(m) * k);
  const std::vector<double> b = decode_all(cb, b_codes, std::size_t(k) * n);
  std::vector<double> c(std::size_t(m) * n);
  // Loop order i, p, j: every output still sums its products in increasing k,
  // and the inner loop runs along a row of B (vectorisable).
  if (accumulator == "fp32" && products_exact_in_float(ca, cb)) {
    // Products are exact in float, so float multiply-add (fused or not) is
    // round_fp32(c + a*b): exactly the defined order.
    const std::vector<float> af(a.begin(), a.end()), bf(b.begin(), b.end());
    std::vector<float> row(static_cast<std::size_t>(n));
    for (int i = 0; i < m; ++i) {
      std::fill(row.begin(), row.end(), 0.0f);
      for (int p = 0; p < k; ++p) {
        const float x = af[std::size_t(i) * k + p];
        const float* brow = bf.data() + std::size_t(p) * n;
        float* __restrict out = row.data();
        for (int j = 0; j < n; ++j) out[j] += x * brow[j];
      }
      std::copy(row.begin(), row.end(), c.begin() + std::size_t(i) * n);
    }
    return c;
  }
  for (int i = 0; i < m; ++i) {
    double* out = c.data() + std::size_t(i) * n;
    for (int p = 0; p < k; ++p) {
      const double x = a[std::size_t(i) * k + p];
      const double* brow = b.data() + std::size_t(p) * n;
      // x * b exact in double (<= 53 significand bits); the double sum of two
      // accumulator values (<= 25 bits) rounded again is correctly rounded (53 >= 2p + 2).
      for (int j = 0; j < n; ++j) out[j] = acc.round(out[j] + acc.round(x * brow[j]));
    }
  }
  return c;
}

std::vector<double> conv2d_float_format(const Conv2dShape& s, const std::uint32_t* input_codes,
                                        const std::string& input_format, const std::uint32_t* weight_codes,
                                        const std::string& weight_format, const std::string& accumulator) {
  s.validate();
  const int icg = s.in_channels / s.groups, ocg = s.out_channels / s.groups;
  const int kdim = icg * s.kernel_height * s.kernel_width;
  const int pixels = s.out_height() * s.out_width();
  std::vector<double> out(std::size_t(s.batch) * s.out_channels * pixels);
  std::vector<std::uint32_t> columns(std::size_t(kdim) * pixels);
  for (int nb = 0; nb < s.batch; ++nb) {
    for (int g = 0; g < s.groups; ++g) {
      im2col(s, input_codes, nb, g, std::uint32_t{0}, columns.data());  // code 0 is +0 in every format
      const std::vector<double> tile = matmul_float_format(ocg, pixels, kdim, weight_codes + std::size_t(g) * ocg * kdim,
                                                           weight_format, columns.data(), input_format, accumulator);
      std::copy(tile.begin(), tile.end(), out.begin() + (std::size_t(nb) * s.out_channels + std::size_t(g) * ocg) * pixels);
    }
  }
  return out;
}

std::vector<double> matmul_block_format(const QuantizedTensor& a_q, const std::string& a_format,
                                        const QuantizedTensor& b_q, const std::string& b_format,
                                        const std::string& accumulator) {
  const BlockOperand a = decode_block_operand(a_q, a_format, "A");
  const BlockOperand b = decode_block_operand(b_q, b_format, "B^T");
  if (a.block != b.block) {
    throw std::invalid_argument(fmt::format("matmul: block sizes differ ({} has {}, {} has {})", a_format, a.block,
                                            b_format, b.block));
  }
  if (a.cols != b.cols) {
    throw std::invalid_argument(fmt::format("matmul: A [{}, {}] and B^T [{}, {}] disagree on K", a.rows, a.cols, b.rows, b.cols));
  }
  check_gemm_size({a.rows, b.rows}, a.cols);
  // The exact block sum times both scale significands must fit an int128.
  if (bit_length(a.max_element) + bit_length(b.max_element) + bit_length(a.block) + bit_length(a.max_scale_significand) +
          bit_length(b.max_scale_significand) > 126) {
    throw std::invalid_argument("matmul: block sums of these formats do not fit the 128-bit exact accumulator");
  }
  const AccumulatorRounding acc(accumulator);
  const int blocks = a.cols / a.block;
  const double tensor_scale = acc.round(a.tensor_scale * b.tensor_scale);
  std::vector<double> c(std::size_t(a.rows) * b.rows);
  for (int i = 0; i < a.rows; ++i) {
    for (int j = 0; j < b.rows; ++j) {
      double sum = 0.0;
      for (int blk = 0; blk < blocks; ++blk) {
        const std::size_t ga = std::size_t(i) * blocks + blk, gb = std::size_t(j) * blocks + blk;
        const std::size_t ea = std::size_t(i) * a.cols + std::size_t(blk) * a.block;
        const std::size_t eb = std::size_t(j) * b.cols + std::size_t(blk) * b.block;
        double d;
        if (a.scale_nan[ga] || b.scale_nan[gb]) {
          d = std::numeric_limits<double>::quiet_NaN();  // OCP MX v1.0 6.2: a NaN scale makes the block NaN
        } else if (!a.block_finite[ga] || !b.block_finite[gb]) {
          double s = 0.0;  // Inf/NaN propagate; finite parts cannot change the result
          for (int p = 0; p < a.block; ++p) s += a.element_values[ea + p] * b.element_values[eb + p];
          d = acc.round(s * std::ldexp(double(a.scales[ga].significand * b.scales[gb].significand),
                                       a.scales[ga].exponent + b.scales[gb].exponent));
        } else {
          __int128 s = 0;
          for (int p = 0; p < a.block; ++p) s += __int128(a.elements[ea + p]) * b.elements[eb + p];
          s *= __int128(a.scales[ga].significand) * b.scales[gb].significand;
          d = acc.round_scaled_integer(s, a.scales[ga].exponent + b.scales[gb].exponent + a.unit_exponent + b.unit_exponent);
        }
        sum = acc.round(sum + d);
      }
      c[std::size_t(i) * b.rows + j] = acc.round(sum * tensor_scale);
    }
  }
  return c;
}

BlockConv2dResult conv2d_block_format(const Conv2dShape& s, const std::vector<double>& input,
                                      const std::string& input_format, const std::vector<double>& weights,
                                      const std::string& weight_format, const std::string& accumulator) {
  s.validate();
  const int icg = s.in_channels / s.groups, ocg = s.out_channels / s.groups;
  const int kh = s.kernel_height, kw = s.kernel_width, oh = s.out_height(), ow = s.out_width();
  const int block = format_info(input_format).block_size;
  if (block == 0 || icg % block != 0) {
    throw std::invalid_argument(fmt::format("conv2d: {} blocks of {} must divide the {} input channels per group",
                                            input_format, block, icg));
  }
  const std::size_t in_pixels = std::size_t(s.batch) * s.in_height * s.in_width;
  if (input.size() != in_pixels * s.in_channels || weights.size() != std::size_t(s.out_channels) * icg * kh * kw) {
    throw std::invalid_argument("conv2d: input or weight size does not match the shape");
  }
  // Input as [pixel, channel] rows (NHWC): blocks run along channels.
  std::vector<double> nhwc(input.size());
  const std::size_t plane = std::size_t(s.in_height) * s.in_width;
  for (int nb = 0; nb < s.batch; ++nb) {
    for (int c = 0; c < s.in_channels; ++c) {
      for (std::size_t p = 0; p < plane; ++p) {
        nhwc[(nb * plane + p) * s.in_channels + c] = input[(std::size_t(nb) * s.in_channels + c) * plane + p];
      }
    }
  }
  const Quantizer in_quantizer(block_format_quantizer(input_format));
  const QuantizedTensor in_q = in_quantizer.quantize(nhwc, int(in_pixels), s.in_channels);
  // Weights as [oc, (ky, kx, c)] rows: blocks run along input channels.
  const int kdim = kh * kw * icg;
  std::vector<double> w_rows(weights.size());
  for (int oc = 0; oc < s.out_channels; ++oc) {
    for (int c = 0; c < icg; ++c) {
      for (int ky = 0; ky < kh; ++ky) {
        for (int kx = 0; kx < kw; ++kx) {
          w_rows[std::size_t(oc) * kdim + (ky * kw + kx) * icg + c] = weights[((std::size_t(oc) * icg + c) * kh + ky) * kw + kx];
        }
      }
    }
  }
  const Quantizer w_quantizer(block_format_quantizer(weight_format));
  const QuantizedTensor w_q = w_quantizer.quantize(w_rows, s.out_channels, kdim);

  BlockConv2dResult result;
  const std::vector<double> in_back = in_quantizer.dequantize(in_q), w_back = w_quantizer.dequantize(w_q);
  result.input_dequantized.resize(input.size());
  for (int nb = 0; nb < s.batch; ++nb) {
    for (int c = 0; c < s.in_channels; ++c) {
      for (std::size_t p = 0; p < plane; ++p) {
        result.input_dequantized[(std::size_t(nb) * s.in_channels + c) * plane + p] = in_back[(nb * plane + p) * s.in_channels + c];
      }
    }
  }
  result.weights_dequantized.resize(weights.size());
  for (int oc = 0; oc < s.out_channels; ++oc) {
    for (int c = 0; c < icg; ++c) {
      for (int ky = 0; ky < kh; ++ky) {
        for (int kx = 0; kx < kw; ++kx) {
          result.weights_dequantized[((std::size_t(oc) * icg + c) * kh + ky) * kw + kx] =
              w_back[std::size_t(oc) * kdim + (ky * kw + kx) * icg + c];
        }
      }
    }
  }

  const int in_blocks_per_pixel = s.in_channels / block, blocks_per_group = icg / block;
  const int k_blocks = kh * kw * blocks_per_group;
  // A padding block: zero elements under a scale of 1 (its block sum is 0).
  const std::uint32_t unit_scale_code = ElementCodec::for_format(block_format_quantizer(input_format).scale_format).encode(1.0);
  result.output.resize(std::size_t(s.batch) * s.out_channels * oh * ow);
  QuantizedTensor w_group;
  w_group.rows = ocg;
  w_group.cols = kdim;
  w_group.tensor_scale = w_q.tensor_scale;
  QuantizedTensor columns;  // B^T: one row per output pixel
  columns.rows = oh * ow;
  columns.cols = kdim;
  columns.tensor_scale = in_q.tensor_scale;
  columns.codes.resize(std::size_t(oh) * ow * kdim);
  columns.scale_codes.resize(std::size_t(oh) * ow * k_blocks);
  for (int g = 0; g < s.groups; ++g) {
    const std::size_t w_rows_begin = std::size_t(g) * ocg;
    w_group.codes.assign(w_q.codes.begin() + w_rows_begin * kdim, w_q.codes.begin() + (w_rows_begin + ocg) * kdim);
    w_group.scale_codes.assign(w_q.scale_codes.begin() + w_rows_begin * k_blocks,
                               w_q.scale_codes.begin() + (w_rows_begin + ocg) * k_blocks);
    for (int nb = 0; nb < s.batch; ++nb) {
      for (int oy = 0; oy < oh; ++oy) {
        for (int ox = 0; ox < ow; ++ox) {
          const std::size_t pixel = std::size_t(oy) * ow + ox;
          for (int ky = 0; ky < kh; ++ky) {
            for (int kx = 0; kx < kw; ++kx) {
              const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
              const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
              const bool inside = iy >= 0 && iy < s.in_height && ix >= 0 && ix < s.in_width;
              const std::size_t in_pixel = (std::size_t(nb) * s.in_height + std::max(iy, 0)) * s.in_width + std::max(ix, 0);
              for (int cb = 0; cb < blocks_per_group; ++cb) {
                const std::size_t kblock = std::size_t(ky * kw + kx) * blocks_per_group + cb;
                const std::size_t in_block = in_pixel * in_blocks_per_pixel + std::size_t(g) * blocks_per_group + cb;
                columns.scale_codes[pixel * k_blocks + kblock] = inside ? in_q.scale_codes[in_block] : unit_scale_code;
                for (int e = 0; e < block; ++e) {
                  columns.codes[pixel * kdim + kblock * block + e] = inside ? in_q.codes[in_block * block + e] : 0u;
                }
              }
            }
          }
        }
      }
      const std::vector<double> tile = matmul_block_format(w_group, weight_format, columns, input_format, accumulator);
      std::copy(tile.begin(), tile.end(),
                result.output.begin() + (std::size_t(nb) * s.out_channels + w_rows_begin) * oh * ow);
    }
  }
  return result;
}

}  // namespace qarch::numerics

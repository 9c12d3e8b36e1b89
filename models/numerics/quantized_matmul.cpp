#include "models/numerics/quantized_matmul.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "models/numerics/int_gemm.h"
#include "models/numerics/rounding.h"

namespace qarch::numerics {
namespace {

// numpy.matmul shape rules.
struct MatmulPlan {
  std::int64_t m = 1, n = 1, k = 1;
  std::vector<std::int64_t> batch;       // broadcast batch shape
  std::vector<std::int64_t> out_shape;
  std::vector<std::size_t> a_offsets, b_offsets;  // element offset of each batch's matrix
};

MatmulPlan plan_matmul(const NdArray& a, const NdArray& b) {
  if (a.shape.empty() || b.shape.empty()) throw std::invalid_argument("matmul: inputs must have at least 1 dimension");
  for (const NdArray* x : {&a, &b}) {
    for (std::int64_t d : x->shape) {
      if (d == 0) {
        throw std::invalid_argument(fmt::format("matmul: {} has shape {}; every dimension must be at least 1",
                                                x == &a ? "A" : "B", shape_text(x->shape)));
      }
    }
  }
  std::vector<std::int64_t> as = a.shape, bs = b.shape;
  const bool a_vector = as.size() == 1, b_vector = bs.size() == 1;
  if (a_vector) as.insert(as.begin(), 1);
  if (b_vector) bs.push_back(1);
  MatmulPlan p;
  p.m = as[as.size() - 2];
  p.k = as.back();
  p.n = bs.back();
  if (bs[bs.size() - 2] != p.k) {
    throw std::invalid_argument(fmt::format("matmul: A {} and B {} disagree on K ({} vs {})", shape_text(a.shape),
                                            shape_text(b.shape), p.k, bs[bs.size() - 2]));
  }
  const std::size_t a_batch_dims = as.size() - 2, b_batch_dims = bs.size() - 2;
  const std::size_t dims = std::max(a_batch_dims, b_batch_dims);
  p.batch.assign(dims, 1);
  for (std::size_t i = 0; i < dims; ++i) {
    const std::int64_t da = i + a_batch_dims >= dims ? as[i + a_batch_dims - dims] : 1;
    const std::int64_t db = i + b_batch_dims >= dims ? bs[i + b_batch_dims - dims] : 1;
    if (da != db && da != 1 && db != 1) {
      throw std::invalid_argument(fmt::format("matmul: batch dimensions of A {} and B {} do not broadcast",
                                              shape_text(a.shape), shape_text(b.shape)));
    }
    p.batch[i] = std::max(da, db);
  }
  p.out_shape = p.batch;
  if (!a_vector) p.out_shape.push_back(p.m);
  if (!b_vector) p.out_shape.push_back(p.n);
  // Broadcasting makes the output as large as the product of the inputs' sizes:
  // refuse it before the offsets below (one per batch matrix) are allocated.
  check_gemm_size(p.out_shape, p.k);
  std::int64_t batches = 1;
  for (std::int64_t d : p.batch) batches *= d;
  for (std::int64_t flat = 0; flat < batches; ++flat) {
    std::size_t a_index = 0, b_index = 0, a_stride = 1, b_stride = 1;
    std::int64_t rest = flat;
    for (std::size_t i = dims; i-- > 0;) {
      const std::int64_t coord = rest % p.batch[i];
      rest /= p.batch[i];
      if (i + a_batch_dims >= dims) {
        const std::int64_t da = as[i + a_batch_dims - dims];
        a_index += std::size_t(da == 1 ? 0 : coord) * a_stride;
        a_stride *= std::size_t(da);
      }
      if (i + b_batch_dims >= dims) {
        const std::int64_t db = bs[i + b_batch_dims - dims];
        b_index += std::size_t(db == 1 ? 0 : coord) * b_stride;
        b_stride *= std::size_t(db);
      }
    }
    p.a_offsets.push_back(a_index * std::size_t(p.m * p.k));
    p.b_offsets.push_back(b_index * std::size_t(p.k * p.n));
  }
  return p;
}

void require_8bit(const NdArray& x, const char* name) {
  if (x.dtype != DType::kInt8 && x.dtype != DType::kUint8) {
    throw std::invalid_argument(fmt::format("{} must be int8 or uint8 (got {})", name, dtype_name(x.dtype)));
  }
}

// Where the scale/zero-point of row r of A (r counts rows over all batch
// matrices of A) or of column j of batch matrix `matrix` of B lives.
struct AxisIndex {
  std::size_t count = 1, per_matrix = 1;  // values given; rows (A) or columns (B) per matrix
  std::size_t of(std::size_t matrix, std::size_t line) const {
    if (count == 1) return 0;
    if (count == per_matrix) return line;
    return matrix * per_matrix + line;
  }
};

// `counted` names what sets the count in messages: "scales" (QLinearMatMul) or
// "zero-points" (MatMulInteger, which has no scales).
AxisIndex axis_index(const OperandQuantization& q, std::size_t per_matrix, std::size_t matrices, const char* operand,
                     const char* axis, const char* counted) {
  if (q.scale.size() != q.zero_point.size()) {
    throw std::invalid_argument(fmt::format("{}: {} scales but {} zero-points (they must have the same shape)", operand,
                                            q.scale.size(), q.zero_point.size()));
  }
  const std::size_t n = q.scale.size();
  if (n != 1 && n != per_matrix && n != per_matrix * matrices) {
    const std::string per_batch =
        matrices > 1 ? fmt::format(" or {} (per {} of each of the {} batch matrices)", per_matrix * matrices, axis, matrices) : "";
    throw std::invalid_argument(fmt::format("{}: {} {}; allowed: 1 (per tensor), {} (per {}){}", operand, n, counted,
                                            per_matrix, axis, per_batch));
  }
  for (float s : q.scale) {
    if (!(s > 0) || !std::isfinite(s)) throw std::invalid_argument(fmt::format("{} scale must be a positive finite number (got {})", operand, s));
  }
  return {n, per_matrix};
}

// int32 accumulators of every batch, zero-points (per tensor, per row of A,
// per column of B) subtracted.
std::vector<std::int32_t> integer_products(const NdArray& a, const NdArray& b, const OperandQuantization& aq,
                                           const OperandQuantization& bq, const char* counted, MatmulPlan* plan) {
  require_8bit(a, "A");
  require_8bit(b, "B");
  *plan = plan_matmul(a, b);
  const std::size_t m = std::size_t(plan->m), n = std::size_t(plan->n), k = std::size_t(plan->k);
  const AxisIndex ai = axis_index(aq, m, a.element_count() / (m * k), "A", "row", counted);
  const AxisIndex bi = axis_index(bq, n, b.element_count() / (k * n), "B", "column", counted);
  std::vector<std::int16_t> a16, b16;
  for (std::size_t row = 0; row < a.element_count() / k; ++row) {
    const std::vector<std::int16_t> r = subtract_zero_point(a.bytes.data() + row * k, k, a.dtype == DType::kInt8,
                                                            aq.zero_point[ai.of(row / m, row % m)]);
    a16.insert(a16.end(), r.begin(), r.end());
  }
  if (bi.count == 1) {
    b16 = subtract_zero_point(b.bytes.data(), b.element_count(), b.dtype == DType::kInt8, bq.zero_point[0]);
  } else {
    for (int zp : bq.zero_point) subtract_zero_point(nullptr, 0, b.dtype == DType::kInt8, zp);  // range check
    b16.resize(b.element_count());
    for (std::size_t e = 0; e < b.element_count(); ++e) {
      b16[e] = std::int16_t(int(b.element(e)) - bq.zero_point[bi.of(e / (k * n), e % n)]);
    }
  }
  const std::size_t mn = m * n;
  std::vector<std::int32_t> acc(plan->a_offsets.size() * mn);
  for (std::size_t batch = 0; batch < plan->a_offsets.size(); ++batch) {
    matmul_int16_s32(int(m), int(n), int(k), a16.data() + plan->a_offsets[batch], b16.data() + plan->b_offsets[batch],
                     acc.data() + batch * mn);
  }
  return acc;
}

// An infinite multiplier makes acc * multiplier NaN for acc = 0, and casting
// NaN to an integer is undefined. The float32 product and quotient grow with
// each positive scale, so the largest a and b scales give the largest
// multiplier: checking that pair covers every row/column combination.
void check_output_multipliers(const QLinearParams& p) {
  const auto largest = [](const std::vector<float>& scales) {
    return std::size_t(std::max_element(scales.begin(), scales.end()) - scales.begin());
  };
  const std::size_t ia = largest(p.a.scale), ib = largest(p.b.scale);
  const float multiplier = onnx_output_multiplier(p.a.scale[ia], p.b.scale[ib], p.y_scale);
  if (std::isfinite(multiplier)) return;
  const auto name = [](const char* scale, const std::vector<float>& scales, std::size_t i) {
    return scales.size() == 1 ? std::string(scale) : fmt::format("{}[{}]", scale, i);
  };
  throw std::invalid_argument(fmt::format(
      "the requantization multiplier {} * {} / y_scale = {:g} * {:g} / {:g} overflows float32 (largest {:g}); the "
      "scales must keep a_scale * b_scale / y_scale within float32",
      name("a_scale", p.a.scale, ia), name("b_scale", p.b.scale, ib), p.a.scale[ia], p.b.scale[ib], p.y_scale,
      std::numeric_limits<float>::max()));
}

// Zero-points alone, under unit scales (their count is what matters).
OperandQuantization unscaled(const std::vector<int>& zero_points) {
  return {std::vector<float>(zero_points.size(), 1.0f), zero_points};
}

}  // namespace

NdArray matmul_integer(const NdArray& a, const NdArray& b, const std::vector<int>& a_zero_point,
                       const std::vector<int>& b_zero_point) {
  MatmulPlan plan;
  const std::vector<std::int32_t> acc =
      integer_products(a, b, unscaled(a_zero_point), unscaled(b_zero_point), "zero-points", &plan);
  NdArray y = NdArray::zeros(DType::kInt32, plan.out_shape);
  std::memcpy(y.bytes.data(), acc.data(), acc.size() * 4);
  return y;
}

float onnx_output_multiplier(float a_scale, float b_scale, float y_scale) {
  const float ab = a_scale * b_scale;  // float32 arithmetic, as numpy does on float32 arrays
  return ab / y_scale;
}

std::int32_t onnx_requantize(std::int32_t acc, float multiplier, int y_zero_point, int y_min, int y_max) {
  const double scaled = double(acc) * double(multiplier) + double(y_zero_point);
  const double r = std::copysign(round_magnitude(std::fabs(scaled), EncodeOptions{}), scaled);  // ties to even
  return std::int32_t(std::clamp(r, double(y_min), double(y_max)));
}

NdArray qlinear_matmul(const NdArray& a, const NdArray& b, const QLinearParams& p) {
  if (!(p.y_scale > 0) || !std::isfinite(p.y_scale)) {
    throw std::invalid_argument(fmt::format("y_scale must be a positive finite number (got {})", p.y_scale));
  }
  MatmulPlan plan;
  const std::vector<std::int32_t> acc = integer_products(a, b, p.a, p.b, "scales", &plan);
  const bool y_signed = a.dtype == DType::kInt8;
  const int y_min = y_signed ? -128 : 0, y_max = y_signed ? 127 : 255;
  if (p.y_zero_point < y_min || p.y_zero_point > y_max) {
    throw std::invalid_argument(fmt::format("y zero-point {} outside the {} range [{}, {}]", p.y_zero_point,
                                            dtype_name(a.dtype), y_min, y_max));
  }
  const std::size_t m = std::size_t(plan.m), n = std::size_t(plan.n), k = std::size_t(plan.k);
  const AxisIndex ai = axis_index(p.a, m, a.element_count() / (m * k), "A", "row", "scales");
  const AxisIndex bi = axis_index(p.b, n, b.element_count() / (k * n), "B", "column", "scales");
  check_output_multipliers(p);
  NdArray y = NdArray::zeros(a.dtype, plan.out_shape);
  for (std::size_t batch = 0; batch < plan.a_offsets.size(); ++batch) {
    const std::size_t a_matrix = plan.a_offsets[batch] / (m * k), b_matrix = plan.b_offsets[batch] / (k * n);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const float multiplier =
            onnx_output_multiplier(p.a.scale[ai.of(a_matrix, i)], p.b.scale[bi.of(b_matrix, j)], p.y_scale);
        const std::size_t out = (batch * m + i) * n + j;
        y.bytes[out] = std::uint8_t(onnx_requantize(acc[out], multiplier, p.y_zero_point, y_min, y_max) & 0xFF);
      }
    }
  }
  return y;
}

std::vector<double> matmul_dequantized_reference(const NdArray& a, const NdArray& b, const QLinearParams& p) {
  require_8bit(a, "A");
  require_8bit(b, "B");
  const MatmulPlan plan = plan_matmul(a, b);
  const std::size_t m = std::size_t(plan.m), n = std::size_t(plan.n), k = std::size_t(plan.k);
  const AxisIndex ai = axis_index(p.a, m, a.element_count() / (m * k), "A", "row", "scales");
  const AxisIndex bi = axis_index(p.b, n, b.element_count() / (k * n), "B", "column", "scales");
  std::vector<double> out;
  out.reserve(plan.a_offsets.size() * m * n);
  for (std::size_t batch = 0; batch < plan.a_offsets.size(); ++batch) {
    const std::size_t a_matrix = plan.a_offsets[batch] / (m * k), b_matrix = plan.b_offsets[batch] / (k * n);
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t ia = ai.of(a_matrix, i);
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t ib = bi.of(b_matrix, j);
        double sum = 0;
        for (std::size_t q = 0; q < k; ++q) {
          const double av = (a.element(plan.a_offsets[batch] + i * k + q) - p.a.zero_point[ia]) * double(p.a.scale[ia]);
          const double bv = (b.element(plan.b_offsets[batch] + q * n + j) - p.b.zero_point[ib]) * double(p.b.scale[ib]);
          sum += av * bv;
        }
        out.push_back(sum);
      }
    }
  }
  return out;
}

// TFLite QuantizeMultiplier (tensorflow/lite/kernels/internal/quantization_util.cc).
QuantizedMultiplier quantize_multiplier(double real_multiplier) {
  if (!(real_multiplier >= 0) || !std::isfinite(real_multiplier)) {
    throw std::invalid_argument(fmt::format("requantization multiplier {} must be finite and >= 0", real_multiplier));
  }
  QuantizedMultiplier m;
  if (real_multiplier == 0.0) return m;
  const double q = std::frexp(real_multiplier, &m.shift);  // q in [0.5, 1)
  std::int64_t q_fixed = std::int64_t(std::round(q * double(1ll << 31)));  // std::round: half away from zero
  if (q_fixed == (1ll << 31)) {
    q_fixed /= 2;
    ++m.shift;
  }
  if (m.shift < -31) {
    m.shift = 0;
    q_fixed = 0;
  }
  if (m.shift > 30) throw std::invalid_argument(fmt::format("requantization multiplier {} too large", real_multiplier));
  m.multiplier = std::int32_t(q_fixed);
  return m;
}

// gemmlowp fixedpoint.h SaturatingRoundingDoublingHighMul.
std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  if (a == b && a == std::numeric_limits<std::int32_t>::min()) return std::numeric_limits<std::int32_t>::max();
  const std::int64_t ab = std::int64_t(a) * std::int64_t(b);
  const std::int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
  return std::int32_t((ab + nudge) / (1ll << 31));  // C++ division truncates toward zero
}

// gemmlowp fixedpoint.h RoundingDivideByPOT.
std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
  const std::int32_t mask = std::int32_t((1ll << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// tensorflow/lite/kernels/internal/common.h MultiplyByQuantizedMultiplier.
std::int32_t multiply_by_quantized_multiplier(std::int32_t x, QuantizedMultiplier m) {
  const int left_shift = m.shift > 0 ? m.shift : 0;
  const int right_shift = m.shift > 0 ? 0 : -m.shift;
  const std::int64_t shifted = std::int64_t(x) * (std::int64_t{1} << left_shift);
  const std::int32_t x_shifted = std::int32_t(std::clamp<std::int64_t>(shifted, INT32_MIN, INT32_MAX));
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x_shifted, m.multiplier), right_shift);
}

std::int8_t tflite_requantize_int8(std::int32_t acc, QuantizedMultiplier m, int output_zero_point, int act_min,
                                   int act_max) {
  const std::int64_t v = std::int64_t(multiply_by_quantized_multiplier(acc, m)) + output_zero_point;
  return std::int8_t(std::clamp<std::int64_t>(v, act_min, act_max));
}

}  // namespace qarch::numerics

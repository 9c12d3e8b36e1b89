#include "models/numerics/int_gemm.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "common/checked_math.h"
#include "models/numerics/npy.h"

namespace qarch::numerics {
namespace {

// Products fit in int32 (|x| <= 255 after zero-point subtraction); the sum is
// taken in uint32 so the modulo-2^32 wrap is defined behaviour.
inline std::uint32_t dot_int16(const std::int16_t* __restrict a, const std::int16_t* __restrict b, int k) {
  std::uint32_t sum = 0;
  for (int p = 0; p < k; ++p) sum += std::uint32_t(std::int32_t(a[p]) * std::int32_t(b[p]));
  return sum;
}

constexpr int kBlockK = 512;  // 1 KiB of int16 per row slice: the B^T block (64 x 1 KiB) stays in L2
constexpr int kBlockN = 64;    // columns of B (rows of B^T) reused across all rows of A

}  // namespace

void check_gemm_size(const std::vector<std::int64_t>& out_shape, std::int64_t k) {
  std::optional<std::int64_t> outputs = 1;
  for (std::int64_t d : out_shape) outputs = outputs ? checked_multiply(*outputs, d) : std::nullopt;
  if (!outputs || *outputs > kMaxGemmOutputs) {
    throw std::invalid_argument(fmt::format("matmul: the output {} has {} elements; at most {} (2^26) are computed",
                                            shape_text(out_shape), outputs ? fmt::to_string(*outputs) : "over 2^63",
                                            kMaxGemmOutputs));
  }
  const std::optional<std::int64_t> macs = checked_multiply(*outputs, k);
  if (!macs || *macs > kMaxGemmMacs) {
    throw std::invalid_argument(fmt::format("matmul: the output {} with K = {} takes {} multiply-adds; at most {} "
                                            "(2^36, e.g. 4096 x 4096 x 4096) are computed",
                                            shape_text(out_shape), k, macs ? fmt::to_string(*macs) : "over 2^63",
                                            kMaxGemmMacs));
  }
}

void matmul_int16_s32(int m, int n, int k, const std::int16_t* a, const std::int16_t* b, std::int32_t* c) {
  // B^T so that every dot product reads two contiguous int16 rows.
  // Transposed in 64x64 tiles so both the reads and the writes stay in cache.
  std::vector<std::int16_t> bt(std::size_t(n) * k);
  constexpr int kTile = 64;
  for (int p0 = 0; p0 < k; p0 += kTile) {
    for (int j0 = 0; j0 < n; j0 += kTile) {
      const int p1 = std::min(k, p0 + kTile), j1 = std::min(n, j0 + kTile);
      for (int p = p0; p < p1; ++p) {
        for (int j = j0; j < j1; ++j) bt[std::size_t(j) * k + p] = b[std::size_t(p) * n + j];
      }
    }
  }
  std::vector<std::uint32_t> acc(std::size_t(m) * n, 0u);
  for (int k0 = 0; k0 < k; k0 += kBlockK) {
    const int kb = std::min(kBlockK, k - k0);
    for (int j0 = 0; j0 < n; j0 += kBlockN) {
      const int j1 = std::min(n, j0 + kBlockN);
      for (int i = 0; i < m; ++i) {
        const std::int16_t* arow = a + std::size_t(i) * k + k0;
        std::uint32_t* crow = acc.data() + std::size_t(i) * n;
        for (int j = j0; j < j1; ++j) crow[j] += dot_int16(arow, bt.data() + std::size_t(j) * k + k0, kb);
      }
    }
  }
  for (std::size_t i = 0; i < acc.size(); ++i) c[i] = std::int32_t(acc[i]);
}

std::vector<std::int16_t> subtract_zero_point(const std::uint8_t* raw, std::size_t count, bool is_signed,
                                              int zero_point) {
  const int lo = is_signed ? -128 : 0, hi = is_signed ? 127 : 255;
  if (zero_point < lo || zero_point > hi) {
    throw std::invalid_argument(
        fmt::format("zero-point {} outside the {} range [{}, {}]", zero_point, is_signed ? "int8" : "uint8", lo, hi));
  }
  std::vector<std::int16_t> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    const int v = is_signed ? int(std::int8_t(raw[i])) : int(raw[i]);
    out[i] = std::int16_t(v - zero_point);
  }
  return out;
}

int Conv2dShape::out_height() const {
  return (in_height + pad_top + pad_bottom - dilation_h * (kernel_height - 1) - 1) / stride_h + 1;
}
int Conv2dShape::out_width() const {
  return (in_width + pad_left + pad_right - dilation_w * (kernel_width - 1) - 1) / stride_w + 1;
}

void Conv2dShape::validate() const {
  const std::pair<const char*, int> positive[] = {
      {"batch", batch},         {"in_channels", in_channels},     {"in_height", in_height},
      {"in_width", in_width},   {"out_channels", out_channels},   {"kernel_height", kernel_height},
      {"kernel_width", kernel_width}, {"stride_h", stride_h},     {"stride_w", stride_w},
      {"dilation_h", dilation_h}, {"dilation_w", dilation_w},     {"groups", groups}};
  for (const auto& [name, v] : positive) {
    if (v <= 0) throw std::invalid_argument(fmt::format("conv2d: {} must be > 0 (got {})", name, v));
  }
  if (pad_top < 0 || pad_left < 0 || pad_bottom < 0 || pad_right < 0) {
    throw std::invalid_argument("conv2d: padding must be >= 0");
  }
  if (in_channels % groups != 0 || out_channels % groups != 0) {
    throw std::invalid_argument(fmt::format("conv2d: groups {} must divide in_channels {} and out_channels {}", groups,
                                            in_channels, out_channels));
  }
  if (out_height() <= 0 || out_width() <= 0) {
    throw std::invalid_argument(fmt::format("conv2d: kernel {}x{} (dilation {}x{}) is larger than the padded input {}x{}",
                                            kernel_height, kernel_width, dilation_h, dilation_w,
                                            in_height + pad_top + pad_bottom, in_width + pad_left + pad_right));
  }
}

template <typename T>
void im2col(const Conv2dShape& s, const T* input, int nb, int g, T padding, T* columns) {
  const int oh = s.out_height(), ow = s.out_width(), icg = s.in_channels / s.groups;
  const std::size_t pixels = std::size_t(oh) * ow;
  for (int c = 0; c < icg; ++c) {
    const T* plane = input + ((std::size_t(nb) * s.in_channels + std::size_t(g) * icg + c) * s.in_height) * s.in_width;
    for (int ky = 0; ky < s.kernel_height; ++ky) {
      for (int kx = 0; kx < s.kernel_width; ++kx) {
        T* row = columns + (std::size_t(c * s.kernel_height + ky) * s.kernel_width + kx) * pixels;
        for (int oy = 0; oy < oh; ++oy) {
          const int iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          for (int ox = 0; ox < ow; ++ox) {
            const int ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
            const bool inside = iy >= 0 && iy < s.in_height && ix >= 0 && ix < s.in_width;
            row[oy * ow + ox] = inside ? plane[std::size_t(iy) * s.in_width + ix] : padding;
          }
        }
      }
    }
  }
}
template void im2col<std::int16_t>(const Conv2dShape&, const std::int16_t*, int, int, std::int16_t, std::int16_t*);
template void im2col<std::uint32_t>(const Conv2dShape&, const std::uint32_t*, int, int, std::uint32_t, std::uint32_t*);

std::vector<std::int32_t> conv2d_int16_s32(const Conv2dShape& s, const std::int16_t* input, const std::int16_t* weights) {
  s.validate();
  const int oh = s.out_height(), ow = s.out_width();
  const int icg = s.in_channels / s.groups, ocg = s.out_channels / s.groups;
  const int kdim = icg * s.kernel_height * s.kernel_width;  // GEMM K
  const int pixels = oh * ow;                               // GEMM N
  std::vector<std::int32_t> out(std::size_t(s.batch) * s.out_channels * pixels);
  std::vector<std::int16_t> columns(std::size_t(kdim) * pixels);
  std::vector<std::int32_t> tile(std::size_t(ocg) * pixels);
  for (int nb = 0; nb < s.batch; ++nb) {
    for (int g = 0; g < s.groups; ++g) {
      im2col(s, input, nb, g, std::int16_t{0}, columns.data());
      matmul_int16_s32(ocg, pixels, kdim, weights + std::size_t(g) * ocg * kdim, columns.data(), tile.data());
      std::copy(tile.begin(), tile.end(), out.begin() + (std::size_t(nb) * s.out_channels + std::size_t(g) * ocg) * pixels);
    }
  }
  return out;
}

}  // namespace qarch::numerics

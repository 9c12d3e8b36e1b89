// Speed of the numerics library: FP8 decode, the functional INT8 GEMM and
// the FP8 / MX GEMMs. Targets (scripts/bench_targets.txt): FP8 decode >= 200 M
// values/s, INT8 GEMM >= 1 GMAC/s on one core; FP8 and MX GEMM: reported only.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "models/numerics/element_codec.h"
#include "models/numerics/float_gemm.h"
#include "models/numerics/npy.h"
#include "models/numerics/quantized_matmul.h"

namespace {

using namespace qarch::numerics;

void BM_Fp8Decode(benchmark::State& state) {
  const ElementCodec e4m3 = ElementCodec::for_format("fp8-e4m3");
  std::vector<std::uint8_t> codes(1 << 20);
  std::mt19937 rng(1);
  for (auto& c : codes) c = std::uint8_t(rng());
  std::vector<float> out(codes.size());
  for (auto _ : state) {
    e4m3.decode_bytes(codes.data(), codes.size(), out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(codes.size()));
}
BENCHMARK(BM_Fp8Decode);

void BM_Fp8EncodeNearestEven(benchmark::State& state) {
  const ElementCodec e4m3 = ElementCodec::for_format("fp8-e4m3");
  std::vector<double> values(1 << 16);
  std::mt19937_64 rng(2);
  std::normal_distribution<double> normal(0.0, 10.0);
  for (auto& v : values) v = normal(rng);
  for (auto _ : state) {
    std::uint32_t sum = 0;
    for (double v : values) sum += e4m3.encode(v);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(values.size()));
}
BENCHMARK(BM_Fp8EncodeNearestEven);

// ONNX MatMulInteger on int8 [M,K] x [K,N]: zero-point subtraction, the
// cache-blocked int32-accumulating kernel and the output copy. Items = MACs.
void BM_Int8GemmFunctional(benchmark::State& state) {
  const int m = int(state.range(0)), n = int(state.range(1)), k = int(state.range(2));
  NdArray a = NdArray::zeros(DType::kInt8, {m, k});
  NdArray b = NdArray::zeros(DType::kInt8, {k, n});
  std::mt19937 rng(3);
  for (auto& x : a.bytes) x = std::uint8_t(rng());
  for (auto& x : b.bytes) x = std::uint8_t(rng());
  for (auto _ : state) {
    NdArray y = matmul_integer(a, b, {3}, {-2});
    benchmark::DoNotOptimize(y.bytes.data());
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * m * n * k);
}
BENCHMARK(BM_Int8GemmFunctional)->Args({256, 256, 1024})->Args({64, 512, 4096})->Unit(benchmark::kMillisecond);

// FP8 E4M3 x E4M3 with FP32 accumulation in k order (matmul_float_format):
// decode, the vectorised float kernel, the output. Items = MACs.
void BM_Fp8GemmFunctional(benchmark::State& state) {
  const int m = int(state.range(0)), n = int(state.range(1)), k = int(state.range(2));
  const ElementCodec e4m3 = ElementCodec::for_format("fp8-e4m3");
  std::mt19937 rng(4);
  const auto codes = [&](std::size_t count) {
    std::vector<std::uint32_t> c;
    while (c.size() < count) {
      const std::uint32_t code = rng() & 0xFF;
      if (!e4m3.is_nan(code)) c.push_back(code);
    }
    return c;
  };
  const std::vector<std::uint32_t> a = codes(std::size_t(m) * k), b = codes(std::size_t(k) * n);
  for (auto _ : state) {
    std::vector<double> y = matmul_float_format(m, n, k, a.data(), "fp8-e4m3", b.data(), "fp8-e4m3", "fp32");
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * m * n * k);
}
BENCHMARK(BM_Fp8GemmFunctional)->Args({256, 256, 1024})->Unit(benchmark::kMillisecond);

// MXFP8 E4M3 x MXFP8 E4M3 (exact 128-bit block sums, FP32 across blocks). Items = MACs.
void BM_Mxfp8GemmFunctional(benchmark::State& state) {
  const int m = int(state.range(0)), n = int(state.range(1)), k = int(state.range(2));
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> a(std::size_t(m) * k), bt(std::size_t(n) * k);
  for (auto& x : a) x = normal(rng);
  for (auto& x : bt) x = normal(rng);
  const Quantizer q(block_format_quantizer("mxfp8-e4m3"));
  const QuantizedTensor qa = q.quantize(a, m, k), qb = q.quantize(bt, n, k);
  for (auto _ : state) {
    std::vector<double> y = matmul_block_format(qa, "mxfp8-e4m3", qb, "mxfp8-e4m3", "fp32");
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * m * n * k);
}
BENCHMARK(BM_Mxfp8GemmFunctional)->Args({64, 64, 1024})->Unit(benchmark::kMillisecond);

}  // namespace

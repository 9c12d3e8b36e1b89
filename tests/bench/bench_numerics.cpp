// Speed of the numerics library: FP8 decode and the functional INT8 GEMM.
// Targets (scripts/bench_targets.txt): FP8 decode >= 200 M values/s,
// INT8 GEMM >= 1 GMAC/s on one core.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "models/numerics/element_codec.h"
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
    NdArray y = matmul_integer(a, b, 3, -2);
    benchmark::DoNotOptimize(y.bytes.data());
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * m * n * k);
}
BENCHMARK(BM_Int8GemmFunctional)->Args({256, 256, 1024})->Args({64, 512, 4096})->Unit(benchmark::kMillisecond);

}  // namespace

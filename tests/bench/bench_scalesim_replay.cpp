// Time to replay one layer through the SCALE-Sim v2 USER-bandwidth scratchpad
// model on 32x32, 64/64/64 kB, 10 words/cycle: AlexNet Conv2 (SCALE-Sim itself
// needs minutes for it, see ../shared/reference/scalesim/timings.csv) and the
// Linear1 row of SCALE-Sim's GPT-2 GEMM topology
// (tests/data/scalesim/topologies/gpt2.csv: M=1024, N=4800, K=1600).
#include <benchmark/benchmark.h>

#include "sim/scalesim/user_bandwidth_replay.h"

namespace {

using qarch::compute::Dataflow;
using namespace qarch::sim::scalesim;

const ConvLayer kAlexNetConv2{27, 27, 5, 5, 96, 256, 1};
const ConvLayer kGpt2Linear1{1024, 1600, 1, 1600, 1, 4800, 1};  // GEMM M,N,K = 1024,4800,1600

void replay_layer(benchmark::State& state, const ConvLayer& layer, Dataflow dataflow) {
  const ScratchpadSetup setup{32, 32, dataflow, 65536, 65536, 65536, 10};
  for (auto _ : state) {
    auto result = replay_user_bandwidth(layer, setup);
    benchmark::DoNotOptimize(result.total_cycles);
  }
  state.SetItemsProcessed(state.iterations());  // layers
}

void BM_ScaleSimReplayAlexNetL1WsBw10(benchmark::State& state) {
  replay_layer(state, kAlexNetConv2, Dataflow::kWeightStationary);
}
void BM_ScaleSimReplayAlexNetL1OsBw10(benchmark::State& state) {
  replay_layer(state, kAlexNetConv2, Dataflow::kOutputStationary);
}
void BM_ScaleSimReplayGpt2Linear1OsBw10(benchmark::State& state) {
  replay_layer(state, kGpt2Linear1, Dataflow::kOutputStationary);
}
BENCHMARK(BM_ScaleSimReplayAlexNetL1WsBw10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleSimReplayAlexNetL1OsBw10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleSimReplayGpt2Linear1OsBw10)->Unit(benchmark::kMillisecond);

}  // namespace

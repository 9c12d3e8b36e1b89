// Time to replay one layer through the SCALE-Sim v2 USER-bandwidth scratchpad
// model (AlexNet Conv2 on 32x32, 64/64/64 kB, 10 words/cycle; SCALE-Sim itself
// needs minutes for it, see ../shared/reference/scalesim/timings.csv).
#include <benchmark/benchmark.h>

#include "sim/scalesim/user_bandwidth_replay.h"

namespace {

using qarch::compute::Dataflow;
using namespace qarch::sim::scalesim;

const ConvLayer kAlexNetConv2{27, 27, 5, 5, 96, 256, 1};

void replay_layer(benchmark::State& state, Dataflow dataflow) {
  const ScratchpadSetup setup{32, 32, dataflow, 65536, 65536, 65536, 10};
  for (auto _ : state) {
    auto result = replay_user_bandwidth(kAlexNetConv2, setup);
    benchmark::DoNotOptimize(result.total_cycles);
  }
  state.SetItemsProcessed(state.iterations());  // layers
}

void BM_ScaleSimReplayAlexNetL1WsBw10(benchmark::State& state) {
  replay_layer(state, Dataflow::kWeightStationary);
}
void BM_ScaleSimReplayAlexNetL1OsBw10(benchmark::State& state) {
  replay_layer(state, Dataflow::kOutputStationary);
}
BENCHMARK(BM_ScaleSimReplayAlexNetL1WsBw10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScaleSimReplayAlexNetL1OsBw10)->Unit(benchmark::kMillisecond);

}  // namespace

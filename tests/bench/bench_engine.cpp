// Engine speed: whole `qarch run` processes on the SCALE-Sim reference
// topologies (process start included, as in SCALE-Sim's wall times). A run
// elaborates SystemC once, so each iteration is a child process.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

namespace {

const std::string kData = QARCH_TEST_DATA_DIR "/scalesim";

void RunScaleSim(benchmark::State& state, const std::string& topology, const std::string& config, bool gemm) {
  const std::string cmd = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ") + QARCH_BINARY +
                          " run -q --scalesim-config " + kData + "/configs/" + config + ".cfg --topology " + kData +
                          "/topologies/" + topology + ".csv" + (gemm ? " --gemm" : "") + " >/dev/null";
  for (auto _ : state) {
    if (std::system(cmd.c_str()) != 0) {
      state.SkipWithError("qarch run failed");
      break;
    }
  }
}

}  // namespace

// name: RunScaleSim/<topology>/<config>, as in tests/data/scalesim/timings.csv.
#define QARCH_SCALESIM_BENCH(topo, cfg, gemm) \
  BENCHMARK_CAPTURE(RunScaleSim, topo/cfg, #topo, #cfg, gemm)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5)

QARCH_SCALESIM_BENCH(alexnet, 32x32_os, false);
QARCH_SCALESIM_BENCH(alexnet, 32x32_ws, false);
QARCH_SCALESIM_BENCH(alexnet, 32x32_is, false);
QARCH_SCALESIM_BENCH(alexnet, 128x128_os, false);
QARCH_SCALESIM_BENCH(alexnet, 128x128_ws, false);
QARCH_SCALESIM_BENCH(alexnet, 128x128_is, false);
QARCH_SCALESIM_BENCH(Resnet18, 32x32_os, false);
QARCH_SCALESIM_BENCH(Resnet18, 32x32_ws, false);
QARCH_SCALESIM_BENCH(Resnet18, 32x32_is, false);
QARCH_SCALESIM_BENCH(Resnet18, 128x128_os, false);
QARCH_SCALESIM_BENCH(mobilenet, 32x32_os, false);
QARCH_SCALESIM_BENCH(mobilenet, 32x32_ws, false);
QARCH_SCALESIM_BENCH(mobilenet, 32x32_is, false);
QARCH_SCALESIM_BENCH(gpt2, 128x128_os, true);
QARCH_SCALESIM_BENCH(gpt2, 128x128_ws, true);
QARCH_SCALESIM_BENCH(gpt2, 128x128_is, true);
QARCH_SCALESIM_BENCH(gpt2_L0-L1, 32x32_os, true);
QARCH_SCALESIM_BENCH(gpt2_L0-L1, 32x32_ws, true);
QARCH_SCALESIM_BENCH(gpt2_L0-L1, 32x32_is, true);
QARCH_SCALESIM_BENCH(synthetic_dp_check, 32x32_os, false);
QARCH_SCALESIM_BENCH(alexnet_L0-L2, 32x32_ws_user_bw10, false);

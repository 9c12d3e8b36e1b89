// Engine speed: whole `qarch run` processes on the SCALE-Sim reference
// topologies (process start included, as in SCALE-Sim's wall times). A run
// elaborates SystemC once, so each iteration is a child process.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace {

const std::string kData = QARCH_TEST_DATA_DIR "/scalesim";

// Starts qarch directly (no shell, as SCALE-Sim was timed) with stdout on
// /dev/null and waits for it; returns its exit status.
int spawn_qarch(const std::vector<std::string>& args) {
  std::vector<char*> argv{const_cast<char*>(QARCH_BINARY)};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  char env_banner[] = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1";
  char* envp[] = {env_banner, nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, QARCH_BINARY, &actions, nullptr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void RunScaleSim(benchmark::State& state, const std::string& topology, const std::string& config, bool gemm) {
  std::vector<std::string> args{"run", "-q", "--scalesim-config", kData + "/configs/" + config + ".cfg",
                                "--topology", kData + "/topologies/" + topology + ".csv"};
  if (gemm) args.push_back("--gemm");
  for (auto _ : state) {
    if (spawn_qarch(args) != 0) {
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

#include <catch2/catch.hpp>

#include "common/input_error.h"
#include "sim/mapper.h"
#include "workloads/trace.h"

using namespace qarch;

TEST_CASE("depthwise convolutions become one pass per channel, as SCALE-Sim expands DP layers") {
  const auto w = workloads::load_trace_yaml_text(
      "name: d\nops:\n  - {name: dw, type: depthwise_conv2d, c: 4, h: 14, w: 14, k: 1, r: 3, s: 3}\n", "t.yaml");
  const auto plans = sim::plan_workload(w, sim::builtin_accelerator());
  REQUIRE(plans[0].passes.size() == 4);
  CHECK(plans[0].passes[3].label == "dwChannel_3");
  CHECK(plans[0].passes[0].k == 9);
  CHECK(plans[0].passes[0].m == 144);
}

TEST_CASE("an op whose format pair the array lacks is an error naming the supported pairs") {
  const auto w = workloads::load_trace_yaml_text(
      "name: f\nops:\n  - {name: g, type: gemm, m: 8, n: 8, k: 8, weights: {format: fp8-e4m3}}\n", "t.yaml");
  CHECK_THROWS_WITH(sim::plan_workload(w, sim::builtin_accelerator()),
                    Catch::Contains("op 'g' needs weights fp8-e4m3 x inputs int8") &&
                        Catch::Contains("supported: int8 x int8, int4 x int8"));
}

TEST_CASE("reuse traffic: a resident operand is read from DRAM once, a large one per fold") {
  // 64x64x64 int8 GEMM on 32x32 ws: every operand fits half of 64 KiB.
  const auto small = workloads::load_trace_yaml_text("name: s\nops:\n  - {name: g, type: gemm, m: 64, n: 64, k: 64}\n", "t.yaml");
  const auto config = sim::builtin_accelerator();
  const auto plans = sim::plan_workload(small, config);
  const auto sched = sim::make_fold_schedule(plans[0].passes[0], config);
  std::uint64_t ifmap = 0, filter = 0, ofmap = 0;
  for (std::int64_t f = 0; f < sched->folds(); ++f) {
    const auto w = sched->fold(f);
    ifmap += w.ifmap_read_bytes;
    filter += w.filter_read_bytes;
    ofmap += w.ofmap_write_bytes;
  }
  CHECK(sched->folds() == 4);
  CHECK(ifmap == 64 * 64);
  CHECK(filter == 64 * 64);
  CHECK(ofmap == 64 * 64);
  // m = 1024: the 64 KiB input does not fit 32 KiB, so each of the 2 column
  // folds re-reads it: 2 * 1024 * 64 bytes.
  const auto big = workloads::load_trace_yaml_text("name: b\nops:\n  - {name: g, type: gemm, m: 1024, n: 64, k: 64}\n", "t.yaml");
  const auto bplans = sim::plan_workload(big, config);
  const auto bsched = sim::make_fold_schedule(bplans[0].passes[0], config);
  ifmap = 0;
  for (std::int64_t f = 0; f < bsched->folds(); ++f) ifmap += bsched->fold(f).ifmap_read_bytes;
  CHECK(ifmap == 2 * 1024 * 64);
}

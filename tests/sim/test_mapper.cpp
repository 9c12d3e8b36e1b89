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

TEST_CASE("an operand read once in fold order is one contiguous range: each slice starts where the previous ended") {
  // 128 x 2560 x 512 GEMM, int4 weights (655,360 B in 20 x 80 weight tiles on
  // the 32x32 ws array). Tiles are stored in fetch order, so tile g + 1 begins
  // at the byte where tile g ends; before, each tile's share was rounded on
  // its own and tiles began a byte off (tile 3 at 3073 after tile 2 ended at
  // 3072), which flash served as random reads.
  const auto w = workloads::load_trace_yaml_text(
      "name: t\nops:\n  - {name: g, type: gemm, m: 128, n: 2560, k: 512, weights: {format: int4}}\n", "t.yaml");
  for (const auto dataflow : {compute::Dataflow::kWeightStationary, compute::Dataflow::kOutputStationary}) {
    auto config = sim::builtin_accelerator();
    config.array.shape.dataflow = dataflow;
    INFO(compute::to_string(dataflow));
    const auto plans = sim::plan_workload(w, config);
    const auto sched = sim::make_fold_schedule(plans[0].passes[0], config);
    std::uint64_t next = 0;
    for (std::int64_t f = 0; f < sched->folds(); ++f) {
      const auto fold = sched->fold(f);
      if (fold.filter_read_bytes == 0) continue;
      INFO("fold " << f);
      REQUIRE(fold.filter_offset == next);
      next += fold.filter_read_bytes;
    }
    CHECK(next == 2560 * 512 / 2);
  }
}

TEST_CASE("DRAM traffic carries the quantization scales of groups and channels and block formats") {
  // int4 weights with one fp16 scale per 128 weights along k: 4 + 16/128 =
  // 4.125 bits per weight; per-channel int8 with fp32 scales adds 32 bits per
  // output channel; mxfp4 is 4 + 8/32 = 4.25 bits (OCP MX v1.0: E8M0 scale per 32).
  const auto w = workloads::load_trace_yaml_text(R"(name: s
ops:
  - {name: g, type: gemm, m: 16, n: 256, k: 512, weights: {format: int4, granularity: group, group_size: 128, scale_format: fp16}}
  - {name: c, type: gemm, m: 16, n: 256, k: 512, weights: {format: int8, granularity: channel, scale_format: fp32}}
  - {name: t, type: gemm, m: 16, n: 256, k: 512, weights: {format: int8}}
)", "t.yaml");
  auto config = sim::builtin_accelerator();
  const auto plans = sim::plan_workload(w, config);
  CHECK(plans[0].passes[0].filter_bytes == Approx(512.0 * 256 * 4.125 / 8));
  CHECK(plans[1].passes[0].filter_bytes == Approx(512.0 * 256 + 256 * 4));
  CHECK(plans[2].passes[0].filter_bytes == Approx(512.0 * 256));  // per-tensor scale: a register
  config.array.formats.push_back({"mxfp4", "int8", "fp32", 1});
  const auto mx = workloads::load_trace_yaml_text(
      "name: m\nops:\n  - {name: g, type: gemm, m: 16, n: 256, k: 512, weights: {format: mxfp4}}\n", "t.yaml");
  CHECK(sim::plan_workload(mx, config)[0].passes[0].filter_bytes == Approx(512.0 * 256 * 4.25 / 8));
}

TEST_CASE("SRAM reads count the elements read, also when a PE packs two MACs per cycle") {
  // int4 weights x int8 inputs run 2 MACs per PE per cycle: 64x512x512 maps
  // 512 / 2 = 256 reduction steps, but every step reads 2 elements, so each
  // of the 64x512 inputs and 512x512 weights is still read whole.
  const auto w = workloads::load_trace_yaml_text(
      "name: p\nops:\n  - {name: g, type: gemm, m: 64, n: 512, k: 512, weights: {format: int4}}\n", "t.yaml");
  SECTION("ws: Sr = 256 steps -> 8 row folds, Sc = n = 512 -> 16 column folds") {
    const auto p = sim::plan_workload(w, sim::builtin_accelerator())[0].passes[0];
    CHECK(p.sram_ifmap_reads == 16 * 64 * 512);   // every input once per column fold: 524,288
    CHECK(p.sram_filter_reads == 512 * 512);      // every weight once: 262,144
    CHECK(p.sram_ofmap_writes == 8 * 64 * 512);   // one write per output per row fold
  }
  SECTION("os: Sr = m = 64 -> 2 row folds, Sc = n = 512 -> 16 column folds") {
    const auto p = sim::plan_workload(w, sim::builtin_accelerator({"compute.systolic_array.dataflow=os"}))[0].passes[0];
    CHECK(p.sram_ifmap_reads == 16 * 64 * 512);   // inputs once per column fold
    CHECK(p.sram_filter_reads == 2 * 512 * 512);  // weights once per row fold
    CHECK(p.sram_ofmap_writes == 64 * 512);
  }
  SECTION("is: Sr = 256 steps -> 8 row folds, Sc = m = 64 -> 2 column folds") {
    const auto p = sim::plan_workload(w, sim::builtin_accelerator({"compute.systolic_array.dataflow=is"}))[0].passes[0];
    CHECK(p.sram_ifmap_reads == 64 * 512);        // every input once
    CHECK(p.sram_filter_reads == 2 * 512 * 512);  // weights once per column fold
    CHECK(p.sram_ofmap_writes == 8 * 64 * 512);
  }
}

TEST_CASE("a grouped operand with more than 2^31 elements along a row is sized, not cut to an int") {
  // k = 2^32 was narrowed to 0: "tensor shape 256x0 is empty".
  const auto w = workloads::load_trace_yaml_text(
      "name: s\nops:\n  - {name: g, type: gemm, m: 1, n: 4, k: 4294967296, weights: {format: int4, granularity: group, "
      "group_size: 128, scale_format: fp16}}\n", "t.yaml");
  CHECK(sim::plan_workload(w, sim::builtin_accelerator())[0].passes[0].filter_bytes ==
        Approx(4294967296.0 * 4 * 4.125 / 8));
}

TEST_CASE("operands beyond their stream's address space are refused at the op that passes it, not wrapped") {
  // The stand-in DRAM addresses 4 TiB, 1 TiB (2^40 B) per operand stream: a
  // 2^20 x 2^20 int8 input fills the inputs' stream exactly.
  const auto config = sim::builtin_accelerator();
  const auto fits = workloads::load_trace_yaml_text(
      "name: s\nops:\n  - {name: g, type: gemm, m: 1048576, n: 1, k: 1048576}\n", "t.yaml");
  CHECK(sim::plan_workload(fits, config)[0].passes[0].ifmap_stride == std::uint64_t{1} << 40);
  // Placed after another op's 64 B (each op's operands are its own, a burst
  // or cache line apart), it needs 2^40 + 64 B.
  const auto over = workloads::load_trace_yaml_text(
      "name: s\nops:\n  - {name: a, type: gemm, m: 1, n: 1, k: 1}\n  - {name: g, type: gemm, m: 1048576, n: 1, k: 1048576}\n",
      "t.yaml");
  CHECK_THROWS_WITH(sim::plan_workload(over, config),
                    "t.yaml:4: ops[1]: with this op the workload's inputs need 1099511627840 B (1 TiB), more than the "
                    "1099511627776 B (1 TiB) their stream has: a quarter of the 4 TiB the bandwidth-only DRAM "
                    "addresses (built-in:21: dram, no preset); allowed: at most 1099511627776 B of inputs over all ops "
                    "(each op's operands are its own)");
}

TEST_CASE("small operands take 64 B each, not a 4 KiB page: a large batch of tiny GEMMs fits the DRAM") {
  // 65536 repeats of a 1 x 1 x 1 int8 GEMM: 1 B of output and 4 B of partial
  // sums each. With 4 KiB per repeat they claimed 512 MiB and hbm2 refused them.
  auto config = sim::builtin_accelerator({"dram={preset: hbm2}"});
  const auto batch = workloads::load_trace_yaml_text(
      "name: s\nops:\n  - {name: g, type: gemm, batch: 65536, m: 1, n: 1, k: 1}\n", "t.yaml");
  const auto plans = sim::plan_workload(batch, config);
  CHECK(plans[0].passes[0].ofmap_stride == 2 * 64);  // the output's line, then its partial sums
  CHECK(plans[0].passes[0].ifmap_stride == 64);
}

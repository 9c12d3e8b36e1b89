// Engine tests: each TEST_CASE elaborates one SystemC model, and
// catch_discover_tests runs each case in its own process.
#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>

#include "sim/accelerator_config.h"
#include "sim/run.h"
#include "workloads/trace.h"

using namespace qarch;

namespace {
workloads::Workload gemm(int m, int n, int k, const std::string& wfmt = "int8") {
  return workloads::load_trace_yaml_text(
      "name: g\nops:\n  - {name: g, type: gemm, m: " + std::to_string(m) + ", n: " + std::to_string(n) +
          ", k: " + std::to_string(k) + ", weights: {format: " + wfmt + "}}\n",
      "t.yaml");
}
}  // namespace

TEST_CASE("with unlimited DRAM bandwidth the engine spends exactly the closed-form fold cycles") {
  const auto config = sim::builtin_accelerator({"dram.bandwidth=unlimited", "dram.latency=0 ns"});
  const auto r = sim::run_simulation(config, gemm(200, 100, 70));
  // ws on 32x32: Sr = 70 -> 3 row folds, Sc = 100 -> 4 column folds,
  // L = 2*32 + 32 + 200 - 2 = 294 cycles.
  CHECK(r.total_cycles == 12 * 294);
  CHECK(r.stall_cycles == 0);
  CHECK(r.activity.macs() == 200ull * 100 * 70);
  CHECK(r.ops[0].activity.macs_by_format_pair.at("int8*int8->int32") == 200ull * 100 * 70);
}

TEST_CASE("a bandwidth-starved run is DRAM-bound: time follows bytes / bandwidth") {
  // 1 GB/s = 1 byte per cycle at 1 GHz; a 32 x 4096 x 4096 int8 GEMM on the
  // built-in design point (edge-int8-32x32, ws) reads its 16 MiB of weights
  // once; its 128 KiB input (32 x 4096) does not fit half of the 64 KiB ifmap
  // scratchpad (double-buffered), so each of the 128 column folds (4096 / 32)
  // reads it again: 16 MiB. Partial sums stay on chip (32 x 32 x 4 B a column
  // fold); the 128 KiB of outputs are written once. Compute is only ~ 128 *
  // 128 * (96 + 32 - 2) cycles.
  const auto config = sim::builtin_accelerator({"dram.bandwidth=1 GB/s"});
  const auto r = sim::run_simulation(config, gemm(32, 4096, 4096));
  CHECK(r.activity.dram_filter_read_bytes == 4096ull * 4096);
  CHECK(r.activity.dram_ifmap_read_bytes == 128ull * 32 * 4096);
  CHECK(r.activity.dram_psum_read_bytes == 0);
  CHECK(r.activity.dram_ofmap_write_bytes == 32ull * 4096);
  const double bytes = 2.0 * 4096 * 4096 + 32.0 * 4096;
  CHECK(static_cast<double>(r.total_cycles) >= bytes);            // cannot beat the bandwidth
  CHECK(static_cast<double>(r.total_cycles) <= bytes * 1.02 + 2000);  // and overlaps compute fully
  CHECK(r.stall_cycles > r.compute_cycles);
}

TEST_CASE("int4 weights packed two per PE halve the folds and the weight bytes") {
  const auto config = sim::builtin_accelerator({"dram.bandwidth=unlimited", "dram.latency=0 ns"});
  const auto r = sim::run_simulation(config, gemm(64, 256, 512, "int4"));
  // Reduction 512 / 2 = 256 -> 8 row folds, 8 column folds, L = 96 + 64 - 2.
  CHECK(r.total_cycles == 64 * (96 + 64 - 2));
  CHECK(r.activity.dram_filter_read_bytes == 256 * 512 / 2);
}

TEST_CASE("partial sums go through the ofmap scratchpad at the accumulator's width") {
  const auto config = sim::builtin_accelerator({"dram.bandwidth=unlimited", "dram.latency=0 ns"});
  const auto r = sim::run_simulation(config, gemm(64, 512, 512));
  // ws on 32x32: k = 512 -> 16 row folds, each writing its 64 x 512 sums once.
  // The first 15 write int32 partial sums, the last int8 outputs:
  // 15 * 32,768 * 4 B + 32,768 * 1 B = 1,998,848 B; row folds 2..16 read
  // the previous partial sums back: 15 * 32,768 * 4 B = 1,966,080 B.
  CHECK(r.activity.sram_ofmap_write_bytes == 1998848);
  CHECK(r.activity.sram_ofmap_read_bytes == 1966080);
  CHECK(r.ops[0].passes[0].sram_ofmap_writes == 16 * 32768);  // SCALE-Sim's count, in elements
}

TEST_CASE("DRAM latency is paid once per transfer, not once per burst") {
  // One 64x32x32 fold: 2 KiB of inputs and 1 KiB of weights arrive after
  // 1 us latency + 3 KiB / 25.6 GB/s; the output write adds 1 us + 2 KiB / 25.6 GB/s.
  const auto config = sim::builtin_accelerator({"dram.latency=1 us", "dma.burst=256 B"});
  const auto r = sim::run_simulation(config, gemm(64, 32, 32));
  const std::int64_t compute = 2 * 32 + 32 + 64 - 2;
  const std::int64_t load = 1000 + 120;   // 3072 B / 25.6 B/ns = 120 ns
  const std::int64_t store = 1000 + 80;   // 2048 B / 25.6 B/ns = 80 ns
  CHECK(r.total_cycles == load + compute + store);
}

TEST_CASE("in SCALE-Sim quirk mode each pass reports one cycle less, taken off its compute cycles") {
  const auto config = sim::builtin_accelerator(
      {"dram.bandwidth=unlimited", "dram.latency=0 ns", "simulation.scalesim_cycle_quirk=true"});
  const auto r = sim::run_simulation(config, gemm(200, 100, 70));
  // As the first test: 12 folds x 294 cycles = 3528, no stall; SCALE-Sim
  // reports the last cycle's 0-based index, 3527, and so compute 3527.
  CHECK(r.total_cycles == 3527);
  CHECK(r.compute_cycles == 3527);
  CHECK(r.stall_cycles == 0);
  CHECK(r.ops[0].passes[0].compute_cycles + r.ops[0].passes[0].stall_cycles == r.ops[0].passes[0].cycles);
}

namespace {
// A 1x1 os array in SCALE-Sim quirk mode with DRAM that never stalls.
sim::AcceleratorConfig one_pe_quirk_array() {
  return sim::builtin_accelerator({"compute.systolic_array.rows=1", "compute.systolic_array.cols=1",
                                   "compute.systolic_array.dataflow=os", "dram.bandwidth=unlimited",
                                   "dram.latency=0 ns", "simulation.scalesim_cycle_quirk=true"});
}
}  // namespace

TEST_CASE("in SCALE-Sim quirk mode utilization is over the cycles simulated, so it stays at most 1") {
  // 1 x 1 x 100 on one os PE: R + C + T - 2 = 100 cycles for 100 MACs, all
  // busy; reported as 99. Before, utilization was 100 / 99 = 1.0101.
  const auto r = sim::run_simulation(one_pe_quirk_array(), gemm(1, 1, 100));
  CHECK(r.total_cycles == 99);
  CHECK(r.ops[0].utilization == 1.0);
  CHECK(r.ops[0].passes[0].overall_utilization == 1.0);
}

TEST_CASE("a quirk-mode run reported as 0 cycles has its MACs' utilization and TOPS/W, and 0 per-second figures") {
  // 1 x 1 x 1 on one os PE: 1 cycle simulated for 1 MAC, reported as 0.
  // Before, utilization was 0 (no cycles to divide by).
  const auto r = sim::run_simulation(one_pe_quirk_array(), gemm(1, 1, 1));
  CHECK(r.total_cycles == 0);
  CHECK(r.seconds == 0);
  CHECK(r.ops[0].utilization == 1.0);
  // tops and power divide by 0 s: 0. TOPS/W is 2 ops per the energy, in
  // tera-ops per joule: 2 / (energy_pj x 1e-12) / 1e12 = 2 / energy_pj.
  CHECK(r.cost.tops == 0);
  CHECK(r.cost.average_power_w == 0);
  REQUIRE(r.cost.energy_pj.total() > 0);
  CHECK(r.cost.tops_per_w == Approx(2 / r.cost.energy_pj.total()));
}

TEST_CASE("a run that passes 2^62 ps of simulated time is stopped with an error, not wrapped") {
  // SystemC time ends at 2^64 ps. The config's ranges keep a single fold far
  // below 2^62 ps (4.6e6 s), so reaching the limit takes a very long run; set
  // past the ranges here, a 2e-4 B/s DRAM needs 5.1e6 s for each 1 KiB
  // operand of one 32 x 32 x 32 fold, and the first fold ends past 2^62 ps.
  auto config = sim::builtin_accelerator({});
  config.dram.bandwidth_bytes_per_s = 2e-4;
  // SystemC reports sc_stop() on std::cout ("Info: /OSCI/SystemC: Simulation
  // stopped by user."), which `qarch run -q` printed on stdout beside the
  // error: nothing may reach it.
  std::ostringstream cout_text;
  std::streambuf* const cout_buffer = std::cout.rdbuf(cout_text.rdbuf());
  CHECK_THROWS_WITH(sim::run_simulation(config, gemm(32, 32, 32)),
                    Catch::StartsWith("t.yaml: the run passed") && Catch::Contains("days of simulated time") &&
                        Catch::Contains("at most 2^62 ps (53 days)"));
  std::cout.rdbuf(cout_buffer);
  CHECK(cout_text.str().empty());
}

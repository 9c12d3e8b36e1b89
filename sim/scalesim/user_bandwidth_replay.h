#pragma once
// Replay of SCALE-Sim v2's limited-DRAM-bandwidth scratchpad model
// (InterfaceBandwidth: USER) for one layer, cycle-exact against SCALE-Sim
// commit 22f88b17. The algorithm and its quirks: docs/scalesim_user_bandwidth.md.
// Plain C++ (no SystemC): the engine calls it once per layer.
#include <cstdint>
#include <vector>

#include "models/compute/systolic_mapping.h"

namespace qarch::sim::scalesim {

// One SCALE-Sim topology row (conv form). A GEMM row M,N,K is
// ifmap M x K, filter 1 x K, channels 1, filters N, stride 1.
struct ConvLayer {
  std::int64_t ifmap_h = 0, ifmap_w = 0;
  std::int64_t filter_h = 0, filter_w = 0;
  std::int64_t channels = 0, filters = 0;
  std::int64_t stride = 1;
};

// SCALE-Sim's [architecture_presets] for a USER-bandwidth run. SRAM sizes are
// in words (SCALE-Sim: kB * 1024 with word size 1); the one bandwidth value
// serves IFMAP, filter and OFMAP DRAM traffic, as in SCALE-Sim.
struct ScratchpadSetup {
  std::int64_t array_rows = 0;  // ArrayHeight
  std::int64_t array_cols = 0;  // ArrayWidth
  compute::Dataflow dataflow = compute::Dataflow::kOutputStationary;
  std::int64_t ifmap_words = 0, filter_words = 0, ofmap_words = 0;
  std::int64_t bandwidth_words_per_cycle = 0;
};

// What SCALE-Sim's COMPUTE_REPORT and DETAILED_ACCESS_REPORT give for the
// layer. DRAM cycles can be negative (the first fill is timed before cycle 0).
struct UserBandwidthReplay {
  std::int64_t total_cycles = 0;  // SCALE-Sim's value, its trailing -1 included
  std::int64_t stall_cycles = 0;
  // Fold order: column folds outer, row folds inner; sums to stall_cycles.
  std::vector<std::int64_t> stall_cycles_per_fold;

  std::int64_t dram_ifmap_reads = 0, dram_filter_reads = 0, dram_ofmap_writes = 0;  // words
  std::int64_t dram_ifmap_start_cycle = 0, dram_ifmap_stop_cycle = 0;
  std::int64_t dram_filter_start_cycle = 0, dram_filter_stop_cycle = 0;
  std::int64_t dram_ofmap_start_cycle = 0, dram_ofmap_stop_cycle = 0;

  // Cycle at which the first / last demand row holding a valid address is served.
  std::int64_t sram_ifmap_start_cycle = 0, sram_ifmap_stop_cycle = 0;
  std::int64_t sram_filter_start_cycle = 0, sram_filter_stop_cycle = 0;
  std::int64_t sram_ofmap_start_cycle = 0, sram_ofmap_stop_cycle = 0;

  // new_prefetch() calls of the read buffers (each one moves a half-SRAM window).
  std::int64_t ifmap_prefetches = 0, filter_prefetches = 0;
};

// Throws std::invalid_argument for a layer or setup the replay cannot run
// (sizes below 1, a filter larger than the ifmap, an operand of 2^31 words or
// more); replay_user_bandwidth checks with it first.
void check_user_bandwidth_layer(const ConvLayer& layer, const ScratchpadSetup& setup);

// Throws std::invalid_argument for a malformed layer or setup.
UserBandwidthReplay replay_user_bandwidth(const ConvLayer& layer, const ScratchpadSetup& setup);

}  // namespace qarch::sim::scalesim

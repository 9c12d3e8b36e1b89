#pragma once
// What a run produced (docs/results.md documents the JSON schema). Plain
// structs; to_json() is the one result writer.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/atomic_file.h"
#include "cost/price.h"

namespace qarch::sim {

inline constexpr int kResultSchemaVersion = 1;

// Counts of the memory models present in a run, by model ("dram",
// "system_cache", "flash") and counter name.
using MemoryCounters = std::map<std::string, std::map<std::string, std::uint64_t>>;

// What a cache did for the traffic of one pass or op (zero without the
// cache): line lookups, hits (and the bytes they moved: a call's first and
// last lines may be partial), misses, fills (lines fetched from below: every
// read miss, and write misses under write-back/write-allocate only),
// write-backs of dirty victims and write-throughs (writes sent below, a line
// each).
struct CacheActivity {
  std::uint64_t lookups = 0, hits = 0, hit_bytes = 0, misses = 0, writebacks = 0, fills = 0, write_throughs = 0;
  std::uint64_t write_through_bytes = 0;  // the bytes the write-throughs wrote
  void add(const CacheActivity& other);
  CacheActivity since(const CacheActivity& before) const;
};

// Activity of one pass or op: what the cost model prices.
struct Activity {
  std::map<std::string, std::uint64_t> macs_by_format_pair;
  std::uint64_t pe_busy_cycles = 0;
  std::uint64_t pe_idle_cycles = 0;
  std::uint64_t folds = 0;
  std::uint64_t vector_element_ops = 0;
  // Scratchpad accesses by the array in bytes; the ofmap reads are partial
  // sums read back to accumulate (ws/is), at the accumulator's width.
  std::uint64_t sram_ifmap_read_bytes = 0, sram_filter_read_bytes = 0;
  std::uint64_t sram_ofmap_read_bytes = 0, sram_ofmap_write_bytes = 0;
  // DRAM traffic in bytes, per operand stream, and the DRAM's share of the
  // DMA's bursts. Weights held in flash (`flash:`) are flash traffic, not DRAM.
  std::uint64_t dram_ifmap_read_bytes = 0, dram_filter_read_bytes = 0;
  std::uint64_t dram_ofmap_write_bytes = 0, dram_psum_read_bytes = 0;
  std::uint64_t dram_bursts = 0;
  std::uint64_t flash_filter_read_bytes = 0;
  // What the caches did for this traffic: the system caches (summed over
  // DRAM ports) and the weight cache.
  CacheActivity system_cache, weight_cache;

  void add(const Activity& other);
  std::uint64_t dram_read_bytes() const { return dram_ifmap_read_bytes + dram_filter_read_bytes + dram_psum_read_bytes; }
  // Off-chip reads: DRAM and flash.
  std::uint64_t offchip_read_bytes() const { return dram_read_bytes() + flash_filter_read_bytes; }
  std::uint64_t macs() const;
};

// First and last cycle of one operand stream's accesses, relative to the pass start.
struct AccessWindow {
  std::int64_t first_cycle = 0, last_cycle = 0;
};

// The access windows of SCALE-Sim's DETAILED_ACCESS_REPORT, per operand.
struct AccessWindows {
  AccessWindow sram_ifmap, sram_filter, sram_ofmap;
  AccessWindow dram_ifmap, dram_filter, dram_ofmap;
};

struct PassResult {
  std::string label;
  std::int64_t cycles = 0;          // as reported (SCALE-Sim quirk applied when on)
  std::int64_t compute_cycles = 0;
  std::int64_t stall_cycles = 0;
  std::int64_t folds = 0;
  std::int64_t spatial_rows = 0, spatial_cols = 0, temporal = 0;
  double mapping_efficiency = 0;    // fraction
  double compute_utilization = 0;   // fraction, SCALE-Sim's definition
  double overall_utilization = 0;   // MACs / (simulated cycles * PEs * MACs per PE per cycle): 0..1,
                                    // over the cycles before the SCALE-Sim quirk takes one off
  // SCALE-Sim report fields: SRAM accesses in words, access windows.
  std::uint64_t sram_ifmap_reads = 0, sram_filter_reads = 0, sram_ofmap_writes = 0;
  AccessWindows windows;
  Activity activity;
};

struct OpResult {
  std::string name;
  std::string type;
  std::int64_t cycles = 0;
  std::int64_t compute_cycles = 0;
  std::int64_t stall_cycles = 0;
  double utilization = 0;  // MACs / the array's peak over the op's array passes' simulated cycles (vector ops: 0)
  double energy_pj = 0;    // priced by the cost model (leakage over the op's cycles included)
  std::vector<PassResult> passes;
  Activity activity;
};

struct RunResult {
  std::string accelerator;
  std::string accelerator_source;
  std::string workload;
  std::string workload_source;
  double clock_hz = 0;
  std::int64_t array_rows = 0, array_cols = 0;
  std::string dataflow;
  std::int64_t total_cycles = 0;
  std::int64_t compute_cycles = 0;
  std::int64_t stall_cycles = 0;
  double seconds = 0;
  std::vector<OpResult> ops;
  Activity activity;
  MemoryCounters memory;  // the memory models' own counts (docs/results.md)
  cost::CostReport cost;  // energy and area breakdowns, TOPS, TOPS/W, TOPS/mm2
};

nlohmann::json to_json(const RunResult& result);
// Adds the result as JSON at `path` to `files` (written when they are committed).
void add_json_file(const RunResult& result, const std::string& path, AtomicFileSet& files);

}  // namespace qarch::sim

#pragma once
// DRAMSim3-format memory traces ("0xADDR READ|WRITE cycle", cycle in memory
// clocks) and their replay through a DramSystem, with the measurements the
// reference simulators report (../shared/reference/dram/README.md):
//  * bandwidth = bytes / (last completion cycle x tCK), time from cycle 0;
//  * read latency = end of the last data burst - acceptance by the controller.
#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "models/memory/dram_channel.h"
#include "models/memory/dram_config.h"

namespace qarch::memory {

struct MemoryTraceRecord {
  std::uint64_t address = 0;
  bool is_write = false;
  std::uint64_t cycle = 0;  // earliest issue cycle
};

// Trace cycles above this are rejected: times stay exact in a double and
// far from overflow when latencies are added.
inline constexpr std::uint64_t kMaxTraceCycle = std::uint64_t{1} << 53;

// Parses the whole trace; a line that does not parse or whose cycle is below
// the previous one is an InputError naming `origin` and the line number.
// Blank lines and lines starting with '#' are skipped.
std::vector<MemoryTraceRecord> parse_memory_trace(std::istream& in, const std::string& origin);
std::vector<MemoryTraceRecord> read_memory_trace_file(const std::string& path);

struct DramReplayResult {
  std::uint64_t requests = 0;
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t bytes = 0;
  std::uint64_t last_done_cycle = 0;
  double tCK_ns = 0;
  double bandwidth_gbps = 0;
  double avg_read_latency_cycles = 0;
  double avg_read_latency_ns = 0;
  std::uint64_t min_read_latency_cycles = 0;
  std::uint64_t max_read_latency_cycles = 0;
  // Read-latency percentiles (cycles), from a 1-cycle-bin histogram.
  std::uint64_t p50_read_latency_cycles = 0;
  std::uint64_t p90_read_latency_cycles = 0;
  std::uint64_t p99_read_latency_cycles = 0;
  // Non-empty histogram bins as (latency in cycles, reads).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> read_latency_histogram;
  double row_hit_rate = 0;  // row hits / column commands
  DramCounters counters;
};

// Replays the trace in order, at most one new request per memory clock and
// never before its cycle; each request of `request_bytes` is split into
// bursts (HBM: a 64 B request is two 32 B bursts, sent in the same cycle).
// `progress`, if set, is called with the requests issued so far every
// kReplayProgressRequests requests (for a progress line on a terminal).
inline constexpr std::uint64_t kReplayProgressRequests = 1 << 16;
inline constexpr int kMaxRequestBytes = 1 << 20;
DramReplayResult replay_memory_trace(const DramConfig& config,
                                     const std::vector<MemoryTraceRecord>& trace,
                                     int request_bytes = 64,
                                     const std::function<void(std::uint64_t)>& progress = {});

}  // namespace qarch::memory

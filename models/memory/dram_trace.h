#pragma once
// DRAMSim3-format memory traces ("0xADDR READ|WRITE cycle", cycle in memory
// clocks) and their replay through a DramSystem, with the measurements the
// reference simulators report (../shared/reference/dram/README.md):
//  * bandwidth = bytes / (last completion cycle x tCK), time from cycle 0;
//  * read latency = end of the last data burst - acceptance by the controller.
#include <cstdint>
#include <iosfwd>
#include <memory>
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

// Reads a trace one record at a time: memory stays bounded however long the
// trace is. A thread of its own reads and parses the text in blocks ahead of
// the caller, so parsing overlaps the simulation of what was read before.
// A line that does not parse, or whose cycle is below the previous one, is an
// InputError naming the origin and the line number, thrown by next() after
// the records before it. Blank lines and lines starting with '#' are skipped;
// a trace with no other line is an InputError.
class MemoryTraceReader {
 public:
  explicit MemoryTraceReader(const std::string& path);  // InputError if it cannot be opened
  // `in` must outlive the reader.
  MemoryTraceReader(std::istream& in, std::string origin);
  ~MemoryTraceReader();

  // The next record; false at the end of the trace.
  bool next(MemoryTraceRecord& record) {
    if (position_ == records_.size() && !next_block()) return false;
    record = records_[position_++];
    return true;
  }
  // Bytes of the trace parsed up to the records handed out so far (a block
  // ahead at most), and the file's size (0 if not a regular file): for a
  // progress line.
  std::uint64_t bytes_parsed() const { return parsed_bytes_; }
  std::uint64_t size_bytes() const { return size_bytes_; }

 private:
  struct Parser;
  MemoryTraceReader(std::unique_ptr<std::istream> owned, std::istream* borrowed, std::string origin);
  bool next_block();  // waits for the parser thread's next block

  std::unique_ptr<Parser> parser_;
  std::vector<MemoryTraceRecord> records_;  // the block being handed out
  std::size_t position_ = 0;
  std::uint64_t parsed_bytes_ = 0;
  std::uint64_t size_bytes_ = 0;
};

// The whole trace (tests and benchmarks; the CLI streams with a reader).
std::vector<MemoryTraceRecord> parse_memory_trace(std::istream& in, const std::string& origin);

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
  // Read-latency percentiles (cycles), exact: from a histogram with 1-cycle bins.
  std::uint64_t p50_read_latency_cycles = 0;
  std::uint64_t p90_read_latency_cycles = 0;
  std::uint64_t p99_read_latency_cycles = 0;
  // Non-empty histogram bins as (latency in cycles, reads).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> read_latency_histogram;
  double row_hit_rate = 0;  // row hits / column commands
  DramCounters counters;
};

// Replays a trace in order, at most one new request per memory clock and
// never before its cycle; each request of `request_bytes` is split into the
// bursts holding its bytes (HBM: a 64 B request is two 32 B bursts, sent in
// the same cycle; an unaligned one may take one more burst).
// Requests are fed one at a time, so a trace need not be held in memory.
inline constexpr int kMaxRequestBytes = 1 << 20;
class DramReplay {
 public:
  // InputError on an inconsistent config or a request size out of range.
  explicit DramReplay(const DramConfig& config, int request_bytes = 64);
  ~DramReplay();
  void issue(const MemoryTraceRecord& record);
  // Runs every request to completion and measures; once, after the last issue().
  DramReplayResult finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

DramReplayResult replay_memory_trace(const DramConfig& config,
                                     const std::vector<MemoryTraceRecord>& trace,
                                     int request_bytes = 64);

// Progress lines of trace replays advance every this many requests.
inline constexpr std::uint64_t kReplayProgressRequests = 1 << 16;

}  // namespace qarch::memory

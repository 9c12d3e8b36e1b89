#pragma once
// The two buffer models of SCALE-Sim v2's USER-bandwidth scratchpad
// (scalesim/memory/read_buffer.py at 22f88b17, write_buffer.py), reduced to
// what decides timing and DRAM traffic. Used by user_bandwidth_replay.cpp;
// exposed so that tests can check them on hand-sized cases.
#include <cstdint>
#include <utility>
#include <vector>

namespace qarch::sim::scalesim {

// Read buffer (IFMAP or filter). The prefetch order of the operand is cut
// into "lines" of ceil(sram/100) valid addresses (plus one trailing, possibly
// empty line). An active window of A lines starts at line 0; a demanded
// address not in any window line makes the window slide forward by P lines
// round the ring (new_prefetch) until it is. Each slide costs
// ceil(prefetch half / bw) DRAM lines, chained after the previous slide.
class ReadBufferWindow {
 public:
  // prefetch_addresses: the valid (!= -1) addresses of the prefetch order,
  // each in [0, address_space). prefetch_order_words: the length of that
  // order including its -1 slots (sizes the first fill).
  ReadBufferWindow(std::vector<std::int32_t> prefetch_addresses, std::int64_t address_space,
                   std::int64_t prefetch_order_words, std::int64_t sram_words,
                   std::int64_t bandwidth_words_per_cycle);

  // Serves one demanded address; returns the number of slides it caused.
  std::int64_t demand(std::int32_t address);

  std::int64_t lines() const { return line_count_; }             // n
  std::int64_t active_lines() const { return active_lines_; }    // A
  std::int64_t slide_lines() const { return slide_lines_; }      // P
  std::int64_t window_start_line() const { return window_start_; }
  std::int64_t prefetches() const { return prefetches_; }        // slides so far
  std::int64_t first_fill_dram_lines() const { return first_fill_dram_lines_; }
  std::int64_t prefetch_dram_lines() const { return prefetch_dram_lines_; }
  // Cycle at which the last DRAM response of all slides so far lands.
  std::int64_t last_prefetch_cycle() const {
    return -1 + prefetches_ * (prefetch_dram_lines_ + 1);
  }
  std::int64_t dram_reads_words() const;
  std::int64_t dram_start_cycle() const { return -first_fill_dram_lines_; }

 private:
  bool in_window(std::int32_t address) const;

  std::int64_t bandwidth_;
  std::int64_t line_count_ = 0, active_lines_ = 0, slide_lines_ = 0;
  std::int64_t window_start_ = 0;
  std::int64_t prefetches_ = 0;
  std::int64_t first_fill_dram_lines_ = 0, prefetch_dram_lines_ = 0;
  // The lines that hold address a, ascending: lines_[lines_begin_[a] .. lines_begin_[a+1]).
  // An address is a hit when one of its lines is in the window, so a slide
  // only moves window_start_ (no per-address bookkeeping).
  std::vector<std::uint32_t> lines_begin_;
  std::vector<std::int32_t> lines_;
};

// OFMAP write buffer. Words are packed into bw-wide DRAM lines; once more
// than half the SRAM is occupied, the pending lines (the partial one padded)
// drain, up to ceil(half / bw) lines one per cycle from the current cycle.
// A write only waits when the buffer is full while a drain is running.
class WriteBufferDrain {
 public:
  WriteBufferDrain(std::int64_t sram_words, std::int64_t bandwidth_words_per_cycle);

  // Writes `words` words requested at `cycle`; returns the service cycle.
  std::int64_t write_row(std::int64_t cycle, std::int64_t words);
  // After the last row: drains everything left, chunk after chunk from `cycle`.
  void empty_all(std::int64_t cycle);

  std::int64_t dram_writes_words() const { return dram_writes_; }
  std::int64_t drains() const { return drains_; }
  std::int64_t first_drain_start_cycle() const { return first_drain_start_; }
  std::int64_t last_drain_end_cycle() const { return last_drain_end_; }
  std::int64_t occupancy_words() const { return occupied_; }

 private:
  void store(std::int64_t words);
  void close_partial_line();
  std::int64_t drain_from(std::int64_t cycle);

  std::int64_t total_words_, drain_threshold_words_, bandwidth_, drain_lines_;
  std::int64_t occupied_ = 0;  // total - free space; can drift below 0 (SCALE-Sim quirk)
  std::int64_t drain_end_ = 0;
  std::int64_t open_line_words_ = 0;  // words in the line being filled
  std::int64_t lines_ = 0;            // closed lines so far
  std::int64_t drained_lines_ = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> padded_lines_;  // (line, valid words)
  std::int64_t dram_writes_ = 0, drains_ = 0;
  std::int64_t first_drain_start_ = 0, last_drain_end_ = 0;
};

}  // namespace qarch::sim::scalesim

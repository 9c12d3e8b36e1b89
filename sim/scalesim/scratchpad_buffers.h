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
//
// Words are named by their rank among the valid (!= -1) entries of the
// prefetch order: word i lies in line i / line_words. A demand row is a run
// of consecutive ranks (docs/scalesim_user_bandwidth.md), which is what makes
// the common case O(1) per row: see run_in_window().
class ReadBufferWindow {
 public:
  // for_each_address(sink) calls sink(address) for the valid addresses of the
  // prefetch order, in order, each in [0, address_space); it is called up to
  // three times. valid_words: how many it passes; prefetch_order_words: the
  // order's length including its -1 slots (sizes the first fill).
  template <class ForEachAddress>
  ReadBufferWindow(ForEachAddress for_each_address, std::int64_t address_space,
                   std::int64_t valid_words, std::int64_t prefetch_order_words,
                   std::int64_t sram_words, std::int64_t bandwidth_words_per_cycle);
  // The same for an order given as its list of valid addresses.
  ReadBufferWindow(const std::vector<std::int32_t>& prefetch_addresses, std::int64_t address_space,
                   std::int64_t prefetch_order_words, std::int64_t sram_words,
                   std::int64_t bandwidth_words_per_cycle);

  // True when every word of the run of ranks [begin, end) lies in a window
  // line. Such a run is all hits (a hit needs ANY line holding the address in
  // the window) and hits never move the window, so serving it changes nothing.
  bool run_in_window(std::uint32_t begin, std::uint32_t end) const {
    if (begin >= end) return true;
    // In rank units (line_words ranks per line, n * line_words round the
    // ring) the distance from the window start splits into whole lines and
    // the offset in the line, so "lines of begin .. end-1 are at distances
    // below A" is "rank distance of end-1 below A * line_words", with no
    // division. A run is far shorter than the ring, so it does not wrap.
    std::int64_t distance = std::int64_t{begin} - window_start_rank_;
    if (distance < 0) distance += line_count_ * line_words_;
    return distance + (std::int64_t{end} - 1 - begin) < active_lines_ * line_words_;
  }
  // Serves the words of rank begin, begin + 1, ... in order; addresses[j] is
  // the address of word begin + j. Returns the number of slides they caused.
  std::int64_t demand_run(std::uint32_t begin, const std::vector<std::int32_t>& addresses);
  // Serves one word (rank, address); returns the number of slides it caused.
  std::int64_t demand_word(std::uint32_t rank, std::int32_t address);

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
  void size_window(std::int64_t valid_words, std::int64_t prefetch_order_words,
                   std::int64_t sram_words);
  // Lines from the window start to `line`, round the ring.
  std::int64_t distance_to(std::int64_t line) const;

  std::int64_t bandwidth_;
  std::int64_t line_words_ = 1;
  std::int64_t line_count_ = 0, active_lines_ = 0, slide_lines_ = 0;
  std::int64_t window_start_ = 0;
  std::int64_t window_start_rank_ = 0;  // window_start_ * line_words_
  std::int64_t prefetches_ = 0;
  std::int64_t first_fill_dram_lines_ = 0, prefetch_dram_lines_ = 0;
  std::int64_t address_space_ = 0;
  std::int64_t valid_words_ = 0;
  // The lines that hold address a, ascending: lines_[lines_begin_[a] .. lines_begin_[a+1]).
  // Left empty when no address occurs twice in the order (filters, GEMM
  // operands): then a word's own line is the only line of its address.
  std::vector<std::uint32_t> lines_begin_;
  std::vector<std::uint32_t> lines_;
};

template <class ForEachAddress>
ReadBufferWindow::ReadBufferWindow(ForEachAddress for_each_address, std::int64_t address_space,
                                   std::int64_t valid_words, std::int64_t prefetch_order_words,
                                   std::int64_t sram_words, std::int64_t bandwidth_words_per_cycle)
    : bandwidth_(bandwidth_words_per_cycle), address_space_(address_space) {
  size_window(valid_words, prefetch_order_words, sram_words);
  const auto space = static_cast<std::size_t>(address_space);
  // Pass 1: does any address occur twice? (one bit per address)
  std::vector<std::uint64_t> seen((space + 63) / 64, 0);
  bool repeats = false;
  for_each_address([&](std::int32_t a) {
    const auto i = static_cast<std::size_t>(a);
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    repeats |= (seen[i / 64] & bit) != 0;
    seen[i / 64] |= bit;
  });
  if (!repeats) return;
  // Passes 2-3: invert the line -> addresses sets into address -> lines lists
  // (counting sort; lines ascend because the order is walked in order). A
  // line listed twice for one address is harmless to the hit test.
  lines_begin_.assign(space + 1, 0);
  for_each_address([&](std::int32_t a) { ++lines_begin_[static_cast<std::size_t>(a) + 1]; });
  for (std::size_t a = 0; a < space; ++a) lines_begin_[a + 1] += lines_begin_[a];
  lines_.resize(lines_begin_[space]);
  // lines_begin_[a] serves as the cursor of address a, which leaves it at the
  // start of address a + 1; shift back afterwards.
  std::uint32_t line = 0;
  std::int64_t line_fill = 0;
  for_each_address([&](std::int32_t a) {
    lines_[lines_begin_[static_cast<std::size_t>(a)]++] = line;
    if (++line_fill == line_words_) line_fill = 0, ++line;
  });
  for (std::size_t a = space; a > 0; --a) lines_begin_[a] = lines_begin_[a - 1];
  lines_begin_[0] = 0;
}

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

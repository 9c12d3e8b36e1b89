#include "sim/scalesim/scratchpad_buffers.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace qarch::sim::scalesim {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace

ReadBufferWindow::ReadBufferWindow(std::vector<std::int32_t> prefetch_addresses,
                                   std::int64_t address_space, std::int64_t prefetch_order_words,
                                   std::int64_t sram_words, std::int64_t bandwidth_words_per_cycle)
    : bandwidth_(bandwidth_words_per_cycle) {
  if (sram_words < 1 || bandwidth_words_per_cycle < 1) {
    throw std::invalid_argument("read buffer: SRAM words and bandwidth must be >= 1");
  }
  // read_buffer.py: active buffer = ceil(0.5 * size), prefetch buffer = the
  // rest; the hashed buffer holds sets of ceil(size / 100) valid addresses.
  const std::int64_t active_words = ceil_div(sram_words, 2);
  const std::int64_t prefetch_words = sram_words - active_words;
  const std::int64_t line_words = ceil_div(sram_words, 100);
  const auto valid = static_cast<std::int64_t>(prefetch_addresses.size());
  line_count_ = valid / line_words + 1;  // a last, possibly empty, set is always added
  active_lines_ = std::min(ceil_div(active_words, line_words), line_count_);
  slide_lines_ = std::min(ceil_div(prefetch_words, line_words), line_count_ - active_lines_);
  if (line_count_ > std::numeric_limits<std::int32_t>::max()) {
    throw std::invalid_argument("read buffer: prefetch order too long");
  }
  first_fill_dram_lines_ = std::min(ceil_div(active_words, bandwidth_),
                                    ceil_div(prefetch_order_words, bandwidth_));
  prefetch_dram_lines_ = ceil_div(prefetch_words, bandwidth_);

  // Invert the line -> address sets into address -> lines lists (counting
  // sort). A line is a set: an address repeated within one line is listed
  // once, but every repeat counts towards the line's size.
  if (valid > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("read buffer: prefetch order longer than 2^32 words");
  }
  const auto space = static_cast<std::size_t>(address_space);
  std::vector<std::int32_t> last_line(space, -1);
  lines_begin_.assign(space + 1, 0);
  for (std::int64_t i = 0; i < valid; ++i) {
    const auto a = static_cast<std::size_t>(prefetch_addresses[static_cast<std::size_t>(i)]);
    const auto line = static_cast<std::int32_t>(i / line_words);
    if (last_line[a] != line) {
      last_line[a] = line;
      ++lines_begin_[a + 1];
    }
  }
  for (std::size_t a = 0; a < space; ++a) lines_begin_[a + 1] += lines_begin_[a];
  lines_.resize(lines_begin_[space]);
  // Place with lines_begin_[a] as the cursor of address a, which leaves it at
  // the start of address a + 1; shift back afterwards.
  std::fill(last_line.begin(), last_line.end(), -1);
  for (std::int64_t i = 0; i < valid; ++i) {
    const auto a = static_cast<std::size_t>(prefetch_addresses[static_cast<std::size_t>(i)]);
    const auto line = static_cast<std::int32_t>(i / line_words);
    if (last_line[a] != line) {
      last_line[a] = line;
      lines_[lines_begin_[a]++] = line;
    }
  }
  for (std::size_t a = space; a > 0; --a) lines_begin_[a] = lines_begin_[a - 1];
  lines_begin_[0] = 0;
}

bool ReadBufferWindow::in_window(std::int32_t address) const {
  const auto a = static_cast<std::size_t>(address);
  for (auto i = lines_begin_[a]; i < lines_begin_[a + 1]; ++i) {
    std::int64_t distance = lines_[i] - window_start_;  // from the window start, round the ring
    if (distance < 0) distance += line_count_;
    if (distance < active_lines_) return true;
  }
  return false;
}

std::int64_t ReadBufferWindow::demand(std::int32_t address) {
  if (address < 0 || static_cast<std::size_t>(address) + 1 >= lines_begin_.size()) {
    throw std::logic_error(fmt::format("read buffer: address {} outside the operand", address));
  }
  if (in_window(address)) return 0;
  // SCALE-Sim loops `while not hit: new_prefetch()`; an address that is in no
  // line, or a window that cannot move (P = 0), would make it loop forever.
  // Each new_prefetch drops the P oldest lines and adds the next P round the ring.
  std::int64_t slides = 0;
  do {
    if (slide_lines_ == 0 || slides > line_count_ + 1) {
      throw std::logic_error(fmt::format(
          "read buffer: address {} is not in the prefetch order (SCALE-Sim would hang)", address));
    }
    window_start_ = (window_start_ + slide_lines_) % line_count_;
    ++slides;
    ++prefetches_;
  } while (!in_window(address));
  return slides;
}

std::int64_t ReadBufferWindow::dram_reads_words() const {
  // Every slide fetches a full prefetch half, whatever the operand holds.
  return (first_fill_dram_lines_ + prefetches_ * prefetch_dram_lines_) * bandwidth_;
}

WriteBufferDrain::WriteBufferDrain(std::int64_t sram_words, std::int64_t bandwidth_words_per_cycle)
    : total_words_(sram_words), bandwidth_(bandwidth_words_per_cycle) {
  if (sram_words < 2 || bandwidth_words_per_cycle < 1) {
    throw std::invalid_argument("write buffer: SRAM words must be >= 2 and bandwidth >= 1");
  }
  drain_threshold_words_ = sram_words - ceil_div(sram_words, 2);
  drain_lines_ = ceil_div(drain_threshold_words_, bandwidth_);
}

void WriteBufferDrain::store(std::int64_t words) {
  occupied_ += words;
  open_line_words_ += words;
  lines_ += open_line_words_ / bandwidth_;
  open_line_words_ %= bandwidth_;
}

void WriteBufferDrain::close_partial_line() {
  if (open_line_words_ == 0) return;
  padded_lines_.emplace_back(lines_, open_line_words_);
  ++lines_;
  open_line_words_ = 0;
}

std::int64_t WriteBufferDrain::drain_from(std::int64_t cycle) {
  const std::int64_t end = std::min(drained_lines_ + drain_lines_, lines_);
  const std::int64_t count = end - drained_lines_;
  std::int64_t words = count * bandwidth_;
  // Quirk kept from write_buffer.py: only the LAST line of a drain chunk has
  // its -1 padding discounted; padded lines inside the chunk count in full.
  const auto padded = std::lower_bound(padded_lines_.begin(), padded_lines_.end(),
                                       std::make_pair(end - 1, std::int64_t{0}));
  if (padded != padded_lines_.end() && padded->first == end - 1) {
    words -= bandwidth_ - padded->second;
  }
  dram_writes_ += words;
  occupied_ -= words;
  drained_lines_ = end;
  if (drains_ == 0) first_drain_start_ = cycle;
  ++drains_;
  last_drain_end_ = cycle + count - 1;  // write latency 0, one line per cycle
  return last_drain_end_;
}

std::int64_t WriteBufferDrain::write_row(std::int64_t cycle, std::int64_t words) {
  std::int64_t current = cycle;
  std::int64_t remaining = words;
  while (remaining > 0) {
    if (current < drain_end_) {
      const std::int64_t free_words = total_words_ - occupied_;
      if (remaining < free_words) {
        store(remaining);
        remaining = 0;
      } else {
        // Full while draining: the write waits for the drain to end.
        const std::int64_t stored = std::max<std::int64_t>(free_words, 1);
        store(stored);
        remaining -= stored;
        current = drain_end_;
      }
    } else {
      const std::int64_t until_drain = std::max<std::int64_t>(1, drain_threshold_words_ + 1 - occupied_);
      if (remaining < until_drain) {
        store(remaining);
        remaining = 0;
      } else {
        // Starting a drain does not delay the row (the matched write_buffer.py
        // does not move the current cycle to the drain end).
        store(until_drain);
        remaining -= until_drain;
        close_partial_line();
        drain_end_ = drain_from(current);
      }
    }
  }
  return current;
}

void WriteBufferDrain::empty_all(std::int64_t cycle) {
  close_partial_line();
  while (drained_lines_ < lines_) {
    drain_end_ = drain_from(cycle);
    cycle = drain_end_ + 1;
  }
}

}  // namespace qarch::sim::scalesim

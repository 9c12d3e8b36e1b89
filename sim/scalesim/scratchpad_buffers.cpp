#include "sim/scalesim/scratchpad_buffers.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace qarch::sim::scalesim {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace

ReadBufferWindow::ReadBufferWindow(const std::vector<std::int32_t>& prefetch_addresses,
                                   std::int64_t address_space, std::int64_t prefetch_order_words,
                                   std::int64_t sram_words, std::int64_t bandwidth_words_per_cycle)
    : ReadBufferWindow(
          [&](auto sink) {
            for (const std::int32_t a : prefetch_addresses) {
              if (a < 0 || a >= address_space) {
                throw std::invalid_argument(fmt::format("read buffer: address {} outside the operand", a));
              }
              sink(a);
            }
          },
          address_space, static_cast<std::int64_t>(prefetch_addresses.size()), prefetch_order_words,
          sram_words, bandwidth_words_per_cycle) {}

void ReadBufferWindow::size_window(std::int64_t valid_words, std::int64_t prefetch_order_words,
                                   std::int64_t sram_words) {
  if (sram_words < 1 || bandwidth_ < 1) {
    throw std::invalid_argument("read buffer: SRAM words and bandwidth must be >= 1");
  }
  if (valid_words > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("read buffer: prefetch order longer than 2^32 words");
  }
  // read_buffer.py: active buffer = ceil(0.5 * size), prefetch buffer = the
  // rest; the hashed buffer holds sets of ceil(size / 100) valid addresses.
  const std::int64_t active_words = ceil_div(sram_words, 2);
  const std::int64_t prefetch_words = sram_words - active_words;
  valid_words_ = valid_words;
  line_words_ = ceil_div(sram_words, 100);
  line_count_ = valid_words / line_words_ + 1;  // a last, possibly empty, set is always added
  active_lines_ = std::min(ceil_div(active_words, line_words_), line_count_);
  slide_lines_ = std::min(ceil_div(prefetch_words, line_words_), line_count_ - active_lines_);
  first_fill_dram_lines_ = std::min(ceil_div(active_words, bandwidth_),
                                    ceil_div(prefetch_order_words, bandwidth_));
  prefetch_dram_lines_ = ceil_div(prefetch_words, bandwidth_);
}

std::int64_t ReadBufferWindow::distance_to(std::int64_t line) const {
  const std::int64_t distance = line - window_start_;
  return distance < 0 ? distance + line_count_ : distance;
}

std::int64_t ReadBufferWindow::demand_word(std::uint32_t rank, std::int32_t address) {
  if (rank >= valid_words_) {
    throw std::logic_error(fmt::format("read buffer: word {} outside the prefetch order", rank));
  }
  // The address is a hit when one of its lines is less than A lines past the
  // window start (round the ring). Its own line is one of them.
  std::int64_t nearest = distance_to(rank / line_words_);
  if (nearest < active_lines_) return 0;
  if (!lines_begin_.empty()) {
    if (address < 0 || address >= address_space_) {
      throw std::logic_error(fmt::format("read buffer: address {} outside the operand", address));
    }
    const auto a = static_cast<std::size_t>(address);
    for (auto i = lines_begin_[a]; i < lines_begin_[a + 1]; ++i) {
      nearest = std::min(nearest, distance_to(lines_[i]));
      if (nearest < active_lines_) return 0;
    }
  }
  if (slide_lines_ == 0) {
    // No prefetch half (a 1-word SRAM): SCALE-Sim would loop forever.
    throw std::invalid_argument("read buffer: a 1-word SRAM cannot prefetch (SCALE-Sim would hang)");
  }
  // SCALE-Sim loops `while not hit: new_prefetch()`, each call moving the
  // window P lines on. P <= A (P = min(ceil(P_w/line), n - A), A =
  // ceil(A_w/line) >= it as A_w >= P_w, unless A = n where nothing misses),
  // so the window jumps over no line: a line at distance d >= A enters it at
  // the first slide k with k * P > d - A. The loop stops at the first line of
  // the address to enter, the nearest one: k = (nearest - A) / P + 1.
  const std::int64_t slides = (nearest - active_lines_) / slide_lines_ + 1;
  window_start_ = (window_start_ + slides * slide_lines_) % line_count_;
  window_start_rank_ = window_start_ * line_words_;
  prefetches_ += slides;
  return slides;
}

std::int64_t ReadBufferWindow::demand_run(std::uint32_t begin, const std::vector<std::int32_t>& addresses) {
  std::int64_t slides = 0;
  for (std::size_t j = 0; j < addresses.size(); ++j) {
    slides += demand_word(begin + static_cast<std::uint32_t>(j), addresses[j]);
  }
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

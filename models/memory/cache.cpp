#include "models/memory/cache.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "common/input_error.h"
#include "common/units.h"
#include "common/yaml_reader.h"

namespace qarch::memory {
namespace {

bool is_power_of_two(std::uint64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// `fail(keys, message)`: the keys involved, most likely culprit first.
template <typename Fail>
void check(const CacheConfig& c, Fail fail) {
  if (!is_power_of_two(std::uint64_t(c.line_bytes))) {
    fail({"line"}, fmt::format("{} B is not a power of two", c.line_bytes));
  }
  if (c.ways < 1) fail({"ways"}, "must be at least 1");
  const std::uint64_t set_bytes = std::uint64_t(c.line_bytes) * c.ways;
  if (c.size_bytes < set_bytes || c.size_bytes % set_bytes != 0) {
    // A way count that is not a power of two is the likelier culprit (sizes
    // and lines nearly always are), unless the size is not even whole lines.
    const bool odd_ways = !is_power_of_two(std::uint64_t(c.ways)) && c.size_bytes % std::uint64_t(c.line_bytes) == 0;
    fail(odd_ways ? std::vector<std::string>{"ways", "size", "line"} : std::vector<std::string>{"size", "line", "ways"},
         fmt::format("size {} is not a whole number of sets of {} ways x {} lines ({} a set)",
                     format_bytes(double(c.size_bytes)), c.ways, format_bytes(c.line_bytes),
                     format_bytes(double(set_bytes))));
  }
  const std::uint64_t lines = c.size_bytes / std::uint64_t(c.line_bytes);
  if (lines > kMaxCacheLines) {
    fail({"size", "line"}, fmt::format("{} in {} B lines is {} lines, whose state ({} B each) needs {}; the model takes at "
                             "most {} lines ({}): give a larger line or a smaller size",
                             format_bytes(double(c.size_bytes)), c.line_bytes, lines, kCacheStateBytesPerLine,
                             format_bytes(double(lines * kCacheStateBytesPerLine)), kMaxCacheLines,
                             format_bytes(double(kMaxCacheLines * kCacheStateBytesPerLine))));
  }
  if (c.banks < 1 || c.sets() % std::uint32_t(c.banks) != 0) {
    fail({"banks", "size", "line", "ways"}, fmt::format("{} banks do not divide the {} sets", c.banks, c.sets()));
  }
  if (c.mshrs < 1) fail({"mshrs"}, "must be at least 1");
  try {
    make_replacement_policy(c.replacement, 1, c.ways, c.seed);
  } catch (const InputError& e) {
    fail({"replacement", "ways"}, e.what());
  }
}

}  // namespace

void validate_cache_config(const CacheConfig& config) {
  check(config, [](const std::vector<std::string>& keys, const std::string& message) {
    throw InputError("cache." + keys.front() + ": " + message);
  });
}

CacheConfig load_cache_config(YamlMap& m) {
  CacheConfig c;
  c.size_bytes = m.byte_size("size", 1, kMaxCacheBytes, c.size_bytes);
  c.line_bytes = int(m.byte_size("line", 1, kMaxCacheLineBytes, std::uint64_t(c.line_bytes)));
  c.ways = int(m.integer("ways", 1, 1024, c.ways));
  c.banks = int(m.integer("banks", 1, 1024, c.banks));
  c.replacement = m.choice("replacement", replacement_policy_names(), c.replacement);
  c.seed = std::uint64_t(m.integer("seed", 0, std::numeric_limits<std::int64_t>::max(), std::int64_t(c.seed)));
  c.write_policy = m.choice("write_policy", {"wb", "wt"}, "wb") == "wb" ? WritePolicy::kWriteBack
                                                                       : WritePolicy::kWriteThrough;
  c.hit_latency_cycles = int(m.integer("hit_latency_cycles", 0, 1 << 20, c.hit_latency_cycles));
  c.mshrs = int(m.integer("mshrs", 1, 4096, c.mshrs));
  m.finish();
  check(c, [&](const std::vector<std::string>& keys, const std::string& message) {
    const std::string key = m.blamed_key(keys);
    m.fail(key.empty() ? keys.front() : key, message);
  });
  return c;
}

namespace {
const CacheConfig& validated(const CacheConfig& c) {
  validate_cache_config(c);
  return c;
}
}  // namespace

Cache::Cache(const CacheConfig& config, CacheDownstream* downstream)
    : config_(validated(config)),
      downstream_(downstream),
      policy_(make_replacement_policy(config_.replacement, config_.sets(), config_.ways, config_.seed)),
      sets_(config_.sets()),
      tags_(std::size_t(sets_) * config_.ways, 0),
      valid_(tags_.size(), 0),
      dirty_(tags_.size(), 0),
      fill_ready_(tags_.size(), 0),
      bank_free_(config_.banks, 0),
      mshr_free_(config_.mshrs, 0) {}

std::uint64_t Cache::dirty_lines() const {
  return std::uint64_t(std::count(dirty_.begin(), dirty_.end(), std::uint8_t{1}));
}

void Cache::write_through(std::uint64_t address, std::uint64_t bytes, std::uint64_t cycle) {
  ++counters_.write_throughs;
  counters_.write_through_bytes += bytes;
  if (downstream_ && bytes > 0) downstream_->transfer(address, bytes, true, cycle);
}

Cache::Outcome Cache::access(std::uint64_t address, bool is_write, std::uint64_t cycle, std::uint64_t bytes) {
  const std::uint64_t line = address / std::uint64_t(config_.line_bytes);
  const std::uint32_t set = std::uint32_t(line % sets_);
  const std::uint64_t tag = line / sets_;
  const std::size_t base = std::size_t(set) * config_.ways;
  const bool write_back = config_.write_policy == WritePolicy::kWriteBack;
  if (is_write) ++counters_.writes; else ++counters_.reads;

  // One tag lookup per bank per cycle.
  const std::uint32_t bank = set % std::uint32_t(config_.banks);
  const std::uint64_t start = std::max(cycle, bank_free_[bank]);
  counters_.bank_conflict_cycles += start - cycle;
  bank_free_[bank] = start + 1;
  const std::uint64_t looked_up = start + std::uint64_t(config_.hit_latency_cycles);
  const std::uint64_t line_address = line * std::uint64_t(config_.line_bytes);

  Outcome out;
  for (int w = 0; w < config_.ways; ++w) {
    if (valid_[base + w] && tags_[base + w] == tag) {
      ++counters_.hits;
      counters_.hit_bytes += bytes;
      out.hit = true;
      policy_->on_hit(set, w);
      out.done_cycle = std::max(looked_up, fill_ready_[base + w]);
      if (fill_ready_[base + w] > looked_up) ++counters_.mshr_merges;
      if (is_write) {
        if (write_back) {
          dirty_[base + w] = 1;
        } else {
          write_through(address, bytes, looked_up);
        }
      }
      return out;
    }
  }

  ++counters_.misses;
  if (is_write && !write_back) {  // no write-allocate: the write goes downstream only
    write_through(address, bytes, looked_up);
    out.done_cycle = looked_up;
    return out;
  }

  int way = -1;
  for (int w = 0; w < config_.ways && way < 0; ++w) {
    if (!valid_[base + w]) way = w;
  }
  // A miss needs a free MSHR; the earliest to free is taken.
  auto mshr = std::min_element(mshr_free_.begin(), mshr_free_.end());
  const std::uint64_t issue = std::max(looked_up, *mshr);
  counters_.mshr_stall_cycles += issue - looked_up;
  if (way < 0) {
    way = policy_->victim(set);
    ++counters_.evictions;
    out.evicted = true;
    if (dirty_[base + way]) {
      ++counters_.writebacks;
      out.wrote_back = true;
      const std::uint64_t victim_address =
          (tags_[base + way] * sets_ + set) * std::uint64_t(config_.line_bytes);
      if (downstream_) downstream_->transfer(victim_address, std::uint64_t(config_.line_bytes), true, issue);
    }
  }
  ++counters_.fills;
  const std::uint64_t ready = downstream_ ? downstream_->transfer(line_address, std::uint64_t(config_.line_bytes), false, issue)
                                          : issue + std::uint64_t(config_.miss_latency_cycles);
  *mshr = ready;
  tags_[base + way] = tag;
  valid_[base + way] = 1;
  dirty_[base + way] = is_write ? 1 : 0;
  fill_ready_[base + way] = ready;
  policy_->on_fill(set, way);
  out.done_cycle = ready;
  return out;
}

}  // namespace qarch::memory

#pragma once
// Set-associative cache timing core (plain C++): size, line, ways, banks;
// pluggable replacement (cache_replacement.h); write-back/write-allocate or
// write-through/no-write-allocate; non-blocking misses through MSHRs. Usable
// as an on-chip weight cache or a system-level cache in front of DRAM: misses
// and write-backs go to a CacheDownstream (e.g. the DRAM model).
//
// Functional rule (what hits/misses/evictions count, exactly):
//  * line = address / line_bytes, set = line % sets, tag = line / sets;
//  * a hit updates the policy (and marks the line dirty on a write-back write);
//  * a read miss, or a write miss with write-allocate, fills the lowest
//    invalid way, else evicts policy.victim(set) (evictions + 1; write-backs
//    + 1 if it was dirty);
//  * a write miss without allocation only goes downstream.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/memory/cache_replacement.h"

namespace qarch {
class YamlMap;
}

namespace qarch::memory {

enum class WritePolicy { kWriteBack, kWriteThrough };  // with / without write-allocate

// Largest cache and line the config reader takes.
inline constexpr std::uint64_t kMaxCacheBytes = std::uint64_t{1} << 30;
inline constexpr std::uint64_t kMaxCacheLineBytes = std::uint64_t{1} << 20;
// The model holds the state of every line from the start: tag, fill cycle and
// LRU/FIFO stamp (8 B each), valid and dirty flags (1 B each). It takes at
// most 2^24 lines (a 1 GiB cache of 64 B lines), 416 MiB of state.
inline constexpr std::uint64_t kCacheStateBytesPerLine = 26;
inline constexpr std::uint64_t kMaxCacheLines = std::uint64_t{1} << 24;

struct CacheConfig {
  std::uint64_t size_bytes = 32 * 1024;
  int line_bytes = 64;
  int ways = 8;
  int banks = 1;                  // sets interleaved over banks, one access per bank per cycle
  std::string replacement = "lru";
  std::uint64_t seed = 1;         // for "random"
  WritePolicy write_policy = WritePolicy::kWriteBack;
  int hit_latency_cycles = 1;
  // Fill time when no downstream model is attached (not a config key: in
  // qarch run the DRAM behind the cache times every fill).
  int miss_latency_cycles = 20;
  int mshrs = 8;

  std::uint32_t sets() const { return std::uint32_t(size_bytes / line_bytes / ways); }
};

// Keys: size, line, ways, banks, replacement, seed, write_policy (wb|wt),
// hit_latency_cycles, mshrs.
CacheConfig load_cache_config(YamlMap& map);
void validate_cache_config(const CacheConfig& config);  // InputError naming the key

struct CacheCounters {
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t hits = 0;
  std::uint64_t hit_bytes = 0;       // bytes the hits read or wrote in the data array
  std::uint64_t misses = 0;
  std::uint64_t fills = 0;           // lines fetched from downstream: read misses, write misses with write-allocate
  std::uint64_t evictions = 0;
  std::uint64_t writebacks = 0;      // dirty evictions sent downstream
  std::uint64_t write_throughs = 0;  // writes sent downstream by write-through
  std::uint64_t write_through_bytes = 0;  // the bytes they wrote (a write need not cover its line)
  std::uint64_t mshr_merges = 0;     // hits on a line whose fill is still in flight
  std::uint64_t mshr_stall_cycles = 0;
  std::uint64_t bank_conflict_cycles = 0;
};

class CacheDownstream {
 public:
  virtual ~CacheDownstream() = default;
  // Moves `bytes` from `address`: a line (fills and write-backs), or the
  // bytes of a line a write-through writes. Returns the cycle (cache clock)
  // the transfer completes.
  virtual std::uint64_t transfer(std::uint64_t address, std::uint64_t bytes, bool is_write,
                                 std::uint64_t cycle) = 0;
};

class Cache {
 public:
  struct Outcome {
    bool hit = false;
    bool evicted = false;
    bool wrote_back = false;
    std::uint64_t done_cycle = 0;  // data available (read) / accepted (write)
  };

  // Validates the config (InputError).
  explicit Cache(const CacheConfig& config, CacheDownstream* downstream = nullptr);

  // An access to the line holding `address` that moves `bytes` of it from
  // `address` on (for the data array's energy and what a write-through
  // writes; the whole line unless given).
  Outcome access(std::uint64_t address, bool is_write, std::uint64_t cycle = 0) {
    return access(address, is_write, cycle, std::uint64_t(config_.line_bytes));
  }
  Outcome access(std::uint64_t address, bool is_write, std::uint64_t cycle, std::uint64_t bytes);
  const CacheCounters& counters() const { return counters_; }
  const CacheConfig& config() const { return config_; }
  // Lines written since their fill and not written back (write-back only):
  // what a flush would still write downstream.
  std::uint64_t dirty_lines() const;

 private:
  // Sends the bytes a write writes downstream (write-through).
  void write_through(std::uint64_t address, std::uint64_t bytes, std::uint64_t cycle);

  CacheConfig config_;
  CacheDownstream* downstream_;
  std::unique_ptr<ReplacementPolicy> policy_;
  std::uint32_t sets_;
  std::vector<std::uint64_t> tags_;
  std::vector<std::uint8_t> valid_, dirty_;
  std::vector<std::uint64_t> fill_ready_;  // cycle each line's fill completes
  std::vector<std::uint64_t> bank_free_;
  std::vector<std::uint64_t> mshr_free_;
  CacheCounters counters_;
};

}  // namespace qarch::memory

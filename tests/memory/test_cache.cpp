// Cache hit/miss/eviction counts against a brute-force reference model
// written here, independently of models/memory (different data structures:
// recency lists, fill queues and per-half timestamps instead of the model's
// counters and tree bits), on random, strided and looping traces, for every
// replacement policy and both write policies.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "models/memory/cache.h"

using namespace qarch::memory;

namespace {

struct Access {
  std::uint64_t address;
  bool is_write;
};

struct Counts {
  std::uint64_t hits = 0, misses = 0, evictions = 0, writebacks = 0;
};

// Brute force: each set is a vector of lines; the policy is recomputed from
// the access history kept per line.
class ReferenceCache {
 public:
  ReferenceCache(std::uint64_t size, int line, int ways, std::string policy, bool write_back,
                 std::uint64_t seed)
      : line_(line), ways_(ways), sets_(size / line / ways), policy_(std::move(policy)),
        write_back_(write_back), rng_(seed), sets_state_(sets_) {}

  void access(const Access& a) {
    const std::uint64_t block = a.address / line_;
    Set& s = sets_state_[block % sets_];
    const std::uint64_t tag = block / sets_;
    ++now_;
    for (Line& l : s.lines) {
      if (l.tag == tag) {
        ++c.hits;
        l.last_use = now_;
        s.recency.erase(std::find(s.recency.begin(), s.recency.end(), l.way));
        s.recency.push_front(l.way);
        if (a.is_write && write_back_) l.dirty = true;
        return;
      }
    }
    ++c.misses;
    if (a.is_write && !write_back_) return;
    Line fresh{tag, 0, a.is_write, now_};
    if (int(s.lines.size()) < ways_) {  // lowest free way
      fresh.way = int(s.lines.size());
      s.lines.push_back(fresh);
    } else {
      const int victim = choose_victim(s);
      ++c.evictions;
      auto it = std::find_if(s.lines.begin(), s.lines.end(), [&](const Line& l) { return l.way == victim; });
      if (it->dirty) ++c.writebacks;
      fresh.way = victim;
      *it = fresh;
      s.recency.erase(std::find(s.recency.begin(), s.recency.end(), victim));
      s.fifo.erase(std::find(s.fifo.begin(), s.fifo.end(), victim));
    }
    s.recency.push_front(fresh.way);
    s.fifo.push_back(fresh.way);
  }

  Counts c;
  std::uint64_t dirty_lines() const {
    std::uint64_t n = 0;
    for (const Set& s : sets_state_) n += std::count_if(s.lines.begin(), s.lines.end(), [](const Line& l) { return l.dirty; });
    return n;
  }

 private:
  struct Line {
    std::uint64_t tag;
    int way;
    bool dirty;
    std::uint64_t last_use;
  };
  struct Set {
    std::vector<Line> lines;
    std::deque<int> recency;  // most recent first
    std::deque<int> fifo;     // oldest fill first
  };

  int choose_victim(Set& s) {
    if (policy_ == "lru") return s.recency.back();
    if (policy_ == "fifo") return s.fifo.front();
    if (policy_ == "random") return int(rng_() % std::uint64_t(ways_));
    // plru: at each tree node go to the half whose most recent use is older.
    std::vector<std::uint64_t> last(ways_, 0);
    for (const Line& l : s.lines) last[l.way] = l.last_use;
    int lo = 0, span = ways_;
    while (span > 1) {
      span /= 2;
      const auto left = *std::max_element(last.begin() + lo, last.begin() + lo + span);
      const auto right = *std::max_element(last.begin() + lo + span, last.begin() + lo + 2 * span);
      if (right < left) lo += span;
    }
    return lo;
  }

  std::uint64_t line_;
  int ways_;
  std::uint64_t sets_;
  std::string policy_;
  bool write_back_;
  std::mt19937_64 rng_;
  std::vector<Set> sets_state_;
  std::uint64_t now_ = 0;
};

std::vector<Access> random_trace(std::uint64_t span, int n, std::uint32_t seed) {
  std::mt19937 g(seed);
  std::vector<Access> t(n);
  for (auto& a : t) a = {(g() % span) & ~std::uint64_t{3}, g() % 4 == 0};
  return t;
}

std::vector<Access> strided_trace(std::uint64_t stride, int n) {
  std::vector<Access> t(n);
  for (int i = 0; i < n; ++i) t[i] = {std::uint64_t(i) * stride % (stride * 97), i % 5 == 4};
  return t;
}

std::vector<Access> looping_trace(std::uint64_t footprint, int line, int passes) {
  std::vector<Access> t;
  for (int p = 0; p < passes; ++p) {
    for (std::uint64_t a = 0; a < footprint; a += line) t.push_back({a, (a / line) % 7 == 3});
  }
  return t;
}

}  // namespace

TEST_CASE("cache counts equal the brute-force reference for every policy, geometry and trace") {
  struct Geometry {
    std::uint64_t size;
    int line, ways;
  };
  const Geometry geometries[] = {{32 * 1024, 64, 8}, {4096, 32, 4}, {1024, 64, 1}, {1024, 64, 16}, {8192, 64, 2}};
  for (const auto& policy : replacement_policy_names()) {
    for (const Geometry& g : geometries) {
      for (bool write_back : {true, false}) {
        const std::vector<std::pair<const char*, std::vector<Access>>> traces = {
            {"random", random_trace(4 * g.size, 20000, 7)},
            {"random-small", random_trace(g.size / 2 + 3 * g.line, 20000, 11)},
            {"strided line*sets", strided_trace(g.size / g.ways, 5000)},
            {"strided 4 KiB", strided_trace(4096, 5000)},
            {"looping cache+line", looping_trace(g.size + g.line, g.line, 6)},
            {"looping 1.5x", looping_trace(g.size * 3 / 2, g.line, 4)},
        };
        for (const auto& [name, trace] : traces) {
          INFO(policy << " " << g.size << " B, " << g.line << " B lines, " << g.ways << " ways, "
                      << (write_back ? "wb" : "wt") << ", trace " << name);
          CacheConfig c;
          c.size_bytes = g.size;
          c.line_bytes = g.line;
          c.ways = g.ways;
          c.replacement = policy;
          c.seed = 42;
          c.write_policy = write_back ? WritePolicy::kWriteBack : WritePolicy::kWriteThrough;
          Cache cache(c);
          ReferenceCache ref(g.size, g.line, g.ways, policy, write_back, 42);
          for (const Access& a : trace) {
            cache.access(a.address, a.is_write);
            ref.access(a);
          }
          CHECK(cache.counters().hits == ref.c.hits);
          CHECK(cache.counters().misses == ref.c.misses);
          CHECK(cache.counters().evictions == ref.c.evictions);
          CHECK(cache.counters().writebacks == ref.c.writebacks);
          CHECK(cache.dirty_lines() == ref.dirty_lines());
          CHECK(cache.counters().hits + cache.counters().misses == trace.size());
        }
      }
    }
  }
}

TEST_CASE("LRU on a loop one line larger than a fully associative cache misses every time") {
  // The textbook LRU pathology; a loop that fits hits after the first pass.
  CacheConfig c;
  c.size_bytes = 1024;
  c.line_bytes = 64;
  c.ways = 16;
  Cache too_big(c);
  for (const Access& a : looping_trace(1024 + 64, 64, 5)) too_big.access(a.address, false);
  CHECK(too_big.counters().hits == 0);
  Cache fits(c);
  for (const Access& a : looping_trace(1024, 64, 5)) fits.access(a.address, false);
  CHECK(fits.counters().misses == 16);
  CHECK(fits.counters().hits == 4 * 16);
}

TEST_CASE("misses wait for an MSHR and hits on a filling line wait for the fill") {
  CacheConfig c;
  c.mshrs = 2;
  c.hit_latency_cycles = 1;
  c.miss_latency_cycles = 100;
  Cache cache(c);
  // One bank: one lookup per cycle, so same-cycle requests start 0, 1, 2.
  CHECK(cache.access(0, false, 0).done_cycle == 0 + 1 + 100);
  CHECK(cache.access(64, false, 0).done_cycle == 1 + 1 + 100);
  // The third miss (looked up at 3) waits for the first MSHR to free at 101.
  CHECK(cache.access(128, false, 0).done_cycle == 101 + 100);
  CHECK(cache.counters().mshr_stall_cycles == 101 - 3);
  CHECK(cache.counters().bank_conflict_cycles == 1 + 2);
  CHECK(cache.access(0, false, 5).done_cycle == 101);  // merged into the in-flight fill
  CHECK(cache.counters().mshr_merges == 1);
}

TEST_CASE("cache config errors name the key") {
  auto load = [](const std::string& yaml) {
    qarch::YamlMap m(qarch::load_yaml_string(yaml, "acc.yaml"), "acc.yaml", "cache");
    return load_cache_config(m);
  };
  CHECK(load("size: 64 KiB\nways: 4\nreplacement: plru\n").sets() == 256);
  CHECK_THROWS_WITH(load("size: 1000 B\n"), Catch::Contains("acc.yaml:1: cache.size"));
  CHECK_THROWS_WITH(load("ways: 6\nsize: 6 KiB\nreplacement: plru\n"),
                    Catch::Contains("cache.replacement") && Catch::Contains("power-of-two"));
  CHECK_THROWS_WITH(load("replacement: mru\n"), Catch::Contains("allowed: lru, plru, fifo, random"));
  CHECK_THROWS_WITH(load("line: 48 B\n"), Catch::Contains("cache.line"));
  // The model holds 26 B of state for each of size / line lines, at most 2^24 of them.
  CHECK(load("size: 1 GiB\nline: 64 B\nways: 1\n").sets() == (1u << 24));
  CHECK_THROWS_WITH(load("size: 1 GiB\nline: 32 B\nways: 1\n"),
                    Catch::Contains("acc.yaml:1: cache.size: 1 GiB in 32 B lines is 33554432 lines, whose state "
                                    "(26 B each) needs 832 MiB; the model takes at most 16777216 lines (416 MiB): "
                                    "give a larger line or a smaller size"));
  CacheConfig huge;
  huge.size_bytes = kMaxCacheBytes;
  huge.line_bytes = 1;
  huge.ways = 1;
  CHECK_THROWS_WITH(validate_cache_config(huge), Catch::StartsWith("cache.size: 1 GiB in 1 B lines"));
}

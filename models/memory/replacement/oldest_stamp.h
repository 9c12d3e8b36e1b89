#pragma once
// Shared by LRU and FIFO: the victim is the way with the oldest stamp; the
// two differ only in whether a hit renews the stamp.
#include <cstdint>
#include <vector>

#include "models/memory/cache_replacement.h"

namespace qarch::memory {

class OldestStampPolicy : public ReplacementPolicy {
 public:
  OldestStampPolicy(std::uint32_t sets, int ways, bool stamp_on_hit)
      : ways_(ways), stamp_on_hit_(stamp_on_hit), stamps_(std::size_t(sets) * ways, 0) {}
  void on_fill(std::uint32_t set, int way) override { stamp(set, way); }
  void on_hit(std::uint32_t set, int way) override {
    if (stamp_on_hit_) stamp(set, way);
  }
  int victim(std::uint32_t set) override {
    const std::uint64_t* s = &stamps_[std::size_t(set) * ways_];
    int oldest = 0;
    for (int w = 1; w < ways_; ++w) {
      if (s[w] < s[oldest]) oldest = w;
    }
    return oldest;
  }

 private:
  void stamp(std::uint32_t set, int way) { stamps_[std::size_t(set) * ways_ + way] = ++clock_; }
  int ways_;
  bool stamp_on_hit_;
  std::uint64_t clock_ = 0;
  std::vector<std::uint64_t> stamps_;
};

}  // namespace qarch::memory

// True LRU: the victim is the way used longest ago (fill or hit).
#include <vector>

#include "models/memory/cache_replacement.h"

namespace qarch::memory {
namespace {

class LruPolicy final : public ReplacementPolicy {
 public:
  LruPolicy(std::uint32_t sets, int ways) : ways_(ways), last_use_(std::size_t(sets) * ways, 0) {}
  void on_fill(std::uint32_t set, int way) override { touch(set, way); }
  void on_hit(std::uint32_t set, int way) override { touch(set, way); }
  int victim(std::uint32_t set) override {
    const std::uint64_t* use = &last_use_[std::size_t(set) * ways_];
    int oldest = 0;
    for (int w = 1; w < ways_; ++w) {
      if (use[w] < use[oldest]) oldest = w;
    }
    return oldest;
  }

 private:
  void touch(std::uint32_t set, int way) { last_use_[std::size_t(set) * ways_ + way] = ++clock_; }
  int ways_;
  std::uint64_t clock_ = 0;
  std::vector<std::uint64_t> last_use_;
};

}  // namespace

std::unique_ptr<ReplacementPolicy> make_lru_policy(std::uint32_t sets, int ways) {
  return std::make_unique<LruPolicy>(sets, ways);
}

}  // namespace qarch::memory

// FIFO: the victim is the way filled longest ago; hits do not reorder.
#include <vector>

#include "models/memory/cache_replacement.h"

namespace qarch::memory {
namespace {

class FifoPolicy final : public ReplacementPolicy {
 public:
  FifoPolicy(std::uint32_t sets, int ways) : ways_(ways), filled_(std::size_t(sets) * ways, 0) {}
  void on_fill(std::uint32_t set, int way) override {
    filled_[std::size_t(set) * ways_ + way] = ++clock_;
  }
  void on_hit(std::uint32_t, int) override {}
  int victim(std::uint32_t set) override {
    const std::uint64_t* f = &filled_[std::size_t(set) * ways_];
    int oldest = 0;
    for (int w = 1; w < ways_; ++w) {
      if (f[w] < f[oldest]) oldest = w;
    }
    return oldest;
  }

 private:
  int ways_;
  std::uint64_t clock_ = 0;
  std::vector<std::uint64_t> filled_;
};

}  // namespace

std::unique_ptr<ReplacementPolicy> make_fifo_policy(std::uint32_t sets, int ways) {
  return std::make_unique<FifoPolicy>(sets, ways);
}

}  // namespace qarch::memory

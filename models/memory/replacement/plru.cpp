// Tree pseudo-LRU (as in many L1 caches): ways - 1 bits per set form a binary
// tree; each use points every bit on the way's path away from it, and the
// victim is found by following the bits from the root (0 = left, 1 = right).
#include <vector>

#include "models/memory/cache_replacement.h"

namespace qarch::memory {
namespace {

class PlruPolicy final : public ReplacementPolicy {
 public:
  PlruPolicy(std::uint32_t sets, int ways)
      : ways_(ways), bits_(std::size_t(sets) * (ways > 1 ? ways - 1 : 1), 0) {}
  void on_fill(std::uint32_t set, int way) override { touch(set, way); }
  void on_hit(std::uint32_t set, int way) override { touch(set, way); }
  int victim(std::uint32_t set) override {
    const std::uint8_t* tree = &bits_[std::size_t(set) * (ways_ - 1)];
    int node = 0, lo = 0, span = ways_;
    while (span > 1) {
      span /= 2;
      if (tree[node]) {
        lo += span;
        node = 2 * node + 2;
      } else {
        node = 2 * node + 1;
      }
    }
    return lo;
  }

 private:
  void touch(std::uint32_t set, int way) {
    if (ways_ == 1) return;
    std::uint8_t* tree = &bits_[std::size_t(set) * (ways_ - 1)];
    int node = 0, lo = 0, span = ways_;
    while (span > 1) {
      span /= 2;
      const bool right = way >= lo + span;
      tree[node] = right ? 0 : 1;  // point away from the used half
      if (right) {
        lo += span;
        node = 2 * node + 2;
      } else {
        node = 2 * node + 1;
      }
    }
  }
  int ways_;
  std::vector<std::uint8_t> bits_;
};

}  // namespace

std::unique_ptr<ReplacementPolicy> make_plru_policy(std::uint32_t sets, int ways) {
  return std::make_unique<PlruPolicy>(sets, ways);
}

}  // namespace qarch::memory

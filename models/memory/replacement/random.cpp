// Random: victim = mt19937_64(seed)() % ways, one draw per eviction, so a
// run is reproducible for a given seed.
#include <random>

#include "models/memory/cache_replacement.h"

namespace qarch::memory {
namespace {

class RandomPolicy final : public ReplacementPolicy {
 public:
  RandomPolicy(int ways, std::uint64_t seed) : ways_(ways), rng_(seed) {}
  void on_fill(std::uint32_t, int) override {}
  void on_hit(std::uint32_t, int) override {}
  int victim(std::uint32_t) override { return int(rng_() % std::uint64_t(ways_)); }

 private:
  int ways_;
  std::mt19937_64 rng_;
};

}  // namespace

std::unique_ptr<ReplacementPolicy> make_random_policy(std::uint32_t, int ways, std::uint64_t seed) {
  return std::make_unique<RandomPolicy>(ways, seed);
}

}  // namespace qarch::memory

#include "models/memory/cache_replacement.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/input_error.h"

namespace qarch::memory {

const std::vector<std::string>& replacement_policy_names() {
  static const std::vector<std::string> names = {"lru", "plru", "fifo", "random"};
  return names;
}

std::unique_ptr<ReplacementPolicy> make_replacement_policy(const std::string& name,
                                                           std::uint32_t sets, int ways,
                                                           std::uint64_t seed) {
  if (name == "lru") return make_lru_policy(sets, ways);
  if (name == "plru") {
    if ((ways & (ways - 1)) != 0) {
      throw InputError(fmt::format("replacement 'plru' (tree pseudo-LRU) needs a power-of-two "
                                   "number of ways, not {}",
                                   ways));
    }
    return make_plru_policy(sets, ways);
  }
  if (name == "fifo") return make_fifo_policy(sets, ways);
  if (name == "random") return make_random_policy(sets, ways, seed);
  throw InputError(fmt::format("unknown replacement policy '{}'; allowed: {}", name,
                               fmt::join(replacement_policy_names(), ", ")));
}

}  // namespace qarch::memory

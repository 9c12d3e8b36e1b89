// True LRU: the victim is the way used (filled or hit) longest ago.
#include "models/memory/replacement/oldest_stamp.h"

namespace qarch::memory {

std::unique_ptr<ReplacementPolicy> make_lru_policy(std::uint32_t sets, int ways) {
  return std::make_unique<OldestStampPolicy>(sets, ways, /*stamp_on_hit=*/true);
}

}  // namespace qarch::memory

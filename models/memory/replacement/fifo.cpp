// FIFO: the victim is the way filled longest ago; hits do not reorder.
#include "models/memory/replacement/oldest_stamp.h"

namespace qarch::memory {

std::unique_ptr<ReplacementPolicy> make_fifo_policy(std::uint32_t sets, int ways) {
  return std::make_unique<OldestStampPolicy>(sets, ways, /*stamp_on_hit=*/false);
}

}  // namespace qarch::memory

#pragma once
// Cache replacement as one small interface with implementations beside it in
// replacement/, picked by name through one registry (cache_replacement.cpp).
//
// Contract: the cache fills invalid ways itself (lowest way first) and asks
// the policy only when every way of the set is valid. on_fill and on_hit
// report each use of a way; victim() names the way to replace and may change
// only the policy's own state (e.g. a random generator), never the cache's.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace qarch::memory {

class ReplacementPolicy {
 public:
  virtual ~ReplacementPolicy() = default;
  virtual void on_fill(std::uint32_t set, int way) = 0;
  virtual void on_hit(std::uint32_t set, int way) = 0;
  virtual int victim(std::uint32_t set) = 0;
};

// Names: lru, plru, fifo, random. Throws InputError for an unknown name or a
// geometry the policy cannot serve (plru needs a power-of-two way count).
std::unique_ptr<ReplacementPolicy> make_replacement_policy(const std::string& name,
                                                           std::uint32_t sets, int ways,
                                                           std::uint64_t seed);
const std::vector<std::string>& replacement_policy_names();

// Factories, one per file in replacement/.
std::unique_ptr<ReplacementPolicy> make_lru_policy(std::uint32_t sets, int ways);
std::unique_ptr<ReplacementPolicy> make_plru_policy(std::uint32_t sets, int ways);
std::unique_ptr<ReplacementPolicy> make_fifo_policy(std::uint32_t sets, int ways);
std::unique_ptr<ReplacementPolicy> make_random_policy(std::uint32_t sets, int ways,
                                                      std::uint64_t seed);

}  // namespace qarch::memory

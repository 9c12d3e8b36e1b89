#pragma once
// Byte address -> (channel, pseudo-channel, rank, bank group, bank, row,
// column) by bit slicing. The mapping string lists fields from the most to the
// least significant, above the burst offset: "ro:ba:co:bg" puts the bank group
// directly above the burst, so consecutive bursts rotate over bank groups.
// Fields: ch, pc, ra, bg, ba, ro, co. A field whose count is 1 may be left out.
// Optional XOR hashing (Zhang et al., MICRO 2000, permutation-based page
// interleaving) XORs the bank and bank-group indices with the low row bits.
#include <array>
#include <cstdint>
#include <string>

#include "models/memory/dram_config.h"

namespace qarch::memory {

struct DramAddress {
  std::uint32_t channel = 0;
  std::uint32_t pseudo_channel = 0;
  std::uint32_t rank = 0;
  std::uint32_t bank_group = 0;
  std::uint32_t bank = 0;
  std::uint32_t row = 0;
  std::uint32_t column = 0;  // in bursts within the row
};

class DramAddressMap {
 public:
  // Throws InputError for an unknown, repeated or missing field.
  explicit DramAddressMap(const DramConfig& config);

  // Addresses beyond the capacity wrap (address & (capacity - 1)), as the
  // reference simulators' replay drivers do.
  DramAddress decode(std::uint64_t byte_address) const;
  std::uint64_t capacity_bytes() const { return capacity_mask_ + 1; }

 private:
  enum Field { kCh, kPc, kRa, kBg, kBa, kRo, kCo, kFieldCount };
  struct Slice {
    int shift = 0;
    std::uint64_t mask = 0;
  };
  std::array<Slice, kFieldCount> slices_{};
  int burst_offset_bits_ = 0;
  std::uint64_t capacity_mask_ = 0;
  bool xor_hash_ = false;
  std::uint32_t bank_mask_ = 0;
  std::uint32_t bank_group_mask_ = 0;
  int bank_bits_ = 0;
};

// The dram: key ("channels", "ranks", ...) of the first organisation count
// above 1 that config.address_mapping has no field for; "" if there is none.
std::string unmapped_count_key(const DramConfig& config);

}  // namespace qarch::memory

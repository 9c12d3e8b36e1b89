#include "models/memory/dram_address_map.h"

#include <vector>

#include <fmt/format.h>

#include "common/input_error.h"

namespace qarch::memory {
namespace {

constexpr int kFields = 7;
const char* const kNames[kFields] = {"ch", "pc", "ra", "bg", "ba", "ro", "co"};
// The dram: key whose count each field indexes (co: the bursts in a row of `columns`).
const char* const kCountKeys[kFields] = {"channels", "pseudo_channels", "ranks", "bank_groups",
                                         "banks_per_group", "rows", "columns"};

std::array<std::uint64_t, kFields> field_counts(const DramConfig& c) {
  return {std::uint64_t(c.channels),        std::uint64_t(c.pseudo_channels),
          std::uint64_t(c.ranks),           std::uint64_t(c.bank_groups),
          std::uint64_t(c.banks_per_group), std::uint64_t(c.rows),
          std::uint64_t(c.bursts_per_row())};
}

// The fields with a count above 1 that the mapping does not list.
std::vector<int> unmapped_fields(const DramConfig& c) {
  const auto counts = field_counts(c);
  const std::string mapping = ":" + c.address_mapping + ":";
  std::vector<int> fields;
  for (int f = 0; f < kFields; ++f) {
    if (counts[f] > 1 && mapping.find(":" + std::string(kNames[f]) + ":") == std::string::npos) fields.push_back(f);
  }
  return fields;
}

int log2_exact(std::uint64_t v) {
  int bits = 0;
  while ((std::uint64_t{1} << bits) < v) ++bits;
  return bits;
}

}  // namespace

std::string unmapped_count_key(const DramConfig& config) {
  const std::vector<int> fields = unmapped_fields(config);
  return fields.empty() ? "" : kCountKeys[fields.front()];
}

DramAddressMap::DramAddressMap(const DramConfig& c) {
  static_assert(kFields == kFieldCount);
  const auto counts = field_counts(c);
  const std::string allowed = "ch, pc, ra, bg, ba, ro, co";

  std::vector<int> order;  // most significant first
  for (std::size_t begin = 0, end = 0; end != std::string::npos; begin = end + 1) {
    end = c.address_mapping.find(':', begin);
    const std::string part = c.address_mapping.substr(begin, end - begin);  // to the end when npos
    if (part.empty()) {
      throw InputError(fmt::format(
          "address_mapping '{}': empty field {} (a ':' at either end or two in a row); fields are colon-separated, "
          "most significant first, from: {} (e.g. ro:ba:co:bg)",
          c.address_mapping, order.size() + 1, allowed));
    }
    int field = -1;
    for (int f = 0; f < kFieldCount; ++f) {
      if (part == kNames[f]) field = f;
    }
    if (field < 0) {
      throw InputError(fmt::format(
          "address_mapping '{}': unknown field '{}'; allowed fields: {} (colon-separated, "
          "most significant first, e.g. ro:ba:co:bg)",
          c.address_mapping, part, allowed));
    }
    for (int f : order) {
      if (f == field) {
        throw InputError(fmt::format("address_mapping '{}': field '{}' appears twice",
                                     c.address_mapping, part));
      }
    }
    order.push_back(field);
  }
  if (const std::vector<int> missing = unmapped_fields(c); !missing.empty()) {
    // Name every missing field, so that the example is a mapping that works.
    std::vector<std::string> named;
    std::string example = c.address_mapping;
    for (int f : missing) {
      named.push_back(fmt::format("'{}' ({})", kNames[f], counts[f]));
      example += ":" + std::string(kNames[f]);
    }
    const int f = missing.front();
    const std::string what =
        missing.size() == 1
            ? fmt::format("field '{}' is missing but the device has {} of them", kNames[f], counts[f])
            : fmt::format("fields {} are missing (the device's counts in brackets)", fmt::join(named, ", "));
    throw InputError(fmt::format("address_mapping '{}': {}; the mapping must list every field whose count is above 1, "
                                 "e.g. {}",
                                 c.address_mapping, what, example));
  }

  burst_offset_bits_ = log2_exact(std::uint64_t(c.burst_bytes()));
  int shift = burst_offset_bits_;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int bits = log2_exact(counts[*it]);
    slices_[*it] = Slice{shift, (std::uint64_t{1} << bits) - 1};
    shift += bits;
  }
  capacity_mask_ = shift >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << shift) - 1;
  xor_hash_ = c.address_hash == AddressHash::kXor;
  bank_mask_ = std::uint32_t(c.banks_per_group - 1);
  bank_group_mask_ = std::uint32_t(c.bank_groups - 1);
  bank_bits_ = log2_exact(std::uint64_t(c.banks_per_group));
}

DramAddress DramAddressMap::decode(std::uint64_t byte_address) const {
  const std::uint64_t a = byte_address & capacity_mask_;
  auto get = [&](int f) {
    return std::uint32_t((a >> slices_[f].shift) & slices_[f].mask);
  };
  DramAddress d;
  d.channel = get(kCh);
  d.pseudo_channel = get(kPc);
  d.rank = get(kRa);
  d.bank_group = get(kBg);
  d.bank = get(kBa);
  d.row = get(kRo);
  d.column = get(kCo);
  if (xor_hash_) {
    d.bank ^= d.row & bank_mask_;
    d.bank_group ^= (d.row >> bank_bits_) & bank_group_mask_;
  }
  return d;
}

}  // namespace qarch::memory

#include "cost/memory_cost.h"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/input_error.h"

namespace qarch::cost {
namespace {

constexpr double kReferenceCapacityBytes = 32.0 * 1024.0;  // Horowitz 32 KB point
constexpr double kReferenceWidthBits = 64.0;

template <typename Map>
std::string known_keys(const Map& m) {
  std::vector<std::string> keys;
  for (const auto& kv : m) keys.push_back(kv.first);
  return fmt::format("{}", fmt::join(keys, ", "));
}

}  // namespace

void validate_sram_geometry(const SramGeometry& g, const std::string& what) {
  if (!(g.capacity_bytes > 0)) throw InputError(fmt::format("{}: capacity must be > 0 bytes", what));
  if (g.width_bits <= 0) throw InputError(fmt::format("{}: access width must be > 0 bits", what));
  if (g.banks <= 0) throw InputError(fmt::format("{}: banks must be >= 1", what));
  if (g.capacity_bytes * 8.0 < static_cast<double>(g.width_bits) * g.banks) {
    throw InputError(fmt::format("{}: {} B cannot hold {} bank{} of one {}-bit word", what, g.capacity_bytes, g.banks,
                                 g.banks == 1 ? "" : "s", g.width_bits));
  }
}

double MemoryModel::sram_read_pj(const SramGeometry& g) const {
  validate_sram_geometry(g, "SRAM");
  const SramConstants& s = table_.sram;
  const double bank = std::pow(g.capacity_bytes / g.banks / kReferenceCapacityBytes, s.capacity_exponent);
  const double whole = std::pow(g.capacity_bytes / kReferenceCapacityBytes, s.capacity_exponent);
  const double shape = g.banks == 1 ? whole : (1.0 - s.htree_fraction) * bank + s.htree_fraction * whole;
  return s.read_64b_pj_at_32kib * shape * (g.width_bits / kReferenceWidthBits);
}

double MemoryModel::sram_write_pj(const SramGeometry& g) const {
  return sram_read_pj(g) * table_.sram.write_to_read_energy;
}

double MemoryModel::sram_area_um2(const SramGeometry& g) const {
  validate_sram_geometry(g, "SRAM");
  return g.capacity_bytes * 8.0 * table_.sram.bitcell_um2 / table_.sram.array_efficiency;
}

double MemoryModel::dram_pj_per_bit(const std::string& standard) const {
  auto it = table_.dram_pj_per_bit.find(standard);
  if (it == table_.dram_pj_per_bit.end()) {
    throw InputError(fmt::format("cost table {}: dram: unknown DRAM standard '{}'; allowed: {}",
                                 table_.origin, standard, known_keys(table_.dram_pj_per_bit)));
  }
  return it->second;
}

const FlashStandard& MemoryModel::flash(const std::string& standard) const {
  auto it = table_.flash.find(standard);
  if (it == table_.flash.end()) {
    throw InputError(fmt::format("cost table {}: flash: unknown flash standard '{}'; allowed: {}",
                                 table_.origin, standard, known_keys(table_.flash)));
  }
  return it->second;
}

double MemoryModel::flash_read_pj_per_bit(const std::string& standard) const {
  return flash(standard).read_pj_per_bit;
}
double MemoryModel::flash_write_pj_per_bit(const std::string& standard) const {
  return flash(standard).write_pj_per_bit;
}

}  // namespace qarch::cost

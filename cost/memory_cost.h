#pragma once
// Memories at the table's base node: on-chip SRAM (scratchpads, register
// files, cache tag and data arrays) by capacity, access width and banks;
// off-chip DRAM and flash per bit by standard (not node-scaled).
#include <string>

#include "cost/cost_table.h"

namespace qarch::cost {

struct SramGeometry {
  double capacity_bytes = 0;
  int width_bits = 64;  // bits per access
  int banks = 1;
};

class MemoryModel {
 public:
  explicit MemoryModel(const CostTable& table) : table_(table) {}

  // Energy of one access of geometry.width_bits. Read energy grows as
  // capacity^exponent (bit/word-line length); a banked array pays the bank's
  // own array plus its share of the H-tree across the whole macro.
  double sram_read_pj(const SramGeometry& g) const;
  double sram_write_pj(const SramGeometry& g) const;
  double sram_area_um2(const SramGeometry& g) const;

  // Throw InputError naming the allowed standards.
  double dram_pj_per_bit(const std::string& standard) const;
  double flash_read_pj_per_bit(const std::string& standard) const;
  double flash_write_pj_per_bit(const std::string& standard) const;

 private:
  const FlashStandard& flash(const std::string& standard) const;
  CostTable table_;
};

void validate_sram_geometry(const SramGeometry& g, const std::string& what);

}  // namespace qarch::cost

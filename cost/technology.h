#pragma once
// Technology scaling: the table is priced at its base node (45 nm, 0.9 V);
// a TechnologyPoint says how much smaller and cheaper everything on chip is at
// another node and supply voltage, per the chosen scaling set.
#include <optional>
#include <string>

#include "cost/cost_table.h"

namespace qarch::cost {

struct TechnologyPoint {
  double node_nm = 45;
  double vdd_v = 0.9;
  std::string scaling;          // name of the scaling set used
  double area_factor = 1;       // logic and SRAM area vs the base node
  double energy_factor = 1;     // dynamic energy vs the base node at its base voltage
  double leakage_nw_per_um2 = 0;  // at this node (base density * energy / area factor)
  double wire_pj_per_bit_mm = 0;  // activity * C * V^2
};

// node: "7nm"; vdd_v: empty = the node's nominal supply; scaling: empty =
// the table's default set. Unknown nodes (outside the set's range) and
// unknown sets are InputErrors naming the table and the allowed values.
TechnologyPoint resolve_technology(const CostTable& table, const std::string& node,
                                   std::optional<double> vdd_v = std::nullopt,
                                   const std::string& scaling = "");

}  // namespace qarch::cost

#pragma once
// The priced constants of the cost model, loaded from a YAML table
// (cost/tables/default.yaml is built into the binary; users pass their own).
// Every constant in the file carries its source; the loader rejects missing
// entries, negative costs and unknown nodes with file, line and entry.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/input_error.h"

namespace qarch::cost {

// Published anchor points of the datapath model at the base node.
struct LogicAnchors {
  double int_add_8b_pj, int_add_32b_pj, int_add_8b_um2, int_add_32b_um2;
  double int_mult_8b_pj, int_mult_32b_pj, int_mult_8b_um2, int_mult_32b_um2;
  double fp16_mult_pj;
  // Each anchor's key and line in the table, for errors about how they relate.
  std::map<std::string, SourceRef> where;
};

struct CellAreas {
  double dff_um2, mux2_um2, xor2_um2, nand2_um2, half_adder_um2;
};

struct SramConstants {
  double read_64b_pj_at_32kib;
  double capacity_exponent;
  double write_to_read_energy;
  double htree_fraction;
  double bitcell_um2;
  double array_efficiency;
};

struct FlashStandard {
  double read_pj_per_bit;
  double write_pj_per_bit;
};

struct WireConstants {
  double capacitance_ff_per_um;
  double activity;
};

// One technology node of a scaling set, as written in the table.
struct NodeEntry {
  double feature_nm = 0;
  double vdd_nominal_v = 0;
  double area_factor = 0;                      // resolved for every form
  std::optional<std::array<double, 3>> energy_poly;  // a V^2 + b V + c
  double energy_factor = 0;                    // at vdd_nominal_v (form 2)
  std::string relative_to;                     // form 3
  double energy_ratio = 0;                     // form 3
};

struct ScalingSet {
  std::string name;
  std::string source;
  std::map<double, NodeEntry> nodes;  // by feature size in nm
};

struct CostTable {
  std::string origin;      // file name or "built-in default table"
  std::string table_name;
  double base_node_nm = 45;
  double base_vdd_v = 0.9;
  LogicAnchors logic{};
  CellAreas cells{};
  SramConstants sram{};
  std::map<std::string, double> dram_pj_per_bit;  // by standard name
  std::map<std::string, FlashStandard> flash;     // by standard name
  WireConstants wire{};
  double leakage_logic_nw_per_um2 = 0;
  std::string default_scaling;
  std::map<std::string, ScalingSet> scalings;
};

// Throws qarch::InputError naming the table, line and entry.
CostTable load_cost_table(const std::string& path);
CostTable parse_cost_table(const std::string& yaml_text, const std::string& origin);
// The table shipped in cost/tables/default.yaml, compiled into the library.
const CostTable& default_cost_table();

// "7nm", "7 nm", "7" -> 7. Throws InputError naming what is allowed.
double parse_node_nm(const std::string& text, const std::string& origin);

// The node a relative_to entry refers to; the entry itself otherwise.
const NodeEntry& relative_base(const ScalingSet& set, const NodeEntry& node);

// Supply range of the scaling fits: an energy polynomial a V^2 + b V + c is a
// fit that holds only where its energy rises with VDD, i.e. from its minimum at
// -b / 2a (rounded up to the next mV, so the bound prints exactly) upwards;
// below it the fitted energy grows as VDD falls. V^2 scaling has no such bound.
inline constexpr double kMinVddV = 0.1;
inline constexpr double kMaxVddV = 5.0;
double min_vdd_v(const ScalingSet& set, const NodeEntry& node);

}  // namespace qarch::cost

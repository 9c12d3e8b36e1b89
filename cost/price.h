#pragma once
// Prices a run: activity counters x unit prices (datapath, memories,
// technology) -> energy by category, area by category, TOPS, TOPS/W,
// TOPS/mm2. This is the one entry point the simulator calls:
//
//   const auto& table = qarch::cost::default_cost_table();   // or load_cost_table(path)
//   auto tech = qarch::cost::resolve_technology(table, "7nm");
//   CostReport r = qarch::cost::price(counters, inventory, table, tech);
//   json["cost"] = qarch::cost::to_json(r);
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "cost/activity.h"
#include "cost/cost_table.h"
#include "cost/technology.h"

namespace qarch::cost {

struct EnergyBreakdownPj {
  double compute = 0;       // MACs, gated MACs, vector-unit operations
  double sram = 0;          // scratchpads and register files
  double cache = 0;         // tag + data arrays
  double dram = 0;
  double flash = 0;
  double interconnect = 0;  // on-chip wires
  double leakage = 0;       // total area x leakage density x runtime
  double total() const { return compute + sram + cache + dram + flash + interconnect + leakage; }
};

struct AreaBreakdownUm2 {
  double compute = 0;  // MAC units, vector lanes
  double sram = 0;     // scratchpads and register files
  double cache = 0;
  double other = 0;    // inventory.other_logic_um2, scaled
  double total() const { return compute + sram + cache + other; }
};

struct CostReport {
  std::string table;           // table name and origin
  TechnologyPoint technology;
  EnergyBreakdownPj energy_pj;
  AreaBreakdownUm2 area_um2;
  double runtime_s = 0;        // cycles / clock
  double ops = 0;              // 2 x executed MACs
  double tops = 0;             // ops / runtime / 1e12
  double tops_per_w = 0;       // ops / energy / 1e12
  double tops_per_mm2 = 0;
  double average_power_w = 0;
};

// Throws InputError for an unknown format, standard or memory name, naming
// what is allowed.
CostReport price(const ActivityCounters& counters, const ComponentInventory& inventory,
                 const CostTable& table, const TechnologyPoint& technology);

nlohmann::json to_json(const CostReport& report);

}  // namespace qarch::cost

#pragma once
// Prices a run with the cost model (cost/): translates the engine's activity
// into cost::ActivityCounters and the design point into a
// cost::ComponentInventory. Models count; cost/ prices.
#include <nlohmann/json_fwd.hpp>

#include "cost/price.h"
#include "sim/accelerator_config.h"
#include "sim/mapper.h"
#include "sim/run_result.h"

namespace qarch::sim {

cost::ActivityCounters activity_counters(const Activity& activity, std::int64_t cycles,
                                         const AcceleratorConfig& config);
// The PEs are priced as the largest of the listed format pairs, with packing.
cost::ComponentInventory component_inventory(const AcceleratorConfig& config, const cost::CostTable& table);
// What a run is priced with: the config's cost table (built-in unless
// cost.table is set), its node and the design's components.
struct RunPricing {
  cost::CostTable table;
  cost::TechnologyPoint technology;
  cost::ComponentInventory inventory;
};
// Loads the config's pricing and throws InputError, before anything runs, if
// price_run would: a cost table that does not load, a node it does not
// cover, a listed format pair the cost model cannot price (each named by its
// config key), or an op whose accumulator is not its format pair's (named by
// op and the pair's key).
RunPricing check_priceable(const AcceleratorConfig& config, const std::vector<OpPlan>& plans);
// Prices the run and each of its ops (their energies add up to the run's);
// fills result.cost and every op's energy_pj.
void price_run(RunResult& result, const AcceleratorConfig& config, const RunPricing& pricing);

}  // namespace qarch::sim

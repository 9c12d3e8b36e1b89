#include "sim/costing.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "common/input_error.h"
#include "cost/cost_table.h"
#include "cost/datapath.h"
#include "cost/technology.h"
#include "models/numerics/format_registry.h"

namespace qarch::sim {
namespace {

// "int4*int8->int32" -> {"int4", "int8", "int32"}
void split_mac_key(const std::string& key, std::string* w, std::string* a, std::string* acc) {
  const auto star = key.find('*');
  const auto arrow = key.find("->");
  *w = key.substr(0, star);
  *a = key.substr(star + 1, arrow - star - 1);
  *acc = key.substr(arrow + 2);
}

// A pair run N > 1 MACs per PE per cycle on integers packs its N products
// into one multiplier lane N operands wide (cost model: lane / operand bits
// products per lane); floats have no packed datapath in the model.
cost::MacOptions packing_of(const MacFormatSupport& pair) {
  cost::MacOptions options;
  const numerics::FormatInfo& w = *numerics::find_format(pair.weights);
  const numerics::FormatInfo& a = *numerics::find_format(pair.inputs);
  if (pair.macs_per_pe_per_cycle > 1 && w.kind == numerics::FormatKind::kInteger &&
      a.kind == numerics::FormatKind::kInteger) {
    options.lane_bits = pair.macs_per_pe_per_cycle * std::max(w.storage_bits, a.storage_bits);
  }
  return options;
}

}  // namespace

cost::ActivityCounters activity_counters(const Activity& a, std::int64_t cycles, const AcceleratorConfig& c) {
  cost::ActivityCounters counters;
  for (const auto& [key, macs] : a.macs_by_format_pair) {
    cost::MacActivity m;
    split_mac_key(key, &m.weight_format, &m.act_format, &m.acc_format);
    m.options = packing_of(*c.find_format_pair(m.weight_format, m.act_format));
    m.macs = macs;
    counters.macs.push_back(m);
  }
  counters.idle_pe_cycles = a.pe_idle_cycles;
  counters.vector_ops = a.vector_element_ops;
  // Scratchpads are read by the array and written by the DMA (inputs); the
  // ofmap one is written by the array (outputs, partial sums), read by the
  // DMA (outputs, spilled partial sums) and by the array (partial sums it
  // accumulates onto), and written by the DMA (spilled partial sums back).
  counters.scratchpads = {
      {"ifmap", a.sram_ifmap_read_bytes, a.dram_ifmap_read_bytes},
      {"filter", a.sram_filter_read_bytes, a.dram_filter_read_bytes + a.flash_filter_read_bytes},
      {"ofmap", a.dram_ofmap_write_bytes + a.sram_ofmap_read_bytes, a.sram_ofmap_write_bytes + a.dram_psum_read_bytes}};
  // Each cache fill is a transfer of its own, and the detailed DRAM moves
  // whole bursts: a line shorter than a burst moves a burst. Write-backs and
  // write-throughs are posted and consecutive ones go as one transfer
  // (models/memory/memory_targets.h), so lines shorter than a burst share
  // bursts: priced at the bytes they write (a line a write-back, the bytes
  // of its line a write wrote a write-through). The stand-in and flash have
  // no bursts.
  const auto dram_fill_bytes = [&](std::uint64_t line) {
    if (!c.dram.detailed) return line;
    const auto burst = static_cast<std::uint64_t>(c.dram.detailed->burst_bytes());
    return (line + burst - 1) / burst * burst;
  };
  // Every lookup reads the set's tags; a hit reads (or writes) the bytes it
  // moves, a write-back reads a line of data, a fill writes one. (Each hit
  // was priced as a whole line: with lines longer than the DMA's accesses,
  // 1 KiB weight slices from 1 MiB lines, 1024x the data energy.)
  const auto cache_activity = [](const char* name, const CacheActivity& ca, std::uint64_t line) {
    return cost::CacheActivity{name, ca.lookups, ca.hit_bytes + ca.writebacks * line, ca.fills * line};
  };
  // The weights leave where they live as the DMA asks for them or, behind a
  // weight cache, as its fills (it only reads).
  std::uint64_t weight_bytes_from_home = a.dram_filter_read_bytes + a.flash_filter_read_bytes;
  if (c.weight_cache) {
    const auto line = static_cast<std::uint64_t>(c.weight_cache->line_bytes);
    weight_bytes_from_home = a.weight_cache.fills * (c.flash ? line : dram_fill_bytes(line));
    counters.caches.push_back(cache_activity("weight_cache", a.weight_cache, line));
  }
  if (c.flash) counters.flash = {{c.flash->preset, weight_bytes_from_home, 0}};
  if (!c.system_cache) {
    counters.dram = {{c.dram.standard,
                      a.dram_ifmap_read_bytes + a.dram_psum_read_bytes + (c.flash ? 0 : weight_bytes_from_home),
                      a.dram_ofmap_write_bytes}};
  } else {
    // The DRAM moves what the system cache sends it (the weight cache's
    // fills are among its lookups): the lines it fetched (fills: read misses,
    // and write misses only with write-allocate; under write-through a write
    // miss fills nothing), write-backs of dirty victims and the bytes the
    // write-throughs wrote.
    const auto line = static_cast<std::uint64_t>(c.system_cache->line_bytes);
    counters.dram = {{c.dram.standard, a.system_cache.fills * dram_fill_bytes(line),
                      a.system_cache.writebacks * line + a.system_cache.write_through_bytes}};
    counters.caches.push_back(cache_activity("system_cache", a.system_cache, line));
  }
  counters.cycles = static_cast<std::uint64_t>(std::max<std::int64_t>(0, cycles));
  counters.clock_hz = c.clock_hz;
  return counters;
}

cost::ComponentInventory component_inventory(const AcceleratorConfig& c, const cost::CostTable& table) {
  cost::ComponentInventory inv;
  // One PE per array position. It runs every listed pair, so it is as large
  // as the largest: N MAC units (with their packing) for a pair it runs N
  // MACs per cycle.
  const cost::DatapathModel datapath(table);
  const auto pes = static_cast<std::uint64_t>(c.array.shape.rows * c.array.shape.cols);
  double largest_um2 = -1, largest_lane_um2 = -1;
  for (std::size_t i = 0; i < c.array.formats.size(); ++i) {
    const MacFormatSupport& f = c.array.formats[i];
    const cost::MacOptions options = packing_of(f);
    if (options.lane_bits && *options.lane_bits > cost::kMaxLaneBits) {
      const int operand_bits = *options.lane_bits / f.macs_per_pe_per_cycle;
      throw InputError(c.where(fmt::format("compute.systolic_array.formats[{}].macs_per_pe_per_cycle", i)),
                       fmt::format("{} {}-bit products per cycle need a {}-bit lane, wider than the cost model's {}-bit "
                                   "multiplier; allowed: 1..{}",
                                   f.macs_per_pe_per_cycle, operand_bits, *options.lane_bits, cost::kMaxLaneBits,
                                   cost::kMaxLaneBits / operand_bits));
    }
    // The loader checked the formats and the accumulator (accelerator_config.cpp).
    const auto mac_um2 = [&](const cost::MacOptions& o) {
      return datapath
          .mac(*numerics::find_format(f.weights), *numerics::find_format(f.inputs),
               *numerics::find_format(f.accumulator), o)
          .total()
          .area_um2;
    };
    const double pe_um2 = f.macs_per_pe_per_cycle * mac_um2(options);
    const double lane_um2 = mac_um2({});
    if (pe_um2 > largest_um2) {
      largest_um2 = pe_um2;
      inv.mac_units = {{f.weights, f.inputs, f.accumulator, options, pes * static_cast<std::uint64_t>(f.macs_per_pe_per_cycle)}};
    }
    // A vector lane does one element operation per cycle on any pair the
    // array takes: one unpacked MAC of the largest (an approximation: the
    // vector unit has no datapath of its own in the cost model).
    if (lane_um2 > largest_lane_um2) {
      largest_lane_um2 = lane_um2;
      inv.vector_lanes = {f.weights, f.inputs, f.accumulator, {}, static_cast<std::uint64_t>(c.vector_unit.lanes)};
    }
  }
  const int port_bits = c.scratchpad_port_bits();
  for (const ScratchpadConfig* s : {&c.ifmap, &c.filter, &c.ofmap}) {
    inv.scratchpads.push_back({s->name, {static_cast<double>(s->size_bytes), port_bits, static_cast<int>(s->banks)}});
  }
  const auto cache_geometry = [](const char* name, const memory::CacheConfig& cache, int instances) {
    cost::CacheGeometry g;
    g.name = name;
    g.capacity_bytes = static_cast<double>(cache.size_bytes);
    g.instances = instances;
    g.ways = cache.ways;
    g.line_bytes = cache.line_bytes;
    return g;
  };
  // One system cache per DRAM port: an access goes to one of them. (Priced
  // as one cache of their total capacity, each access cost sqrt(ports) times
  // too much with dram.ports: per_operand.)
  if (c.system_cache) inv.caches.push_back(cache_geometry("system_cache", *c.system_cache, c.dram_port_count()));
  if (c.weight_cache) inv.caches.push_back(cache_geometry("weight_cache", *c.weight_cache, 1));
  return inv;
}

namespace {

cost::CostTable cost_table_of(const AcceleratorConfig& c) {
  return c.cost_table_path.empty() ? cost::default_cost_table() : cost::load_cost_table(c.cost_table_path);
}

}  // namespace

RunPricing check_priceable(const AcceleratorConfig& c, const std::vector<OpPlan>& plans) {
  const auto config_error = [&](const char* key, const std::exception& e) {
    return InputError(c.where(key), e.what());
  };
  cost::CostTable table;
  try {
    table = cost_table_of(c);
  } catch (const InputError& e) {
    throw config_error("cost.table", e);
  }
  cost::TechnologyPoint tech;
  try {
    tech = cost::resolve_technology(table, c.technology_node);
  } catch (const InputError& e) {
    throw config_error("cost.node", e);
  }
  // Prices every listed pair (as the PE's area; InputError naming its key).
  cost::ComponentInventory inventory = component_inventory(c, table);
  cost::price(activity_counters({}, 0, c), inventory, table, tech);
  for (const OpPlan& plan : plans) {
    for (const Pass& pass : plan.passes) {
      if (pass.unit != Pass::Unit::kSystolicArray) continue;
      // A PE accumulates a format pair in one format: an op that asks for
      // another would be priced, and its partial sums sized, for a PE the
      // design does not have.
      const workloads::Op& op = *plan.op;
      const MacFormatSupport& pair = *c.find_format_pair(op.weights.format, op.inputs.format);
      if (op.accumulator != pair.accumulator) {
        const auto index = &pair - c.array.formats.data();
        throw InputError(op.where,
                         fmt::format("op '{}' accumulates {} x {} in {}, but the PE accumulates that pair in {} ({}); "
                                     "allowed: the op's accumulator equal to the pair's",
                                     op.name, op.weights.format, op.inputs.format, op.accumulator, pair.accumulator,
                                     c.where(fmt::format("compute.systolic_array.formats[{}].accumulator", index)).describe()));
      }
    }
  }
  return {std::move(table), tech, std::move(inventory)};
}

void price_run(RunResult& r, const AcceleratorConfig& c, const RunPricing& p) {
  r.cost = cost::price(activity_counters(r.activity, r.total_cycles, c), p.inventory, p.table, p.technology);
  for (OpResult& op : r.ops) {
    op.energy_pj =
        cost::price(activity_counters(op.activity, op.cycles, c), p.inventory, p.table, p.technology).energy_pj.total();
  }
}

}  // namespace qarch::sim

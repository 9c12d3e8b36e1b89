#include "cost/price.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "models/numerics/format_registry.h"

namespace qarch::cost {
namespace {


// Per-MAC energy and per-unit area at the base node.
UnitCost mac_unit(const DatapathModel& model, const std::string& w, const std::string& a,
                  const std::string& acc, const MacOptions& options) {
  const auto& wf = format_or_input_error(w, "weight format");
  const auto& af = format_or_input_error(a, "activation format");
  const auto& cf = format_or_input_error(acc, "accumulator format");
  if (options.bit_serial && (options.sparsity_2_4 || options.lane_bits)) {
    // No source in docs/cost.md prices either on a bit-serial PE: refused, not ignored.
    throw InputError(fmt::format("MAC {} x {} -> {}: a bit-serial PE is modelled without 2:4 sparsity and without "
                                 "packed lanes; allowed: bit_serial alone",
                                 w, a, acc));
  }
  if (options.bit_serial) return model.bit_serial_pe(wf, af, cf).per_mac();
  return model.mac(wf, af, cf, options).total();
}

template <typename T>
const T& find_named(const std::vector<T>& items, const std::string& name, const std::string& kind) {
  for (const T& item : items) {
    if (item.name == name) return item;
  }
  std::string known;
  for (const T& item : items) known += (known.empty() ? "" : ", ") + item.name;
  throw InputError(fmt::format("activity names {} '{}' that the inventory does not have; inventory has: {}",
                               kind, name, known.empty() ? "none" : known));
}

SramGeometry tag_array(const CacheGeometry& c) {
  const double lines = c.capacity_bytes / c.line_bytes;
  const int entry_bits = c.tag_bits + 2;  // valid + dirty
  return SramGeometry{lines * entry_bits / 8.0, c.ways * entry_bits, 1};
}

SramGeometry data_array(const CacheGeometry& c) { return SramGeometry{c.capacity_bytes, c.data_width_bits, 1}; }

}  // namespace

CostReport price(const ActivityCounters& counters, const ComponentInventory& inventory,
                 const CostTable& table, const TechnologyPoint& tech) {
  const DatapathModel datapath(table);
  const MemoryModel memory(table);
  const double ef = tech.energy_factor;
  const double af = tech.area_factor;
  CostReport r;
  r.table = fmt::format("{} ({})", table.table_name, table.origin);
  r.technology = tech;

  double macs = 0;
  for (const MacActivity& m : counters.macs) {
    const UnitCost unit = mac_unit(datapath, m.weight_format, m.act_format, m.acc_format, m.options);
    r.energy_pj.compute += static_cast<double>(m.macs) * unit.energy_pj * ef;
    if (m.gated_macs > 0) {
      const UnitCost gated = datapath.gated_mac(format_or_input_error(m.acc_format, "accumulator format"));
      r.energy_pj.compute += static_cast<double>(m.gated_macs) * gated.energy_pj * ef;
    }
    macs += static_cast<double>(m.macs);
  }
  for (const MacUnits& u : inventory.mac_units) {
    const UnitCost unit = mac_unit(datapath, u.weight_format, u.act_format, u.acc_format, u.options);
    r.area_um2.compute += static_cast<double>(u.count) * unit.area_um2 * af;
  }
  // The vector unit: each element operation one MAC of a lane (not counted
  // in ops, which are the array's).
  if (counters.vector_ops > 0 || inventory.vector_lanes.count > 0) {
    const MacUnits& v = inventory.vector_lanes;
    const UnitCost lane = mac_unit(datapath, v.weight_format, v.act_format, v.acc_format, v.options);
    r.energy_pj.compute += static_cast<double>(counters.vector_ops) * lane.energy_pj * ef;
    r.area_um2.compute += static_cast<double>(v.count) * lane.area_um2 * af;
  }

  for (const RegisterFileActivity& a : counters.register_files) {
    const SramGeometry& g = find_named(inventory.register_files, a.name, "register file").geometry;
    r.energy_pj.sram += (a.reads * memory.sram_read_pj(g) + a.writes * memory.sram_write_pj(g)) * ef;
  }
  for (const SramActivity& a : counters.scratchpads) {
    const SramGeometry& g = find_named(inventory.scratchpads, a.name, "scratchpad").geometry;
    const double reads = a.read_bytes * 8.0 / g.width_bits;
    const double writes = a.write_bytes * 8.0 / g.width_bits;
    r.energy_pj.sram += (reads * memory.sram_read_pj(g) + writes * memory.sram_write_pj(g)) * ef;
  }
  for (const auto* list : {&inventory.register_files, &inventory.scratchpads}) {
    for (const NamedSram& s : *list) r.area_um2.sram += memory.sram_area_um2(s.geometry) * af;
  }

  for (const CacheActivity& a : counters.caches) {
    const CacheGeometry& c = find_named(inventory.caches, a.name, "cache");
    const SramGeometry tags = tag_array(c);
    const SramGeometry data = data_array(c);
    const double reads = a.data_read_bytes * 8.0 / data.width_bits;
    const double writes = a.data_write_bytes * 8.0 / data.width_bits;
    r.energy_pj.cache += (a.tag_accesses * memory.sram_read_pj(tags) + reads * memory.sram_read_pj(data) +
                          writes * memory.sram_write_pj(data)) * ef;
  }
  for (const CacheGeometry& c : inventory.caches) {
    r.area_um2.cache += (memory.sram_area_um2(tag_array(c)) + memory.sram_area_um2(data_array(c))) * c.instances * af;
  }

  for (const OffChipActivity& a : counters.dram) {
    r.energy_pj.dram += (a.read_bytes + a.write_bytes) * 8.0 * memory.dram_pj_per_bit(a.standard);
  }
  for (const OffChipActivity& a : counters.flash) {
    r.energy_pj.flash += a.read_bytes * 8.0 * memory.flash_read_pj_per_bit(a.standard) +
                         a.write_bytes * 8.0 * memory.flash_write_pj_per_bit(a.standard);
  }
  r.energy_pj.interconnect = counters.wire_bit_mm * tech.wire_pj_per_bit_mm;
  r.area_um2.other = inventory.other_logic_um2 * af;

  if (counters.cycles > 0 && !(counters.clock_hz > 0)) {
    throw InputError("activity counters: clock_hz must be > 0 when cycles are counted");
  }
  r.runtime_s = counters.cycles > 0 ? counters.cycles / counters.clock_hz : 0.0;
  // nW/um2 x um2 x s = nJ -> x 1e3 pJ.
  r.energy_pj.leakage = r.area_um2.total() * tech.leakage_nw_per_um2 * r.runtime_s * 1e3;

  r.ops = 2.0 * macs;
  const double energy_j = r.energy_pj.total() * 1e-12;
  const double area_mm2 = r.area_um2.total() * 1e-6;
  if (r.runtime_s > 0) {
    r.tops = r.ops / r.runtime_s / 1e12;
    r.average_power_w = energy_j / r.runtime_s;
  }
  if (energy_j > 0) r.tops_per_w = r.ops / energy_j / 1e12;
  if (area_mm2 > 0) r.tops_per_mm2 = r.tops / area_mm2;
  return r;
}

nlohmann::json to_json(const CostReport& r) {
  const auto& e = r.energy_pj;
  const auto& a = r.area_um2;
  return nlohmann::json{
      {"table", r.table},
      {"technology",
       {{"node_nm", r.technology.node_nm},
        {"vdd_v", r.technology.vdd_v},
        {"scaling", r.technology.scaling},
        {"area_factor", r.technology.area_factor},
        {"energy_factor", r.technology.energy_factor}}},
      {"energy_pj",
       {{"compute", e.compute},
        {"sram", e.sram},
        {"cache", e.cache},
        {"dram", e.dram},
        {"flash", e.flash},
        {"interconnect", e.interconnect},
        {"leakage", e.leakage},
        {"total", e.total()}}},
      {"area_um2", {{"compute", a.compute}, {"sram", a.sram}, {"cache", a.cache}, {"other", a.other}, {"total", a.total()}}},
      {"area_mm2", a.total() * 1e-6},
      {"runtime_s", r.runtime_s},
      {"ops", r.ops},
      {"tops", r.tops},
      {"tops_per_w", r.tops_per_w},
      {"tops_per_mm2", r.tops_per_mm2},
      {"average_power_w", r.average_power_w},
  };
}

}  // namespace qarch::cost

#include "sim/run_result.h"


#include <nlohmann/json.hpp>

#include "common/atomic_file.h"

namespace qarch::sim {
namespace {

nlohmann::json cache_json(const CacheActivity& c) {
  return {{"lookups", c.lookups},       {"hits", c.hits},   {"hit_bytes", c.hit_bytes},          {"misses", c.misses},
          {"writebacks", c.writebacks}, {"fills", c.fills}, {"write_throughs", c.write_throughs},
          {"write_through_bytes", c.write_through_bytes}};
}

nlohmann::json activity_json(const Activity& a) {
  return {
      {"macs_by_format_pair", a.macs_by_format_pair},
      {"pe_busy_cycles", a.pe_busy_cycles},
      {"pe_idle_cycles", a.pe_idle_cycles},
      {"folds", a.folds},
      {"vector_element_ops", a.vector_element_ops},
      {"sram_read_bytes",
       {{"ifmap", a.sram_ifmap_read_bytes}, {"filter", a.sram_filter_read_bytes}, {"ofmap", a.sram_ofmap_read_bytes}}},
      {"sram_write_bytes", {{"ofmap", a.sram_ofmap_write_bytes}}},
      {"dram_read_bytes",
       {{"ifmap", a.dram_ifmap_read_bytes}, {"filter", a.dram_filter_read_bytes}, {"psum", a.dram_psum_read_bytes}}},
      {"dram_write_bytes", {{"ofmap", a.dram_ofmap_write_bytes}}},
      {"dram_bursts", a.dram_bursts},
      {"flash_read_bytes", {{"filter", a.flash_filter_read_bytes}}},
      {"system_cache", cache_json(a.system_cache)},
      {"weight_cache", cache_json(a.weight_cache)},
  };
}

nlohmann::json bytes_json(const Activity& a) {
  return {{"dram_read", a.dram_read_bytes()},
          {"dram_write", a.dram_ofmap_write_bytes},
          {"flash_read", a.flash_filter_read_bytes},
          {"sram_read", a.sram_ifmap_read_bytes + a.sram_filter_read_bytes + a.sram_ofmap_read_bytes},
          {"sram_write", a.sram_ofmap_write_bytes}};
}

}  // namespace

void Activity::add(const Activity& o) {
  for (const auto& [pair, n] : o.macs_by_format_pair) macs_by_format_pair[pair] += n;
  pe_busy_cycles += o.pe_busy_cycles;
  pe_idle_cycles += o.pe_idle_cycles;
  folds += o.folds;
  vector_element_ops += o.vector_element_ops;
  sram_ifmap_read_bytes += o.sram_ifmap_read_bytes;
  sram_filter_read_bytes += o.sram_filter_read_bytes;
  sram_ofmap_read_bytes += o.sram_ofmap_read_bytes;
  sram_ofmap_write_bytes += o.sram_ofmap_write_bytes;
  dram_ifmap_read_bytes += o.dram_ifmap_read_bytes;
  dram_filter_read_bytes += o.dram_filter_read_bytes;
  dram_ofmap_write_bytes += o.dram_ofmap_write_bytes;
  dram_psum_read_bytes += o.dram_psum_read_bytes;
  dram_bursts += o.dram_bursts;
  flash_filter_read_bytes += o.flash_filter_read_bytes;
  system_cache.add(o.system_cache);
  weight_cache.add(o.weight_cache);
}

void CacheActivity::add(const CacheActivity& o) {
  lookups += o.lookups;
  hits += o.hits;
  hit_bytes += o.hit_bytes;
  misses += o.misses;
  writebacks += o.writebacks;
  fills += o.fills;
  write_throughs += o.write_throughs;
  write_through_bytes += o.write_through_bytes;
}

CacheActivity CacheActivity::since(const CacheActivity& b) const {
  return {lookups - b.lookups,       hits - b.hits,   hit_bytes - b.hit_bytes,          misses - b.misses,
          writebacks - b.writebacks, fills - b.fills, write_throughs - b.write_throughs,
          write_through_bytes - b.write_through_bytes};
}

std::uint64_t Activity::macs() const {
  std::uint64_t total = 0;
  for (const auto& kv : macs_by_format_pair) total += kv.second;
  return total;
}

nlohmann::json to_json(const RunResult& r) {
  nlohmann::json ops = nlohmann::json::array();
  for (const OpResult& op : r.ops) {
    nlohmann::json passes = nlohmann::json::array();
    for (const PassResult& p : op.passes) {
      passes.push_back({{"label", p.label},
                        {"cycles", p.cycles},
                        {"compute_cycles", p.compute_cycles},
                        {"stall_cycles", p.stall_cycles},
                        {"folds", p.folds},
                        {"mapping", {{"spatial_rows", p.spatial_rows}, {"spatial_cols", p.spatial_cols}, {"temporal", p.temporal}}},
                        {"mapping_efficiency", p.mapping_efficiency},
                        {"compute_utilization", p.compute_utilization},
                        {"utilization", p.overall_utilization}});
    }
    ops.push_back({{"name", op.name},
                   {"type", op.type},
                   {"cycles", op.cycles},
                   {"compute_cycles", op.compute_cycles},
                   {"stall_cycles", op.stall_cycles},
                   {"utilization", op.utilization},
                   {"energy_pj", op.energy_pj},
                   {"macs", op.activity.macs_by_format_pair},
                   {"bytes", bytes_json(op.activity)},
                   {"activity", activity_json(op.activity)},
                   {"passes", passes}});
  }
  return {{"schema", "qarch-run-result"},
          {"schema_version", kResultSchemaVersion},
          {"accelerator", {{"name", r.accelerator}, {"source", r.accelerator_source}, {"clock_hz", r.clock_hz},
                           {"array_rows", r.array_rows}, {"array_cols", r.array_cols}, {"dataflow", r.dataflow}}},
          {"workload", {{"name", r.workload}, {"source", r.workload_source}}},
          {"total_cycles", r.total_cycles},
          {"compute_cycles", r.compute_cycles},
          {"stall_cycles", r.stall_cycles},
          {"seconds", r.seconds},
          {"energy_pj", r.cost.energy_pj.total()},
          {"area_mm2", r.cost.area_um2.total() * 1e-6},
          {"cost", cost::to_json(r.cost)},
          {"macs", r.activity.macs_by_format_pair},
          {"bytes", bytes_json(r.activity)},
          {"activity", activity_json(r.activity)},
          {"memory", r.memory},
          {"ops", ops}};
}

void add_json_file(const RunResult& result, const std::string& path, AtomicFileSet& files) {
  // File paths and names from the inputs need not be UTF-8 (JSON text must
  // be): a byte that is not becomes U+FFFD instead of failing the run.
  files.add(path, to_json(result).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace qarch::sim

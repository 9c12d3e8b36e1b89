#include "apps/qarch/summary_table.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "common/units.h"

namespace qarch::cli {

namespace {

double percent(std::uint64_t part, std::uint64_t whole) { return whole > 0 ? 100.0 * double(part) / double(whole) : 0.0; }

// What the memory models did (docs/results.md "memory"), a line each.
void print_memory_models(const sim::MemoryCounters& memory, std::FILE* out) {
  const auto counts = [&](const char* model) {
    const auto it = memory.find(model);
    return it == memory.end() ? nullptr : &it->second;
  };
  for (const auto& [model, label] : {std::pair{"weight_cache", "weight cache"}, {"system_cache", "system cache"}}) {
    if (const auto* c = counts(model)) {
      const std::uint64_t lookups = c->at("reads") + c->at("writes");
      // Dirty lines only when some are left (never for the weight cache: weights are only read).
      const std::uint64_t dirty = c->at("dirty_lines_at_end");
      fmt::print(out, "       {}: {} of {} lookups hit ({:.1f} %), {} fills, {} write-backs{}\n", label, c->at("hits"),
                 lookups, percent(c->at("hits"), lookups), c->at("fills"), c->at("writebacks"),
                 dirty > 0 ? fmt::format(", {} dirty lines left unwritten", dirty) : "");
    }
  }
  if (const auto* d = counts("dram")) {
    const std::uint64_t columns = d->at("row_hits") + d->at("row_misses");
    fmt::print(out, "       DRAM: {} read and {} write bursts, {} activates, {:.1f} % row hits\n", d->at("read_bursts"),
               d->at("write_bursts"), d->at("activates"), percent(d->at("row_hits"), columns));
  }
  if (const auto* f = counts("flash")) {
    fmt::print(out, "       flash: {} read in {} commands ({} sequential)\n",
               format_bytes(static_cast<double>(f->at("read_bytes"))), f->at("read_commands"),
               f->at("sequential_commands"));
  }
}

}  // namespace

void print_summary(const sim::RunResult& r, std::FILE* out) {
  const std::string clock = format_quantity(r.clock_hz, Dimension::kFrequencyHz);
  fmt::print(out, "accelerator {} ({}x{} {}, {})   workload {}\n\n", r.accelerator, r.array_rows, r.array_cols,
             r.dataflow, clock, r.workload);
  std::size_t width = 4;
  for (const sim::OpResult& op : r.ops) width = std::max(width, op.name.size());
  fmt::print(out, "{:<{}}  {:<16}  {:>12}  {:>12}  {:>10}  {:>6}  {:>12}  {:>10}  {:>10}  {:>11}\n", "op", width,
             "type", "cycles", "compute", "stall", "util%", "MACs", "mem rd", "mem wr", "energy uJ");
  for (const sim::OpResult& op : r.ops) {
    fmt::print(out, "{:<{}}  {:<16}  {:>12}  {:>12}  {:>10}  {:>6.1f}  {:>12}  {:>10}  {:>10}  {:>11.3f}\n", op.name,
               width, op.type, op.cycles, op.compute_cycles, op.stall_cycles, 100.0 * op.utilization,
               op.activity.macs(), format_bytes(static_cast<double>(op.activity.offchip_read_bytes())),
               format_bytes(static_cast<double>(op.activity.dram_ofmap_write_bytes)), op.energy_pj * 1e-6);
  }
  const double macs = static_cast<double>(r.activity.macs());
  fmt::print(out, "\ntotal: {} cycles ({} compute, {} stall) = {:.6g} s at {}\n", r.total_cycles,
             r.compute_cycles, r.stall_cycles, r.seconds, clock);
  // With weights in flash, the reads name both memories.
  const sim::Activity& a = r.activity;
  const std::string flash_split =
      a.flash_filter_read_bytes > 0
          ? fmt::format(" (DRAM {}, flash {})", format_bytes(static_cast<double>(a.dram_read_bytes())),
                        format_bytes(static_cast<double>(a.flash_filter_read_bytes)))
          : "";
  // Behind a cache the DMA's bytes are what the caches were asked for; what
  // the memories moved follows, a line per model.
  const bool cached = r.memory.count("system_cache") + r.memory.count("weight_cache") > 0;
  fmt::print(out, "       {:.4g} MACs, {:.3g} effective TOPS, {} {} read{} / {} written\n", macs,
             r.seconds > 0 ? 2.0 * macs / r.seconds / 1e12 : 0.0,
             cached ? "memory requests (before the caches)" : "off-chip memory",
             format_bytes(static_cast<double>(a.offchip_read_bytes())), flash_split,
             format_bytes(static_cast<double>(a.dram_ofmap_write_bytes)));
  print_memory_models(r.memory, out);
  const cost::CostReport& c = r.cost;
  const cost::EnergyBreakdownPj& e = c.energy_pj;
  std::string parts;
  for (const auto& [name, pj] : {std::pair{"compute", e.compute}, {"SRAM", e.sram}, {"cache", e.cache},
                                 {"DRAM", e.dram}, {"flash", e.flash}, {"wires", e.interconnect},
                                 {"leakage", e.leakage}}) {
    if (pj > 0) parts += fmt::format("{}{} {:.3g}", parts.empty() ? "" : ", ", name, pj * 1e-6);
  }
  fmt::print(out, "       energy {:.4g} uJ ({}), area {:.4g} mm2 at {:g} nm\n", e.total() * 1e-6, parts,
             c.area_um2.total() * 1e-6, c.technology.node_nm);
  fmt::print(out, "       {:.3g} TOPS/W, {:.3g} TOPS/mm2\n", c.tops_per_w, c.tops_per_mm2);
}

}  // namespace qarch::cli

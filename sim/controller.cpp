#include "sim/controller.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "models/memory/memory_targets.h"
#include "workloads/trace.h"

namespace qarch::sim {
namespace {
constexpr int kIfmap = 0, kFilter = 1, kOfmap = 2;
}  // namespace

// Operand regions split the DRAM's address space in four (ifmap, filter,
// ofmap, spare), as SCALE-Sim gives each operand its own offset; planning
// checked that each stream's operands fit their region. Weights in flash
// have it to themselves, from address 0: their first page starts with them,
// whatever the page size.
std::uint64_t Controller::address(int stream, std::uint64_t base, std::uint64_t offset) const {
  if (stream == kFilter && config_.flash) return base + offset;
  return static_cast<std::uint64_t>(stream) * region_bytes_ + base + offset;
}

Controller::Controller(sc_core::sc_module_name name, const AcceleratorConfig& config,
                       const std::vector<OpPlan>& plans, compute::SystolicArray& array,
                       compute::VectorUnit& vector_unit, memory::DmaEngine& dma,
                       const std::vector<std::unique_ptr<memory::CacheTarget>>& system_caches,
                       const std::unique_ptr<memory::CacheTarget>& weight_cache)
    : sc_core::sc_module(name),
      config_(config),
      plans_(plans),
      array_(array),
      vector_unit_(vector_unit),
      dma_(dma),
      system_caches_(system_caches),
      weight_cache_(weight_cache),
      cycle_(config.cycle_seconds(), sc_core::SC_SEC),
      region_bytes_(operand_stream_bytes(config)) {
  std::vector<std::pair<std::size_t, std::size_t>> passes;  // (op, pass)
  for (std::size_t o = 0; o < plans_.size(); ++o) {
    schedules_.emplace_back(plans_[o].passes.size());
    records_.emplace_back();
    pass_timing_.emplace_back();
    for (std::size_t p = 0; p < plans_[o].passes.size(); ++p) {
      const Pass& pass = plans_[o].passes[p];
      records_.back().emplace_back(static_cast<std::size_t>(pass.repeat));
      pass_timing_.back().emplace_back(static_cast<std::size_t>(pass.repeat));
      passes.emplace_back(o, p);
    }
  }
  // Schedules are independent and some are costly to build (the SCALE-Sim
  // replay walks every demanded word): build them on all cores, before
  // simulation starts. No SystemC call happens on these threads.
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < passes.size(); i = next++) {
      const auto [o, p] = passes[i];
      try {
        schedules_[o][p] = make_fold_schedule(plans_[o].passes[p], config_);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  const std::size_t workers = std::min<std::size_t>(passes.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  for (const auto& [o, p] : passes) total_folds_ += plans_[o].passes[p].repeat * schedules_[o][p]->folds();
  SC_THREAD(load_thread);
  SC_THREAD(compute_thread);
  SC_THREAD(store_thread);
}

void Controller::advance(Cursor& c) const {
  if (++c.fold < schedule_of(c).folds()) return;
  c.fold = 0;
  if (++c.repeat < pass_of(c).repeat) return;
  c.repeat = 0;
  if (++c.pass < plans_[c.op].passes.size()) return;
  c.pass = 0;
  ++c.op;
  while (c.op < plans_.size() && plans_[c.op].passes.empty()) ++c.op;
}

int Controller::port(int stream) const {
  if (stream == kFilter && config_.weights_port_of_their_own()) return config_.dram_port_count();
  return config_.dram.per_operand_ports ? stream : 0;
}

void Controller::note_dram(PassTiming& timing, sc_core::sc_time begin, sc_core::sc_time end) const {
  const auto first = static_cast<std::int64_t>(std::llround(begin / cycle_));
  const auto last = static_cast<std::int64_t>(std::llround(end / cycle_));
  if (!timing.dram) {
    timing.dram = AccessWindow{first, last};
    return;
  }
  timing.dram->first_cycle = std::min(timing.dram->first_cycle, first);
  timing.dram->last_cycle = std::max(timing.dram->last_cycle, last);
}

std::uint64_t Controller::dram_bursts() const {
  std::uint64_t bursts = 0;
  for (int p = 0; p < config_.dram_port_count(); ++p) bursts += dma_.bursts(p);
  // The weights' own port leads to DRAM when they are not in flash.
  if (config_.weights_port_of_their_own() && !config_.flash) bursts += dma_.bursts(config_.dram_port_count());
  return bursts;
}

namespace {
CacheActivity counts_of(const memory::CacheTarget& cache) {
  const memory::CacheCounters& c = cache.cache_counters();
  return {c.reads + c.writes, c.hits, c.hit_bytes, c.misses, c.writebacks, c.fills, c.write_throughs,
          c.write_through_bytes};
}
}  // namespace

Activity Controller::cache_activity() const {
  Activity a;
  for (const auto& cache : system_caches_) a.system_cache.add(counts_of(*cache));
  if (weight_cache_) a.weight_cache = counts_of(*weight_cache_);
  return a;
}

void Controller::count_cache_activity(PassResult& rec, const Activity& before) const {
  const Activity now = cache_activity();
  rec.activity.system_cache.add(now.system_cache.since(before.system_cache));
  rec.activity.weight_cache.add(now.weight_cache.since(before.weight_cache));
}

void Controller::load_thread() {
  std::int64_t g = 0;
  for (Cursor c; valid(c); advance(c), ++g) {
    while (g >= computed_ + 2) wait(computed_event_);  // both halves full
    const FoldWork w = schedule_of(c).fold(c.fold);
    PassResult& rec = record_of(c);
    rec.activity.dram_ifmap_read_bytes += w.ifmap_read_bytes;
    (config_.flash ? rec.activity.flash_filter_read_bytes : rec.activity.dram_filter_read_bytes) += w.filter_read_bytes;
    rec.activity.dram_psum_read_bytes += w.psum_read_bytes;
    load_done_[static_cast<std::size_t>(g) % kRing] = sc_core::sc_time_stamp();
    if (!w.traffic_already_timed && w.ifmap_read_bytes + w.filter_read_bytes + w.psum_read_bytes > 0) {
      const std::uint64_t bursts_before = dram_bursts();
      const Activity cache_before = cache_activity();
      const sc_core::sc_time begin = sc_core::sc_time_stamp();
      const Pass& pass = pass_of(c);
      const auto r = static_cast<std::uint64_t>(c.repeat);
      const sc_core::sc_time done = dma_.issue(
          {{port(kIfmap), address(kIfmap, pass.ifmap_base + r * pass.ifmap_stride, w.ifmap_offset), w.ifmap_read_bytes, false},
           {port(kFilter), address(kFilter, pass.filter_base + r * pass.filter_stride, w.filter_offset), w.filter_read_bytes, false},
           {port(kOfmap), address(kOfmap, pass.ofmap_base + r * pass.ofmap_stride, w.psum_offset), w.psum_read_bytes, false}});
      load_done_[static_cast<std::size_t>(g) % kRing] = done;
      note_dram(timing_of(c), begin, done);
      rec.activity.dram_bursts += dram_bursts() - bursts_before;
      count_cache_activity(rec, cache_before);
    }
    loaded_ = g + 1;
    loaded_event_.notify(sc_core::SC_ZERO_TIME);
  }
}

void Controller::compute_thread() {
  const sc_core::sc_time time_limit(kMaxSimulatedPs, sc_core::SC_PS);
  std::int64_t g = 0;
  std::int64_t pass_start = 0;
  for (Cursor c; valid(c); advance(c), ++g) {
    const Pass& pass = pass_of(c);
    PassResult& rec = record_of(c);
    if (c.fold == 0) {
      pass_start = static_cast<std::int64_t>(std::llround(sc_core::sc_time_stamp() / cycle_));
      timing_of(c).start_cycle = pass_start;
    }
    while (loaded_ <= g) wait(loaded_event_);
    const sc_core::sc_time operands_ready = load_done_[static_cast<std::size_t>(g) % kRing];
    if (operands_ready > sc_core::sc_time_stamp()) wait(operands_ready - sc_core::sc_time_stamp());
    while (stored_ < g - 1) wait(stored_event_);
    if (g >= 2) {
      const sc_core::sc_time half_free = store_done_[static_cast<std::size_t>(g - 2) % kRing];
      if (half_free > sc_core::sc_time_stamp()) wait(half_free - sc_core::sc_time_stamp());
    }
    const FoldWork w = schedule_of(c).fold(c.fold);
    if (w.charged_stall_cycles > 0) wait(cycle_ * static_cast<double>(w.charged_stall_cycles));
    if (pass.unit == Pass::Unit::kSystolicArray) {
      array_.run_fold(pass.plan, w.pes_used, w.macs, pass.format_pair);
      rec.activity.macs_by_format_pair[pass.format_pair] += w.macs;
      rec.activity.pe_busy_cycles += static_cast<std::uint64_t>(w.pes_used * w.compute_cycles);
      rec.activity.pe_idle_cycles += static_cast<std::uint64_t>(
          (config_.array.shape.rows * config_.array.shape.cols - w.pes_used) * w.compute_cycles);
    } else {
      const auto ops = static_cast<std::uint64_t>(w.compute_cycles) * static_cast<std::uint64_t>(w.pes_used);
      vector_unit_.run(static_cast<std::uint64_t>(w.compute_cycles), ops);
      rec.activity.vector_element_ops += ops;
    }
    rec.compute_cycles += w.compute_cycles;
    ++rec.activity.folds;
    computed_ = g + 1;
    computed_event_.notify(sc_core::SC_ZERO_TIME);
    if (progress_ && computed_ % kProgressFolds == 0) progress_(computed_, total_folds_);
    if (sc_core::sc_time_stamp() > time_limit) {
      passed_time_limit_ = true;
      sc_core::sc_stop();
      return;
    }
    if (c.fold + 1 == schedule_of(c).folds()) {
      const auto now = static_cast<std::int64_t>(std::llround(sc_core::sc_time_stamp() / cycle_));
      rec.cycles = now - pass_start;
    }
  }
  compute_end_cycle_ = static_cast<std::int64_t>(std::llround(sc_core::sc_time_stamp() / cycle_));
}

void Controller::store_thread() {
  std::int64_t g = 0;
  sc_core::sc_time last_store_done = sc_core::SC_ZERO_TIME;
  for (Cursor c; valid(c); advance(c), ++g) {
    while (computed_ <= g) wait(computed_event_);
    const FoldWork w = schedule_of(c).fold(c.fold);
    PassResult& rec = record_of(c);
    rec.activity.dram_ofmap_write_bytes += w.ofmap_write_bytes;
    sc_core::sc_time done = sc_core::sc_time_stamp();
    if (!w.traffic_already_timed && w.ofmap_write_bytes > 0) {
      const std::uint64_t bursts_before = dram_bursts();
      const Activity cache_before = cache_activity();
      const Pass& pass = pass_of(c);
      const std::uint64_t base = pass.ofmap_base + static_cast<std::uint64_t>(c.repeat) * pass.ofmap_stride;
      done = dma_.issue({{port(kOfmap), address(kOfmap, base, w.ofmap_offset), w.ofmap_write_bytes, true}});
      note_dram(timing_of(c), sc_core::sc_time_stamp(), done);
      rec.activity.dram_bursts += dram_bursts() - bursts_before;
      count_cache_activity(rec, cache_before);
    }
    store_done_[static_cast<std::size_t>(g) % kRing] = done;
    last_store_done = std::max(last_store_done, done);
    stored_ = g + 1;
    stored_event_.notify(sc_core::SC_ZERO_TIME);
  }
  // Writes a cache posted are still on their way to DRAM: the outputs are
  // stored when they are written.
  if (memory_drained_at_) last_store_done = std::max(last_store_done, memory_drained_at_());
  store_end_cycle_ = static_cast<std::int64_t>(std::llround(last_store_done / cycle_));
}

RunResult Controller::result() const {
  RunResult r;
  r.accelerator = config_.name;
  r.accelerator_source = config_.source;
  r.clock_hz = config_.clock_hz;
  r.array_rows = config_.array.shape.rows;
  r.array_cols = config_.array.shape.cols;
  r.dataflow = compute::to_string(config_.array.shape.dataflow);
  const double pes = static_cast<double>(r.array_rows * r.array_cols);
  const std::int64_t drain = std::max<std::int64_t>(0, store_end_cycle_ - compute_end_cycle_);
  for (std::size_t o = 0; o < plans_.size(); ++o) {
    const OpPlan& plan = plans_[o];
    double op_peak_macs = 0;  // peak MACs of the op's array passes over their cycles
    OpResult op;
    op.name = plan.op->name;
    op.type = workloads::to_string(plan.op->type);
    for (std::size_t p = 0; p < plan.passes.size(); ++p) {
      const Pass& pass = plan.passes[p];
      for (std::size_t r = 0; r < records_[o][p].size(); ++r) {
        const PassResult& recorded = records_[o][p][r];
        PassResult rec = recorded;
        rec.label = pass.label;
        rec.folds = schedules_[o][p]->folds();
        const bool last_pass = o + 1 == plans_.size() && p + 1 == plan.passes.size() &&
                               &recorded == &records_[o][p].back();
        if (last_pass) rec.cycles += drain;  // outputs still draining to DRAM
        // The quirk changes the count reported, not the time the array took:
        // utilization is over the cycles simulated, so it stays in 0..1 (a
        // one-cycle pass reports 0 cycles).
        const std::int64_t simulated_cycles = rec.cycles;
        if (config_.scalesim_cycle_quirk) {
          // SCALE-Sim issue #125: it reports the last cycle's 0-based index
          // and counts stalls exactly, so the cycle it drops is a compute cycle.
          rec.cycles -= 1;
          rec.compute_cycles -= 1;
        }
        rec.stall_cycles = rec.cycles - rec.compute_cycles;
        if (const auto windows = schedules_[o][p]->access_windows()) {
          rec.windows = *windows;
        } else {
          rec.windows.sram_ifmap = rec.windows.sram_filter = rec.windows.sram_ofmap = {0, rec.cycles};
          // The engine times the operand streams' requests together: each
          // stream's DRAM window is the pass's, relative to its start.
          const PassTiming& timing = pass_timing_[o][p][r];
          if (timing.dram) {
            rec.windows.dram_ifmap = {timing.dram->first_cycle - timing.start_cycle,
                                      timing.dram->last_cycle - timing.start_cycle};
          }
          rec.windows.dram_filter = rec.windows.dram_ofmap = rec.windows.dram_ifmap;
        }
        if (pass.unit == Pass::Unit::kSystolicArray) {
          const auto& shape = config_.array.shape;
          rec.spatial_rows = pass.plan.spatial_rows;
          rec.spatial_cols = pass.plan.spatial_cols;
          rec.temporal = pass.plan.temporal;
          rec.mapping_efficiency = compute::mapping_efficiency(shape, pass.plan);
          rec.compute_utilization = compute::compute_utilization(shape, pass.plan);
          rec.sram_ifmap_reads = pass.sram_ifmap_reads;
          rec.sram_filter_reads = pass.sram_filter_reads;
          rec.sram_ofmap_writes = pass.sram_ofmap_writes;
          rec.activity.sram_ifmap_read_bytes = static_cast<std::uint64_t>(
              std::ceil(static_cast<double>(pass.sram_ifmap_reads) * pass.input_bytes_per_element));
          rec.activity.sram_filter_read_bytes = static_cast<std::uint64_t>(
              std::ceil(static_cast<double>(pass.sram_filter_reads) * pass.weight_bytes_per_element));
          // Partial sums are written and read back at the accumulator's
          // width; only the last row fold writes the output format.
          const double psum_bytes = static_cast<double>(pass.sram_psum_reads) * pass.psum_bytes_per_output;
          rec.activity.sram_ofmap_read_bytes = static_cast<std::uint64_t>(std::ceil(psum_bytes));
          rec.activity.sram_ofmap_write_bytes = static_cast<std::uint64_t>(std::ceil(
              static_cast<double>(pass.sram_ofmap_writes - pass.sram_psum_reads) * pass.output_bytes_per_element +
              psum_bytes));
          // Against the array's peak for this format pair (packed PEs do
          // macs_per_pe_per_cycle MACs a cycle), so it never exceeds 1.
          const double peak_macs = static_cast<double>(simulated_cycles) * pes * pass.macs_per_pe_per_cycle;
          rec.overall_utilization = peak_macs > 0 ? static_cast<double>(rec.activity.macs()) / peak_macs : 0.0;
          op_peak_macs += peak_macs;
        }
        op.cycles += rec.cycles;
        op.compute_cycles += rec.compute_cycles;
        op.stall_cycles += rec.stall_cycles;
        op.activity.add(rec.activity);
        op.passes.push_back(rec);
      }
    }
    op.utilization = op_peak_macs > 0 ? static_cast<double>(op.activity.macs()) / op_peak_macs : 0.0;
    r.total_cycles += op.cycles;
    r.compute_cycles += op.compute_cycles;
    r.stall_cycles += op.stall_cycles;
    r.activity.add(op.activity);
    r.ops.push_back(std::move(op));
  }
  r.seconds = static_cast<double>(r.total_cycles) * config_.cycle_seconds();
  return r;
}

}  // namespace qarch::sim

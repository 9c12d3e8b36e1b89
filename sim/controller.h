#pragma once
// The controller walks the op plan fold by fold with three threads:
//  * load: issues DMA reads of a fold's operands as soon as a half of the
//    double-buffered scratchpads is free (at most two folds ahead of compute);
//  * compute: waits until its operands have arrived (that wait is stall),
//    then runs the fold on the systolic array or the vector unit;
//  * store: issues DMA writes of finished outputs; compute may run at most
//    two folds ahead of the writes' completion (the ofmap scratchpad is
//    double-buffered too).
// Per-pass cycles, stalls and activity are recorded for the result.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <systemc>

#include "models/compute/systolic_array.h"
#include "models/memory/dma_engine.h"
#include "sim/accelerator_config.h"
#include "sim/mapper.h"
#include "sim/run_result.h"

namespace qarch::memory {
class CacheTarget;
}

namespace qarch::sim {

class Controller : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Controller);
  Controller(sc_core::sc_module_name name, const AcceleratorConfig& config,
             const std::vector<OpPlan>& plans, compute::SystolicArray& array,
             compute::VectorUnit& vector_unit, memory::DmaEngine& dma,
             const std::vector<std::unique_ptr<memory::CacheTarget>>& system_caches,
             const std::unique_ptr<memory::CacheTarget>& weight_cache);

  // Valid after sc_start() returns.
  RunResult result() const;
  std::int64_t total_folds() const { return total_folds_; }
  // Called with (folds done, total folds) every kProgressFolds folds.
  void on_progress(std::function<void(std::int64_t, std::int64_t)> callback) { progress_ = std::move(callback); }
  // When every transfer issued so far is done, posted writes (a cache's
  // write-backs and write-throughs) included: the run ends no earlier.
  void on_memory_drain(std::function<sc_core::sc_time()> drained_at) { memory_drained_at_ = std::move(drained_at); }
  static constexpr std::int64_t kProgressFolds = 4096;
  // SystemC counts time in picoseconds up to 2^64 ps (213 days) and wraps
  // past it without a word. The run stops after the first fold that ends
  // beyond 2^62 ps (53 days): with the config's ranges no fold lasts anywhere
  // near 2^62 ps, so time has not wrapped by then. result() is not valid then.
  static constexpr double kMaxSimulatedPs = 4611686018427387904.0;  // 2^62
  bool passed_time_limit() const { return passed_time_limit_; }

 private:
  // Position in the fold sequence: op -> pass -> repeat -> fold.
  struct Cursor {
    std::size_t op = 0, pass = 0;
    std::int64_t repeat = 0, fold = 0;
  };
  bool valid(const Cursor& c) const { return c.op < plans_.size(); }
  void advance(Cursor& c) const;
  const Pass& pass_of(const Cursor& c) const { return plans_[c.op].passes[c.pass]; }
  const FoldSchedule& schedule_of(const Cursor& c) const { return *schedules_[c.op][c.pass]; }
  PassResult& record_of(const Cursor& c) { return records_[c.op][c.pass][static_cast<std::size_t>(c.repeat)]; }
  int port(int stream) const;  // 0 ifmap, 1 filter, 2 ofmap
  std::uint64_t dram_bursts() const;  // the DMA's bursts so far to DRAM (not flash's)
  // When a pass ran and its DRAM traffic's window, in cycles from the run's
  // start: a pass's first loads are issued (prefetched) while the pass before
  // it computes, before its own start is known, so the report's window
  // (relative to the pass) is made from both once the run is over.
  struct PassTiming {
    std::int64_t start_cycle = 0;
    std::optional<AccessWindow> dram;
  };
  PassTiming& timing_of(const Cursor& c) { return pass_timing_[c.op][c.pass][static_cast<std::size_t>(c.repeat)]; }
  void note_dram(PassTiming& timing, sc_core::sc_time begin, sc_core::sc_time end) const;
  // The caches' counts so far (the system caches summed over ports), in
  // Activity's cache fields; `count_cache_activity` adds those since `before`
  // to `rec`: a DMA issue is served without a wait, so they are that issue's.
  Activity cache_activity() const;
  void count_cache_activity(PassResult& rec, const Activity& before) const;

  void load_thread();
  void compute_thread();
  void store_thread();

  const AcceleratorConfig& config_;
  const std::vector<OpPlan>& plans_;
  compute::SystolicArray& array_;
  compute::VectorUnit& vector_unit_;
  memory::DmaEngine& dma_;
  // Filled before sc_start.
  const std::vector<std::unique_ptr<memory::CacheTarget>>& system_caches_;
  const std::unique_ptr<memory::CacheTarget>& weight_cache_;
  sc_core::sc_time cycle_;

  std::vector<std::vector<std::unique_ptr<FoldSchedule>>> schedules_;
  std::vector<std::vector<std::vector<PassResult>>> records_;  // op, pass, repeat
  std::vector<std::vector<std::vector<PassTiming>>> pass_timing_;  // op, pass, repeat

  std::int64_t loaded_ = 0, computed_ = 0, stored_ = 0, total_folds_ = 0;
  bool passed_time_limit_ = false;
  // Completion times of the last few folds' loads and stores (ring buffers:
  // no thread is more than two folds ahead of another).
  static constexpr std::size_t kRing = 4;
  // The DRAM address of `offset` bytes into an operand of stream `stream`
  // (0 ifmap, 1 filter, 2 ofmap) placed at `base`: each stream has a quarter
  // of the DRAM (operand_stream_bytes).
  std::uint64_t address(int stream, std::uint64_t base, std::uint64_t offset) const;
  std::uint64_t region_bytes_ = 0;
  sc_core::sc_time load_done_[kRing], store_done_[kRing];
  sc_core::sc_event loaded_event_, computed_event_, stored_event_;
  std::int64_t compute_end_cycle_ = 0, store_end_cycle_ = 0;
  std::function<void(std::int64_t, std::int64_t)> progress_;
  std::function<sc_core::sc_time()> memory_drained_at_;
};

}  // namespace qarch::sim

#pragma once
// The systolic MAC array as one SystemC module: a fold's cycles come from the
// closed form (systolic_mapping.h) and are spent with one wait() per fold,
// never a process per PE.
#include <cstdint>
#include <map>
#include <string>

#include <systemc>

#include "models/compute/systolic_mapping.h"

namespace qarch::compute {

struct SystolicArrayActivity {
  std::map<std::string, std::uint64_t> macs_by_format_pair;  // "int8*int8" -> MACs
  std::uint64_t busy_cycles = 0;      // cycles spent in folds
  std::uint64_t pe_busy_cycles = 0;   // sum over folds of used PEs * L
  std::uint64_t pe_idle_cycles = 0;   // unused PEs * L (gated)
  std::uint64_t folds = 0;
};

class SystolicArray : public sc_core::sc_module {
 public:
  SystolicArray(sc_core::sc_module_name name, SystolicArrayShape shape, sc_core::sc_time cycle);

  // Runs one fold (called from the controller's thread): waits L cycles.
  // `macs` are the useful MACs of the fold, counted under `format_pair`.
  void run_fold(const FoldPlan& plan, std::int64_t pes_used, std::uint64_t macs,
                const std::string& format_pair);

  const SystolicArrayShape& shape() const { return shape_; }
  const SystolicArrayActivity& activity() const { return activity_; }

 private:
  SystolicArrayShape shape_;
  sc_core::sc_time cycle_;
  SystolicArrayActivity activity_;
};

// Elementwise and softmax work: `lanes` element-operations per cycle.
class VectorUnit : public sc_core::sc_module {
 public:
  VectorUnit(sc_core::sc_module_name name, std::int64_t lanes, sc_core::sc_time cycle);
  void run(std::uint64_t cycles, std::uint64_t element_ops);
  std::int64_t lanes() const { return lanes_; }
  std::uint64_t element_ops() const { return element_ops_; }
  std::uint64_t busy_cycles() const { return busy_cycles_; }

 private:
  std::int64_t lanes_;
  sc_core::sc_time cycle_;
  std::uint64_t element_ops_ = 0;
  std::uint64_t busy_cycles_ = 0;
};

}  // namespace qarch::compute

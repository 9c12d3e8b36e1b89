#include "models/compute/systolic_array.h"

namespace qarch::compute {

SystolicArray::SystolicArray(sc_core::sc_module_name name, SystolicArrayShape shape,
                             sc_core::sc_time cycle)
    : sc_core::sc_module(name), shape_(shape), cycle_(cycle) {}

void SystolicArray::run_fold(const FoldPlan& plan, std::int64_t pes_used, std::uint64_t macs,
                             const std::string& format_pair) {
  const std::uint64_t cycles = static_cast<std::uint64_t>(plan.cycles_per_fold);
  activity_.macs_by_format_pair[format_pair] += macs;
  activity_.busy_cycles += cycles;
  activity_.pe_busy_cycles += static_cast<std::uint64_t>(pes_used) * cycles;
  activity_.pe_idle_cycles +=
      static_cast<std::uint64_t>(shape_.rows * shape_.cols - pes_used) * cycles;
  ++activity_.folds;
  wait(cycle_ * static_cast<double>(cycles));
}

VectorUnit::VectorUnit(sc_core::sc_module_name name, std::int64_t lanes, sc_core::sc_time cycle)
    : sc_core::sc_module(name), lanes_(lanes), cycle_(cycle) {}

void VectorUnit::run(std::uint64_t cycles, std::uint64_t element_ops) {
  element_ops_ += element_ops;
  busy_cycles_ += cycles;
  wait(cycle_ * static_cast<double>(cycles));
}

}  // namespace qarch::compute

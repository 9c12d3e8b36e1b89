#pragma once
// The trace reader's op and workload checks, shared with the SCALE-Sim
// topology reader: a topology's layers are read and checked as the trace ops
// `qarch import scalesim` writes for them, by the same code.
#include "common/yaml_reader.h"
#include "workloads/trace.h"

namespace qarch::workloads {

// One op (a mapping with the keys of docs/workloads.md) with the default
// operand formats; errors name the map's file, line and key path.
Op read_op_with_default_formats(YamlMap& op);

// What a workload must satisfy beyond each op's own keys; every loader calls
// it, so `qarch validate -w` refuses what a run would: unique op names, the
// MACs in all within 64 bits, at most kMaxPasses passes, every operand
// storable in its format. InputError at the op (or operand) that fails.
void check_workload(const Workload& workload);

}  // namespace qarch::workloads

#pragma once
// The human-readable summary of a run that `qarch run` and `qarch demo` print.
#include <cstdio>

#include "sim/run_result.h"

namespace qarch::cli {

void print_summary(const sim::RunResult& result, std::FILE* out);

}  // namespace qarch::cli

#pragma once
// SCALE-Sim v2 topology CSVs (conv_nets and GEMM_mnk) as v1 workloads.
// Conventions follow SCALE-Sim's topology_utils.py: header line skipped,
// every row ends with a trailing comma, a layer whose name contains "DP" is
// depthwise. Its output size ceil((H - R + s) / s) is kept by adding bottom /
// right padding, so our conv2d shapes give the same output pixels.
#include <string>

#include "workloads/trace.h"

namespace qarch::workloads {

enum class ScaleSimTopologyKind { kConv, kGemm };

Workload load_scalesim_topology(const std::string& path, ScaleSimTopologyKind kind);

}  // namespace qarch::workloads

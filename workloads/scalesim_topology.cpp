#include "workloads/scalesim_topology.h"

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "common/input_error.h"
#include "common/input_file.h"

namespace qarch::workloads {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string stem(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

// SCALE-Sim output size without padding: ceil((in - filter + stride) / stride).
std::int64_t scalesim_out(std::int64_t in, std::int64_t filter, std::int64_t stride) {
  return (in - filter + stride + stride - 1) / stride;
}

// SCALE-Sim tells layers apart by their row, so two rows may share a name; a
// trace may not. A repeated name gets the first suffix _2, _3, ... that no
// other layer has, so --topology and import + run -w name the same ops.
void make_names_unique(std::vector<Op>& ops) {
  std::set<std::string> taken;
  for (const Op& op : ops) taken.insert(op.name);
  std::set<std::string> seen;
  for (Op& op : ops) {
    if (seen.insert(op.name).second) continue;
    int suffix = 2;
    while (taken.count(fmt::format("{}_{}", op.name, suffix)) != 0) ++suffix;
    op.name = fmt::format("{}_{}", op.name, suffix);
    taken.insert(op.name);
  }
}

}  // namespace

Workload load_scalesim_topology(const std::string& path, ScaleSimTopologyKind kind) {
  std::ifstream in = open_input_file(path);
  Workload w;
  require_utf8(path, SourceRef{path, 0, "file path (it names the workload)"});
  w.name = stem(path);
  w.source = path;
  const std::size_t fields_needed = kind == ScaleSimTopologyKind::kGemm ? 4 : 8;
  const char* layout = kind == ScaleSimTopologyKind::kGemm
                           ? "name, M, N, K,"
                           : "name, IFMAP H, IFMAP W, Filter H, Filter W, Channels, Num Filter, Strides,";
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF files
    if (line_no == 1 || trim(line).empty()) continue;  // header, blank lines
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) fields.push_back(trim(f));
    // SCALE-Sim drops the last field of every row: rows end with a comma.
    if (trim(line).back() != ',') {
      throw InputError(SourceRef{path, line_no, ""},
                       fmt::format("row does not end with a trailing comma (SCALE-Sim drops the "
                                   "last field); expected: {}", layout));
    }
    if (fields.size() < fields_needed || fields.size() > fields_needed + 1) {
      throw InputError(SourceRef{path, line_no, ""},
                       fmt::format("expected {} fields ({}), found {}{}", fields_needed, layout,
                                   fields.size(),
                                   kind == ScaleSimTopologyKind::kConv && fields.size() == 4
                                       ? " (a GEMM topology? use --gemm)"
                                       : ""));
    }
    std::vector<std::int64_t> v;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      std::size_t pos = 0;
      long long x = 0;
      try {
        x = std::stoll(fields[i], &pos);
      } catch (const std::exception&) {
        pos = 0;
      }
      if (pos == 0 || pos != fields[i].size() || x < 1) {
        throw InputError(SourceRef{path, line_no, ""},
                         fmt::format("field {} is '{}'; expected a whole number >= 1 ({})", i + 1,
                                     fields[i], layout));
      }
      v.push_back(x);
    }
    Op op;
    op.name = fields[0];
    require_utf8(op.name, SourceRef{path, line_no, "field 1 (layer name)"});
    if (kind == ScaleSimTopologyKind::kGemm) {
      op.type = OpType::kGemm;
      op.gemm.m = v[0];
      op.gemm.n = v[1];
      op.gemm.k = v[2];
    } else {
      Conv2dShape& c = op.conv;
      c.height = v[0];
      c.width = v[1];
      c.filter_height = v[2];
      c.filter_width = v[3];
      c.channels = v[4];
      c.filters = v[5];
      c.stride_h = v[6];
      c.stride_w = v.size() > 7 ? v[7] : v[6];
      if (c.filter_height > c.height || c.filter_width > c.width) {
        throw InputError(SourceRef{path, line_no, ""},
                         fmt::format("filter {}x{} is larger than the IFMAP {}x{}", c.filter_height,
                                     c.filter_width, c.height, c.width));
      }
      c.pad_bottom = (scalesim_out(c.height, c.filter_height, c.stride_h) - 1) * c.stride_h +
                     c.filter_height - c.height;
      c.pad_right = (scalesim_out(c.width, c.filter_width, c.stride_w) - 1) * c.stride_w +
                    c.filter_width - c.width;
      op.type = op.name.find("DP") != std::string::npos ? OpType::kDepthwiseConv2d
                                                        : OpType::kConv2d;
    }
    w.ops.push_back(op);
  }
  if (w.ops.empty()) throw InputError(SourceRef{path, line_no, ""}, "the topology has no layers");
  make_names_unique(w.ops);
  return w;
}

}  // namespace qarch::workloads

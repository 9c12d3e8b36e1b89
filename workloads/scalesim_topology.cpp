#include "workloads/scalesim_topology.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "common/input_error.h"
#include "common/input_file.h"
#include "workloads/trace_reader.h"

namespace qarch::workloads {
namespace {

// Python's str.strip(), which SCALE-Sim applies to rows and fields.
std::string trim(const std::string& s) {
  constexpr const char* kWhitespace = " \t\n\r\v\f";
  const auto b = s.find_first_not_of(kWhitespace);
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(kWhitespace);
  return s.substr(b, e - b + 1);
}

// What Python's int() takes of a stripped decimal string: a sign, then digits,
// single underscores between them allowed; any number of digits.
bool is_python_int(const std::string& text) {
  std::size_t i = !text.empty() && (text[0] == '+' || text[0] == '-') ? 1 : 0;
  if (i == text.size()) return false;
  for (bool digit_before = false; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (!digit && !(text[i] == '_' && digit_before && i + 1 < text.size())) return false;
    digit_before = digit;
  }
  return true;
}

std::string stem(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

// The bottom (right) padding that gives SCALE-Sim's output size
// ceil((in - filter + stride) / stride) with our floor((in + pad - filter) / stride) + 1:
// the rest that takes in - filter up to a multiple of the stride (< stride, so no overflow).
std::int64_t scalesim_padding(std::int64_t in, std::int64_t filter, std::int64_t stride) {
  return (stride - (in - filter) % stride) % stride;
}

// SCALE-Sim tells layers apart by their row, so two rows may share a name; a
// trace may not. A repeated name gets the first suffix _2, _3, ... that no
// other layer has, so --topology and import + run -w name the same ops.
void make_names_unique(std::vector<std::string>& names) {
  std::set<std::string> taken(names.begin(), names.end());
  std::set<std::string> seen;
  for (std::string& name : names) {
    if (seen.insert(name).second) continue;
    int suffix = 2;
    while (taken.count(fmt::format("{}_{}", name, suffix)) != 0) ++suffix;
    name = fmt::format("{}_{}", name, suffix);
    taken.insert(name);
  }
}

// A parsed row: its line, its name and the sizes after the name.
struct Row {
  int line = 0;
  std::string name;
  std::vector<std::int64_t> sizes;
};

// The trace op `qarch import scalesim` writes for a row, as a mapping, so
// that the trace reader reads and checks it (sizes, MACs) with its own code.
YAML::Node op_node(const Row& row, ScaleSimTopologyKind kind) {
  YAML::Node node(YAML::NodeType::Map);
  node["name"] = row.name;
  const std::vector<std::int64_t>& v = row.sizes;
  if (kind == ScaleSimTopologyKind::kGemm) {
    node["type"] = "gemm";
    node["m"] = v[0];
    node["n"] = v[1];
    node["k"] = v[2];
    return node;
  }
  const std::int64_t stride_h = v[6];
  const std::int64_t stride_w = v.size() > 7 ? v[7] : v[6];
  node["type"] = row.name.find("DP") != std::string::npos ? "depthwise_conv2d" : "conv2d";
  node["h"] = v[0];
  node["w"] = v[1];
  node["r"] = v[2];
  node["s"] = v[3];
  node["c"] = v[4];
  node["k"] = v[5];
  node["stride"].push_back(stride_h);
  node["stride"].push_back(stride_w);
  node["padding"].push_back(0);
  node["padding"].push_back(scalesim_padding(v[0], v[2], stride_h));
  node["padding"].push_back(0);
  node["padding"].push_back(scalesim_padding(v[1], v[3], stride_w));
  return node;
}

}  // namespace

Workload load_scalesim_topology(const std::string& path, ScaleSimTopologyKind kind) {
  std::ifstream in = open_input_file(path);
  Workload w;
  require_utf8(path, SourceRef{path, 0, "file path (it names the workload)"});
  w.name = stem(path);
  require_name(w.name, SourceRef{path, 0, "file name (it names the workload)"});
  w.source = path;
  const std::size_t fields_needed = kind == ScaleSimTopologyKind::kGemm ? 4 : 8;
  const char* layout = kind == ScaleSimTopologyKind::kGemm
                           ? "name, M, N, K,"
                           : "name, IFMAP H, IFMAP W, Filter H, Filter W, Channels, Num Filter, Strides,";
  std::vector<Row> rows;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    // SCALE-Sim strips each row (so a CRLF line end or blanks after the
    // trailing comma are nothing) and drops what follows its last comma.
    const std::string row_text = trim(line);
    if (line_no == 1 || row_text.empty()) continue;  // header, blank lines
    if (row_text.back() != ',') {
      throw InputError(SourceRef{path, line_no, ""},
                       fmt::format("row does not end with a trailing comma (SCALE-Sim drops the "
                                   "last field); expected: {}", layout));
    }
    std::vector<std::string> fields;
    std::stringstream ss(row_text);
    for (std::string f; std::getline(ss, f, ',');) fields.push_back(trim(f));
    if (fields.size() < fields_needed) {
      throw InputError(SourceRef{path, line_no, ""},
                       fmt::format("expected {} fields ({}), found {}{}", fields_needed, layout,
                                   fields.size(),
                                   kind == ScaleSimTopologyKind::kConv && fields.size() == 4
                                       ? " (a GEMM topology? use --gemm)"
                                       : ""));
    }
    // As SCALE-Sim: a GEMM row's fields after K are never read; a conv row's
    // 9th field is the stride's width (else the one stride is both), and it
    // reads the fields after that as integers but uses none of them.
    const std::size_t sizes_end = kind == ScaleSimTopologyKind::kGemm ? fields_needed : std::min<std::size_t>(fields.size(), 9);
    const std::size_t integers_end = kind == ScaleSimTopologyKind::kGemm ? fields_needed : fields.size();
    Row row{line_no, fields[0], {}};
    for (std::size_t i = 1; i < integers_end; ++i) {
      const bool size = i < sizes_end;
      if (!size && is_python_int(fields[i])) continue;  // read by SCALE-Sim, of any size, and not used
      std::size_t pos = 0;
      long long x = 0;
      try {
        x = std::stoll(fields[i], &pos);
      } catch (const std::exception&) {
        pos = 0;
      }
      if (pos == 0 || pos != fields[i].size() || (size && x < 1)) {
        throw InputError(SourceRef{path, line_no, ""},
                         fmt::format("field {} is '{}'; expected {} ({})", i + 1, quoted_excerpt(fields[i]),
                                     size ? "a whole number >= 1" : "an integer (SCALE-Sim reads it, and ignores it)",
                                     layout));
      }
      if (size) row.sizes.push_back(x);
    }
    const SourceRef name_field{path, line_no, "field 1 (layer name)"};
    require_utf8(row.name, name_field);
    require_name(row.name, name_field);
    // SCALE-Sim asserts this (its issue #9); its layers have no padding.
    if (kind == ScaleSimTopologyKind::kConv && (row.sizes[2] > row.sizes[0] || row.sizes[3] > row.sizes[1])) {
      throw InputError(SourceRef{path, line_no, ""},
                       fmt::format("filter {}x{} is larger than the IFMAP {}x{}", row.sizes[2],
                                   row.sizes[3], row.sizes[0], row.sizes[1]));
    }
    rows.push_back(row);
  }
  if (rows.empty()) throw InputError(SourceRef{path, line_no, ""}, "the topology has no layers");
  std::vector<std::string> names;
  for (const Row& row : rows) names.push_back(row.name);
  make_names_unique(names);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].name = names[i];
    // Errors name the CSV line and the key of the op import writes (ops[3].h).
    YamlMap op(op_node(rows[i], kind), path, fmt::format("ops[{}]", i), rows[i].line);
    w.ops.push_back(read_op_with_default_formats(op));
  }
  check_workload(w);
  return w;
}

}  // namespace qarch::workloads

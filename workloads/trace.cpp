#include "workloads/trace.h"

#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/checked_math.h"
#include "common/input_error.h"
#include "common/input_file.h"
#include "common/yaml_reader.h"
#include "models/numerics/format_registry.h"
#include "workloads/trace_reader.h"
#include "models/numerics/quantizer.h"

namespace qarch::workloads {
namespace {

constexpr std::int64_t kMaxDim = std::int64_t{1} << 40;
constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max();
// The quantizer takes a group or block edge as an int.
constexpr std::int64_t kMaxGroupSize = std::numeric_limits<int>::max();
const std::vector<std::string> kOpTypes{"gemm", "conv2d", "depthwise_conv2d", "elementwise",
                                        "softmax"};
const std::vector<std::string> kGranularities{"tensor", "channel", "group", "token", "block"};

std::string checked_format(YamlMap& map, const std::string& key, const std::string& fallback) {
  const std::string name = map.string(key, fallback);
  if (numerics::find_format(name) == nullptr) {
    map.fail(key, fmt::format("unknown number format '{}'; allowed: {}", name,
                              fmt::join(numerics::format_names(), ", ")));
  }
  return name;
}

bool is_block_format(const std::string& format) {
  return numerics::format_info(format).kind == numerics::FormatKind::kBlock;
}

// A block format (mxfp4, nvfp4, ...) brings its own blocks and scales: a key
// choosing them would be ignored, so it is an error, as in `qarch numerics quantize`.
void refuse_block_format_keys(const YamlMap& m, const std::string& format) {
  const numerics::FormatInfo& info = numerics::format_info(format);
  for (const char* key : {"granularity", "group_size", "symmetric", "scale_format"}) {
    if (m.has(key)) {
      m.fail(key, fmt::format("conflicts with the block format {}, which fixes its block of {} and its {} scales; "
                              "use an element format (e.g. {}) to choose them",
                              format, info.block_size, info.scale_format, info.element_format));
    }
  }
}

OperandFormat read_operand(YamlMap& op, const std::string& key, const OperandFormat& fallback) {
  OperandFormat f = fallback;
  f.where = op.where(key);
  std::optional<YamlMap> m = op.optional_map(key);
  if (!m) return f;
  f.format = checked_format(*m, "format", fallback.format);
  if (is_block_format(f.format)) {
    refuse_block_format_keys(*m, f.format);
    m->finish();
    return f;
  }
  const std::string g = m->choice("granularity", kGranularities, to_string(fallback.granularity));
  for (std::size_t i = 0; i < kGranularities.size(); ++i) {
    if (kGranularities[i] == g) f.granularity = static_cast<ScaleGranularity>(i);
  }
  const bool grouped = f.granularity == ScaleGranularity::kGroup ||
                       f.granularity == ScaleGranularity::kBlock;
  if (grouped) {
    f.group_size = m->integer("group_size", 1, kMaxGroupSize);
  } else if (m->has("group_size")) {
    m->fail("group_size", "group_size is only allowed with granularity group or block");
  }
  f.symmetric = m->boolean("symmetric", fallback.symmetric);
  f.scale_format = m->choice("scale_format", numerics::scale_format_names(), fallback.scale_format);
  m->finish();
  return f;
}

struct Defaults {
  OperandFormat weights, inputs, outputs;
  std::string accumulator = "int32";
};

Defaults read_defaults(YamlMap& root) {
  Defaults d;
  std::optional<YamlMap> m = root.optional_map("defaults");
  if (!m) return d;
  d.weights = read_operand(*m, "weights", d.weights);
  d.inputs = read_operand(*m, "inputs", d.inputs);
  d.outputs = read_operand(*m, "outputs", d.outputs);
  d.accumulator = checked_format(*m, "accumulator", d.accumulator);
  m->finish();
  return d;
}

// stride: 2 or [2, 1] (h, w).
void read_stride(YamlMap& m, Conv2dShape& c) {
  const std::vector<std::int64_t> v = m.integers("stride", 1, kMaxDim, {1});
  if (v.size() > 2) m.fail("stride", "expected a whole number or a list of two [h, w]");
  c.stride_h = v.front();
  c.stride_w = v.back();
}

// padding: 1, [1, 1] (h, w) or [top, bottom, left, right].
void read_padding(YamlMap& m, Conv2dShape& c) {
  const std::vector<std::int64_t> v = m.integers("padding", 0, kMaxDim, {0});
  if (v.size() == 4) {
    c.pad_top = v[0];
    c.pad_bottom = v[1];
    c.pad_left = v[2];
    c.pad_right = v[3];
  } else if (v.size() <= 2) {
    c.pad_top = c.pad_bottom = v.front();
    c.pad_left = c.pad_right = v.back();
  } else {
    m.fail("padding", "expected a whole number, [h, w] or [top, bottom, left, right]");
  }
}

// One factor of a count derived from an op: its name, value and the key it comes from.
struct Factor {
  const char* name;
  std::int64_t value;
  const char* key;
};

// A count the simulator derives from an op (MACs, elements) as a product of
// its sizes, kept in 64 bits; an error at the largest factor's key when it
// does not fit. The mapper's other products (GEMM dimensions after im2col,
// operand elements, SRAM access counts) are each at most the op's MACs.
std::int64_t checked_count(const YamlMap& m, const char* count, std::initializer_list<Factor> factors) {
  std::optional<std::int64_t> product = 1;
  const Factor* largest = factors.begin();
  std::vector<const char*> names;
  std::vector<std::int64_t> values;
  for (const Factor& f : factors) {
    if (product) product = checked_multiply(*product, f.value);
    if (f.value > largest->value) largest = &f;
    names.push_back(f.name);
    values.push_back(f.value);
  }
  if (!product) {
    m.fail(largest->key, fmt::format("{} {} = {} do not fit in 64 bits; allowed: a product of at most {} (2^63 - 1)",
                                     count, fmt::join(names, " x "), fmt::join(values, " x "), kMaxCount));
  }
  return *product;
}

Op read_op(YamlMap& m, const Defaults& d) {
  Op op;
  op.where = m.where();
  op.name = m.name("name");
  const std::string type = m.choice("type", kOpTypes);
  for (std::size_t i = 0; i < kOpTypes.size(); ++i) {
    if (kOpTypes[i] == type) op.type = static_cast<OpType>(i);
  }
  switch (op.type) {
    case OpType::kGemm:
      op.gemm.batch = m.integer("batch", 1, kMaxDim, 1);
      op.gemm.m = m.integer("m", 1, kMaxDim);
      op.gemm.n = m.integer("n", 1, kMaxDim);
      op.gemm.k = m.integer("k", 1, kMaxDim);
      checked_count(m, "the MACs",
                    {{"batch", op.gemm.batch, "batch"}, {"m", op.gemm.m, "m"}, {"n", op.gemm.n, "n"}, {"k", op.gemm.k, "k"}});
      break;
    case OpType::kConv2d:
    case OpType::kDepthwiseConv2d: {
      Conv2dShape& c = op.conv;
      c.batch = m.integer("n", 1, kMaxDim, 1);
      c.channels = m.integer("c", 1, kMaxDim);
      c.height = m.integer("h", 1, kMaxDim);
      c.width = m.integer("w", 1, kMaxDim);
      c.filters = op.type == OpType::kConv2d ? m.integer("k", 1, kMaxDim)
                                             : m.integer("k", 1, kMaxDim, 1);
      c.filter_height = m.integer("r", 1, kMaxDim);
      c.filter_width = m.integer("s", 1, kMaxDim);
      read_stride(m, c);
      read_padding(m, c);
      if (c.height + c.pad_top + c.pad_bottom < c.filter_height ||
          c.width + c.pad_left + c.pad_right < c.filter_width) {
        m.fail("r", fmt::format("filter {}x{} is larger than the padded input {}x{}",
                                c.filter_height, c.filter_width,
                                c.height + c.pad_top + c.pad_bottom,
                                c.width + c.pad_left + c.pad_right));
      }
      checked_count(m, "the input elements",
                    {{"n", c.batch, "n"}, {"h", c.height, "h"}, {"w", c.width, "w"}, {"c", c.channels, "c"}});
      checked_count(m, "the MACs",
                    {{"n", c.batch, "n"}, {"E_h", c.out_height(), "h"}, {"E_w", c.out_width(), "w"},
                     {"k", c.filters, "k"}, {"r", c.filter_height, "r"}, {"s", c.filter_width, "s"},
                     {"c", c.channels, "c"}});
      break;
    }
    case OpType::kElementwise:
      op.elements = m.integer("elements", 1, kMaxDim);
      op.elementwise_operands = static_cast<int>(m.integer("operands", 1, 8, 2));
      break;
    case OpType::kSoftmax:
      op.softmax_rows = m.integer("rows", 1, kMaxDim);
      op.softmax_cols = m.integer("cols", 1, kMaxDim);
      op.elements = checked_count(m, "the elements", {{"rows", op.softmax_rows, "rows"}, {"cols", op.softmax_cols, "cols"}});
      if (op.elements > kMaxCount / kSoftmaxOpsPerElement) {
        m.fail(op.softmax_rows >= op.softmax_cols ? "rows" : "cols",
               fmt::format("{} elements at {} operations each do not fit in 64 bits; allowed: at most {} elements",
                           op.elements, kSoftmaxOpsPerElement, kMaxCount / kSoftmaxOpsPerElement));
      }
      break;
  }
  op.weights = read_operand(m, "weights", d.weights);
  op.inputs = read_operand(m, "inputs", d.inputs);
  op.outputs = read_operand(m, "outputs", d.outputs);
  op.accumulator = checked_format(m, "accumulator", d.accumulator);
  m.finish();
  return op;
}

Workload read_yaml_trace(YAML::Node root, const std::string& origin) {
  YamlMap map(root, origin, "");
  Workload w;
  w.source = origin;
  w.name = map.name("name");
  map.integer("version", 1, 1, 1);
  const Defaults d = read_defaults(map);
  for (YamlMap& op : map.list_of_maps("ops")) w.ops.push_back(read_op(op, d));
  if (w.ops.empty()) map.fail("ops", "the trace has no ops");
  map.finish();
  check_workload(w);
  return w;
}

// JSON Lines: line 1 is a header {"name": ..., "version": 1, "defaults": {...}},
// every further non-empty line one op object. JSON is read through the YAML
// reader (JSON is YAML 1.2 flow syntax), so both formats share one schema.
Workload read_jsonl_trace(std::istream& in, const std::string& origin) {
  Workload w;
  w.source = origin;
  Defaults d;
  std::string line;
  int line_no = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF line ends
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (line.find_first_not_of(" \t") != std::string::npos && line[line.find_first_not_of(" \t")] != '{') {
      throw InputError(SourceRef{origin, line_no, ""}, "expected a JSON object on this line");
    }
    const std::string key_path = have_header ? fmt::format("ops[{}]", w.ops.size()) : "header";
    YamlMap map(load_json_line(line, origin, line_no, key_path), origin, key_path, line_no - 1);
    if (!have_header) {
      w.name = map.name("name");
      map.integer("version", 1, 1, 1);
      d = read_defaults(map);
      map.finish();
      have_header = true;
    } else {
      w.ops.push_back(read_op(map, d));
    }
  }
  if (!have_header) throw InputError(SourceRef{origin, 0, ""}, "empty trace: no header line");
  if (w.ops.empty()) throw InputError(SourceRef{origin, line_no, ""}, "the trace has no ops");
  check_workload(w);
  return w;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A name as a double-quoted YAML scalar, escaped by yaml-cpp's emitter, so that
// any text (": ", "#", "- ", "[", yes, ~, quotes) reads back as the same string.
std::string quoted(const std::string& name) {
  YAML::Emitter out;
  out << YAML::DoubleQuoted << name;
  return out.c_str();
}

void emit_operand(std::ostringstream& out, const char* key, const OperandFormat& f) {
  out << "    " << key << ": {format: " << f.format;
  if (is_block_format(f.format)) {
    out << "}\n";
    return;
  }
  out << ", granularity: " << to_string(f.granularity);
  if (f.group_size > 0) out << ", group_size: " << f.group_size;
  out << ", symmetric: " << (f.symmetric ? "true" : "false") << ", scale_format: " << f.scale_format
      << "}\n";
}

}  // namespace

Op read_op_with_default_formats(YamlMap& op) { return read_op(op, Defaults{}); }

void check_workload(const Workload& w) {
  std::map<std::string, const Op*> first_with_name;
  std::int64_t macs = 0, passes = 0;
  for (const Op& op : w.ops) {
    const auto [first, is_new] = first_with_name.emplace(op.name, &op);
    if (!is_new) {
      throw InputError(op.where, fmt::format("op name '{}' appears more than once (first as {} at line {}); names must be unique",
                                             op.name, first->second->where.key_path, first->second->where.line));
    }
    const std::optional<std::int64_t> total = checked_add(macs, op_macs(op));
    if (!total) {
      throw InputError(op.where, fmt::format("the workload's MACs up to this op, {} + {}, do not fit in 64 bits; "
                                             "allowed: at most {} (2^63 - 1) in all",
                                             macs, op_macs(op), kMaxCount));
    }
    macs = *total;
    const std::optional<GemmShape> gemm = array_gemm(op);
    const std::int64_t op_passes = gemm ? gemm->batch : 1;
    if (op_passes > kMaxPasses - passes) {
      throw InputError(op.where, fmt::format("with this op the workload has {} passes (each gemm batch and each "
                                             "depthwise conv channel is one); every pass is simulated and recorded, "
                                             "so at most {} are allowed",
                                             passes + op_passes, kMaxPasses));
    }
    passes += op_passes;
    stored_bytes_per_element(op);
  }
}

const char* to_string(OpType type) {
  switch (type) {
    case OpType::kGemm: return "gemm";
    case OpType::kConv2d: return "conv2d";
    case OpType::kDepthwiseConv2d: return "depthwise_conv2d";
    case OpType::kElementwise: return "elementwise";
    case OpType::kSoftmax: return "softmax";
  }
  return "?";
}

const char* to_string(ScaleGranularity g) {
  switch (g) {
    case ScaleGranularity::kTensor: return "tensor";
    case ScaleGranularity::kChannel: return "channel";
    case ScaleGranularity::kGroup: return "group";
    case ScaleGranularity::kToken: return "token";
    case ScaleGranularity::kBlock: return "block";
  }
  return "?";
}

Workload load_trace_yaml_text(const std::string& text, const std::string& origin) {
  YAML::Node root = load_yaml_string(text, origin);
  if (!root.IsMap()) throw InputError(SourceRef{origin, 0, ""}, "expected a YAML mapping");
  return read_yaml_trace(root, origin);
}

Workload load_trace(const std::string& path) {
  if (ends_with(path, ".jsonl")) {
    std::ifstream in = open_input_file(path);
    return read_jsonl_trace(in, path);
  }
  if (!ends_with(path, ".yaml") && !ends_with(path, ".yml")) {
    throw InputError(SourceRef{path, 0, ""},
                     "unknown trace type; allowed: .yaml/.yml (trace v1), .jsonl (JSON Lines); "
                     "for SCALE-Sim topologies use `qarch import scalesim`");
  }
  return read_yaml_trace(load_yaml_file(path), path);
}

std::string to_yaml(const Workload& w) {
  std::ostringstream out;
  out << "name: " << quoted(w.name) << "\nversion: 1\nops:\n";
  for (const Op& op : w.ops) {
    out << "  - name: " << quoted(op.name) << "\n    type: " << to_string(op.type) << "\n";
    switch (op.type) {
      case OpType::kGemm:
        if (op.gemm.batch != 1) out << "    batch: " << op.gemm.batch << "\n";
        out << "    m: " << op.gemm.m << "\n    n: " << op.gemm.n << "\n    k: " << op.gemm.k << "\n";
        break;
      case OpType::kConv2d:
      case OpType::kDepthwiseConv2d: {
        const Conv2dShape& c = op.conv;
        out << "    n: " << c.batch << "\n    c: " << c.channels << "\n    h: " << c.height
            << "\n    w: " << c.width << "\n    k: " << c.filters << "\n    r: " << c.filter_height
            << "\n    s: " << c.filter_width << "\n    stride: [" << c.stride_h << ", "
            << c.stride_w << "]\n    padding: [" << c.pad_top << ", " << c.pad_bottom << ", "
            << c.pad_left << ", " << c.pad_right << "]\n";
        break;
      }
      case OpType::kElementwise:
        out << "    elements: " << op.elements << "\n    operands: " << op.elementwise_operands << "\n";
        break;
      case OpType::kSoftmax:
        out << "    rows: " << op.softmax_rows << "\n    cols: " << op.softmax_cols << "\n";
        break;
    }
    emit_operand(out, "weights", op.weights);
    emit_operand(out, "inputs", op.inputs);
    out << "    accumulator: " << op.accumulator << "\n";
    emit_operand(out, "outputs", op.outputs);
  }
  return out.str();
}

std::optional<GemmShape> array_gemm(const Op& op) {
  const Conv2dShape& c = op.conv;
  switch (op.type) {
    case OpType::kGemm:
      return op.gemm;
    case OpType::kConv2d:
      return GemmShape{1, c.batch * c.out_height() * c.out_width(), c.filters,
                       c.filter_height * c.filter_width * c.channels};
    case OpType::kDepthwiseConv2d:
      return GemmShape{c.channels, c.batch * c.out_height() * c.out_width(), c.filters,
                       c.filter_height * c.filter_width};
    case OpType::kElementwise:
    case OpType::kSoftmax:
      return std::nullopt;
  }
  return std::nullopt;
}

namespace {

double bytes_per_element(const std::string& format) {
  return numerics::format_info(format).storage_bits / 8.0;
}

// Bytes per element of an operand stored as a [rows, cols] tensor (K along a
// row), scales and zero-points included: the numerics quantizer's effective
// bits (int4 with group-128 fp16 scales: 4.125 bits). `block` granularity is
// a square group_size tile; a block format (mxfp4, nvfp4, ...) brings its own
// blocks and scales. A single per-tensor scale (and zero-point) sits in a
// register, not in memory beside the data, so per-tensor operands take their
// bare storage bits.
double operand_bytes_per_element(const OperandFormat& f, std::int64_t rows, std::int64_t cols) {
  const bool block_format = is_block_format(f.format);
  if (!block_format && f.granularity == ScaleGranularity::kTensor) return bytes_per_element(f.format);
  numerics::QuantizerConfig q;
  try {
    if (block_format) {
      q = numerics::block_format_quantizer(f.format);
    } else {
      q.element_format = f.format;
      q.symmetric = f.symmetric;
      q.scale_format = f.scale_format;
      const int group = static_cast<int>(f.group_size);
      switch (f.granularity) {
        case ScaleGranularity::kTensor: q.granularity = numerics::Granularity::kPerTensor; break;
        case ScaleGranularity::kChannel: q.granularity = numerics::Granularity::kPerChannel; break;
        case ScaleGranularity::kToken: q.granularity = numerics::Granularity::kPerToken; break;
        case ScaleGranularity::kGroup:
          q.granularity = numerics::Granularity::kPerGroup;
          q.group_size = group;
          break;
        case ScaleGranularity::kBlock:
          q.granularity = numerics::Granularity::kPerBlock;
          q.block_rows = q.block_cols = group;
          break;
      }
    }
    const numerics::Quantizer quantizer(q);
    return quantizer.effective_bits_per_element(rows, cols) / 8.0;
  } catch (const std::exception& e) {
    throw InputError(f.where, fmt::format("{} as a [{} x {}] tensor: {}", f.format, rows, cols, e.what()));
  }
}

}  // namespace

OperandBytes stored_bytes_per_element(const Op& op) {
  if (const std::optional<GemmShape> g = array_gemm(op)) {
    return {operand_bytes_per_element(op.weights, g->n, g->k), operand_bytes_per_element(op.inputs, g->m, g->k),
            operand_bytes_per_element(op.outputs, g->m, g->n)};
  }
  return {0, operand_bytes_per_element(op.inputs, 1, op.elements), operand_bytes_per_element(op.outputs, 1, op.elements)};
}

std::int64_t op_macs(const Op& op) {
  const std::optional<GemmShape> g = array_gemm(op);
  return g ? g->batch * g->m * g->n * g->k : 0;
}

}  // namespace qarch::workloads

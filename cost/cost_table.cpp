#include "cost/cost_table.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <limits>

#include <fmt/format.h>

#include "common/input_error.h"
#include "common/yaml_reader.h"

namespace qarch::cost {
namespace {

constexpr double kMaxCost = 1e12;

// A constant written as {value: x, source: "..."}; the source is mandatory.
// `positive`: the model divides by it, fits a power law through it (a
// logarithm), or it is an area or a supply, so 0 is refused too; any other
// entry only scales what it prices, and 0 (free) is allowed.
double sourced(YamlMap& parent, const std::string& key, bool positive, double max = kMaxCost) {
  YamlMap entry = parent.map(key);
  const double value = entry.number("value", -std::numeric_limits<double>::max(),
                                    std::numeric_limits<double>::max());
  const std::string allowed =
      positive ? fmt::format("allowed: above 0 up to {:g} (the model divides by this entry, takes its logarithm, or "
                             "it is an area or a supply)",
                             max)
               : fmt::format("allowed: 0..{:g}", max);
  if (value < 0 || (positive && value == 0) || value > max) {
    entry.fail("value", fmt::format("{} is {}; {}", value, value < 0 ? "negative" : "out of range", allowed));
  }
  if (entry.string("source").empty()) entry.fail("source", "every constant needs a source");
  entry.finish();
  return value;
}

double positive(YamlMap& parent, const std::string& key, double max = kMaxCost) {
  return sourced(parent, key, true, max);
}

// An energy (or a factor of one) that prices by multiplying: 0 is allowed.
double non_negative(YamlMap& parent, const std::string& key, double max = kMaxCost) {
  return sourced(parent, key, false, max);
}

NodeEntry read_node(YamlMap node, double feature_nm) {
  NodeEntry out;
  out.feature_nm = feature_nm;
  out.vdd_nominal_v = node.number("vdd_nominal_v", kMinVddV, kMaxVddV);
  if (node.has("relative_to")) {
    out.relative_to = node.string("relative_to");
    out.area_factor = node.number("area_ratio", 1e-6, 100.0);  // resolved later
    out.energy_ratio = node.number("energy_ratio", 1e-6, 100.0);
  } else {
    out.area_factor = node.number("area_factor", 1e-6, 100.0);
    if (node.has("energy_poly")) {
      // The three coefficients [a, b, c] of a V^2 + b V + c.
      const std::vector<double> poly = node.numbers("energy_poly", 3, -1e6, 1e6);
      const std::array<double, 3> c{poly[0], poly[1], poly[2]};
      if (!(c[0] > 0)) node.fail("energy_poly", "a must be > 0: the energy of a V^2 + b V + c rises with V only then");
      out.energy_poly = c;
      const double e = c[0] * out.vdd_nominal_v * out.vdd_nominal_v + c[1] * out.vdd_nominal_v + c[2];
      if (!(e > 0)) node.fail("energy_poly", "gives a non-positive energy at vdd_nominal_v");
    } else {
      out.energy_factor = node.number("energy_factor", 1e-6, 100.0);
    }
  }
  node.finish();
  return out;
}

ScalingSet read_scaling(YamlMap set, const std::string& name) {
  ScalingSet out;
  out.name = name;
  out.source = set.string("source");
  YamlMap nodes = set.map("nodes");
  for (const std::string& key : nodes.keys()) {
    const double nm = parse_node_nm(key, nodes.where(key).describe());
    out.nodes[nm] = read_node(nodes.map(key), nm);
  }
  for (auto& [nm, entry] : out.nodes) {
    if (entry.relative_to.empty()) continue;
    const double ref = parse_node_nm(entry.relative_to, nodes.where(fmt::format("{}nm", nm)).describe());
    auto it = out.nodes.find(ref);
    if (it == out.nodes.end() || !it->second.relative_to.empty()) {
      throw InputError(nodes.where(fmt::format("{:g}nm", nm)),
                       fmt::format("relative_to '{}' must name a node of this scaling set that is "
                                   "not itself relative",
                                   entry.relative_to));
    }
  }
  for (const auto& [nm, entry] : out.nodes) {
    const double min_v = min_vdd_v(out, entry);
    if (entry.vdd_nominal_v < min_v) {
      throw InputError(nodes.where(fmt::format("{:g}nm", nm)),
                       fmt::format("vdd_nominal_v {} V is below the node's energy fit; allowed: {}..{} V",
                                   entry.vdd_nominal_v, min_v, kMaxVddV));
    }
  }
  nodes.finish();
  set.finish();
  return out;
}

}  // namespace

const NodeEntry& relative_base(const ScalingSet& set, const NodeEntry& node) {
  if (node.relative_to.empty()) return node;
  return set.nodes.at(parse_node_nm(node.relative_to, "scaling set " + set.name));  // read_scaling checked it
}

double min_vdd_v(const ScalingSet& set, const NodeEntry& node) {
  const NodeEntry& fitted = relative_base(set, node);
  if (!fitted.energy_poly) return kMinVddV;
  const auto& c = *fitted.energy_poly;
  return std::max(kMinVddV, std::ceil(-c[1] / (2 * c[0]) * 1000) / 1000);
}

double parse_node_nm(const std::string& text, const std::string& origin) {
  std::string s;
  for (char ch : text) {
    if (ch != ' ') s += ch;
  }
  // A node carries its unit, as every value with a dimension does (docs/config.md).
  const bool has_unit = s.size() > 2 && s.compare(s.size() - 2, 2, "nm") == 0;
  if (has_unit) s.resize(s.size() - 2);
  std::size_t pos = 0;
  double nm = 0;
  try {
    nm = std::stod(s, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (!has_unit || pos == 0 || pos != s.size() || !(nm > 0)) {
    throw InputError(fmt::format("{}: '{}' is not a technology node in nm; write it with its unit, like 7nm or 7 nm",
                                 origin, text));
  }
  return nm;
}

CostTable parse_cost_table(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root_node = load_yaml_string(yaml_text, origin);
  YamlMap root(root_node, origin, "");
  CostTable t;
  t.origin = origin;
  t.table_name = root.string("table");
  t.base_node_nm = parse_node_nm(root.string("base_node"), root.where("base_node").describe());
  t.base_vdd_v = positive(root, "base_vdd_v", 5.0);

  YamlMap logic = root.map("logic");
  std::map<std::string, double> anchors;
  auto anchor = [&](const std::string& key) {
    t.logic.where[key] = logic.where(key);
    return anchors[key] = positive(logic, key);
  };
  t.logic.int_add_8b_pj = anchor("int_add_8b_pj");
  t.logic.int_add_32b_pj = anchor("int_add_32b_pj");
  t.logic.int_add_8b_um2 = anchor("int_add_8b_um2");
  t.logic.int_add_32b_um2 = anchor("int_add_32b_um2");
  t.logic.int_mult_8b_pj = anchor("int_mult_8b_pj");
  t.logic.int_mult_32b_pj = anchor("int_mult_32b_pj");
  t.logic.int_mult_8b_um2 = anchor("int_mult_8b_um2");
  t.logic.int_mult_32b_um2 = anchor("int_mult_32b_um2");
  t.logic.fp16_mult_pj = anchor("fp16_mult_pj");
  // The datapath model interpolates between the 8- and 32-bit anchors: a
  // 32-bit unit cheaper than the 8-bit one would make wider operands cheaper.
  const std::pair<std::string, std::string> pairs[] = {{"int_add_8b_pj", "int_add_32b_pj"},
                                                        {"int_add_8b_um2", "int_add_32b_um2"},
                                                        {"int_mult_8b_pj", "int_mult_32b_pj"},
                                                        {"int_mult_8b_um2", "int_mult_32b_um2"}};
  for (const auto& [key_8b, key_32b] : pairs) {
    const double value_8b = anchors[key_8b], value_32b = anchors[key_32b];
    if (value_32b < value_8b) {
      logic.fail(key_32b, fmt::format("{} is below {} ({}, line {}); a 32-bit unit costs at least the 8-bit one: "
                                      "allowed: >= {}", value_32b, key_8b, value_8b,
                                      t.logic.where[key_8b].line, value_8b));
    }
  }
  logic.finish();

  YamlMap cells = root.map("cells");
  t.cells.dff_um2 = positive(cells, "dff_um2");
  t.cells.mux2_um2 = positive(cells, "mux2_um2");
  t.cells.xor2_um2 = positive(cells, "xor2_um2");
  t.cells.nand2_um2 = positive(cells, "nand2_um2");
  t.cells.half_adder_um2 = positive(cells, "half_adder_um2");
  cells.finish();

  YamlMap sram = root.map("sram");
  t.sram.read_64b_pj_at_32kib = non_negative(sram, "read_64b_pj_at_32kib");
  t.sram.capacity_exponent = positive(sram, "capacity_exponent", 1.0);
  t.sram.write_to_read_energy = non_negative(sram, "write_to_read_energy", 100.0);
  t.sram.htree_fraction = non_negative(sram, "htree_fraction", 1.0);
  t.sram.bitcell_um2 = positive(sram, "bitcell_um2");
  t.sram.array_efficiency = positive(sram, "array_efficiency", 1.0);
  sram.finish();

  YamlMap dram = root.map("dram");
  for (const std::string& standard : dram.keys()) t.dram_pj_per_bit[standard] = non_negative(dram, standard);
  dram.finish();

  YamlMap flash = root.map("flash");
  for (const std::string& standard : flash.keys()) {
    YamlMap f = flash.map(standard);
    const double mb_per_s_per_ma = positive(f, "read_mb_per_s_per_ma");
    const double read_mb_s = positive(f, "seq_read_mb_per_s");
    const double write_mb_s = positive(f, "seq_write_mb_per_s");
    const double supply_v = positive(f, "supply_v", 50.0);
    f.finish();
    // 1 mA at supply_v moves mb_per_s_per_ma MB/s: J per byte = V * 1e-3 / (X * 1e6).
    const double read_pj_per_bit = supply_v * 1e-3 / (mb_per_s_per_ma * 1e6) / 8.0 * 1e12;
    t.flash[standard] = FlashStandard{read_pj_per_bit, read_pj_per_bit * read_mb_s / write_mb_s};
  }
  flash.finish();

  YamlMap wire = root.map("wire");
  t.wire.capacitance_ff_per_um = non_negative(wire, "capacitance_ff_per_um");
  t.wire.activity = non_negative(wire, "activity", 1.0);
  wire.finish();

  YamlMap leakage = root.map("leakage");
  t.leakage_logic_nw_per_um2 = non_negative(leakage, "logic_nw_per_um2");
  leakage.finish();

  YamlMap tech = root.map("technology");
  YamlMap scalings = tech.map("scalings");
  for (const std::string& name : scalings.keys()) {
    t.scalings[name] = read_scaling(scalings.map(name), name);
    if (t.scalings[name].nodes.count(t.base_node_nm) == 0) {
      scalings.fail(name, fmt::format("has no entry for the base node {:g}nm", t.base_node_nm));
    }
  }
  scalings.finish();
  for (const auto& [name, set] : t.scalings) {
    const double min_v = min_vdd_v(set, set.nodes.at(t.base_node_nm));
    if (t.base_vdd_v < min_v) {
      root.fail("base_vdd_v", fmt::format("{} V is below the base node's energy fit in scaling set '{}'; allowed: "
                                          "{}..{} V",
                                          t.base_vdd_v, name, min_v, kMaxVddV));
    }
  }
  std::vector<std::string> names;
  for (const auto& kv : t.scalings) names.push_back(kv.first);
  t.default_scaling = tech.choice("default_scaling", names);
  tech.finish();
  root.finish();
  return t;
}

CostTable load_cost_table(const std::string& path) {
  YAML::Node probe = load_yaml_file(path);  // file errors (missing, malformed) with the path
  (void)probe;
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_cost_table(buffer.str(), path);
}

}  // namespace qarch::cost

#include "cost/technology.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/input_error.h"

namespace qarch::cost {
namespace {

double poly(const std::array<double, 3>& c, double v) { return c[0] * v * v + c[1] * v + c[2]; }

struct Factors {
  double area;
  double energy;
  double vdd_nominal_v;
};

// Energy factor of a listed node at supply v, relative to the base node at the
// base voltage.
double listed_energy(const ScalingSet& set, const NodeEntry& n, double base_nm, double base_vdd,
                     double v) {
  if (!n.relative_to.empty()) return listed_energy(set, relative_base(set, n), base_nm, base_vdd, v) * n.energy_ratio;
  if (n.energy_poly) {
    const NodeEntry& base = set.nodes.at(base_nm);
    if (!base.energy_poly) {
      throw InputError(fmt::format("scaling set '{}': node {:g}nm uses energy_poly but the base node does not",
                                   set.name, n.feature_nm));
    }
    return poly(*n.energy_poly, v) / poly(*base.energy_poly, base_vdd);
  }
  return n.energy_factor * (v / n.vdd_nominal_v) * (v / n.vdd_nominal_v);
}

double listed_area(const ScalingSet& set, const NodeEntry& n) {
  if (n.relative_to.empty()) return n.area_factor;
  return relative_base(set, n).area_factor * n.area_factor;
}

}  // namespace

TechnologyPoint resolve_technology(const CostTable& table, const std::string& node,
                                   std::optional<double> vdd_v, const std::string& scaling) {
  const std::string set_name = scaling.empty() ? table.default_scaling : scaling;
  auto set_it = table.scalings.find(set_name);
  if (set_it == table.scalings.end()) {
    std::vector<std::string> names;
    for (const auto& kv : table.scalings) names.push_back(kv.first);
    throw InputError(fmt::format("cost table {}: unknown scaling set '{}'; allowed: {}", table.origin,
                                 set_name, fmt::join(names, ", ")));
  }
  const ScalingSet& set = set_it->second;
  const double lo = set.nodes.begin()->first;
  const double hi = set.nodes.rbegin()->first;
  std::vector<std::string> listed;
  for (const auto& kv : set.nodes) listed.push_back(fmt::format("{:g}nm", kv.first));
  const std::string covered = fmt::format("this set covers {:g}nm..{:g}nm (listed: {}; nodes in between are interpolated)",
                                          lo, hi, fmt::join(listed, ", "));
  double nm = 0;
  try {
    nm = parse_node_nm(node, "technology node");
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}; scaling set '{}' of cost table {}: {}", e.what(), set_name, table.origin, covered));
  }
  if (nm < lo - 1e-9 || nm > hi + 1e-9) {
    throw InputError(fmt::format("cost table {}: technology.scalings.{}: unknown node {:g}nm; {}", table.origin,
                                 set_name, nm, covered));
  }
  // Neighbours: exact match or the listed nodes just below and above.
  auto upper = set.nodes.lower_bound(nm - 1e-9);
  const NodeEntry& above = upper->second;
  const NodeEntry& below = (std::abs(upper->first - nm) < 1e-9 || upper == set.nodes.begin())
                               ? above
                               : std::prev(upper)->second;
  // Log-log interpolation in feature size between the two listed nodes.
  const double t = (&above == &below)
                       ? 0.0
                       : std::log(nm / below.feature_nm) / std::log(above.feature_nm / below.feature_nm);
  auto lerp_log = [t](double a, double b) { return std::exp(std::log(a) + t * (std::log(b) - std::log(a))); };

  TechnologyPoint p;
  p.node_nm = nm;
  p.scaling = set_name;
  p.vdd_v = vdd_v ? *vdd_v : below.vdd_nominal_v + t * (above.vdd_nominal_v - below.vdd_nominal_v);
  // Both neighbours' energies are evaluated at vdd: it must be inside both fits.
  const double min_v = std::max(min_vdd_v(set, below), min_vdd_v(set, above));
  if (!(p.vdd_v >= min_v && p.vdd_v <= kMaxVddV)) {
    const std::string why = min_v > kMinVddV ? fmt::format(
        "; below {} V the energy_poly of scaling set '{}' (cost table {}) is past its minimum -b/2a and rises as VDD falls",
        min_v, set_name, table.origin) : "";
    throw InputError(fmt::format("{} {} V is out of range at {:g}nm; allowed: {}..{} V{}",
                                 vdd_v ? "--vdd" : "the nominal supply", p.vdd_v, nm, min_v, kMaxVddV, why));
  }
  p.area_factor = lerp_log(listed_area(set, below), listed_area(set, above));
  p.energy_factor = lerp_log(listed_energy(set, below, table.base_node_nm, table.base_vdd_v, p.vdd_v),
                             listed_energy(set, above, table.base_node_nm, table.base_vdd_v, p.vdd_v));
  if (!(p.energy_factor > 0)) {
    throw InputError(fmt::format("cost table {}: scaling set '{}' gives a non-positive energy at {:g}nm, {} V",
                                 table.origin, set_name, nm, p.vdd_v));
  }
  // Leakage per gate assumed to track switching energy per gate; per area it
  // therefore scales by energy_factor / area_factor.
  p.leakage_nw_per_um2 = table.leakage_logic_nw_per_um2 * p.energy_factor / p.area_factor;
  // fF/um * 1e3 um/mm = fF per mm; * V^2 * activity -> fJ per bit-mm; / 1e3 -> pJ.
  p.wire_pj_per_bit_mm = table.wire.activity * table.wire.capacitance_ff_per_um * p.vdd_v * p.vdd_v;
  return p;
}

}  // namespace qarch::cost

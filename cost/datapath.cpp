#include "cost/datapath.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/input_error.h"

namespace qarch::cost {
namespace {

using numerics::FormatInfo;
using numerics::FormatKind;

// y = y1 * (x / x1)^p with p chosen so that the curve passes through (x2, y2).
double power_law(double x, double x1, double y1, double x2, double y2) {
  const double p = std::log(y2 / y1) / std::log(x2 / x1);
  return y1 * std::pow(x / x1, p);
}

int ceil_log2(int n) {
  int levels = 0;
  while ((1 << levels) < n) ++levels;
  return levels;
}

bool is_float(const FormatInfo& f) { return f.kind == FormatKind::kFloat; }

}  // namespace

UnitCost operator+(UnitCost a, const UnitCost& b) { return a += b; }
UnitCost operator*(UnitCost a, double k) { return UnitCost{a.area_um2 * k, a.energy_pj * k}; }

UnitCost PricedUnit::total() const {
  UnitCost sum;
  for (const auto& part : parts) sum += part.second;
  return sum;
}

int significand_bits(const FormatInfo& f) {
  if (f.kind == FormatKind::kInteger) return f.storage_bits;
  return f.mantissa_bits + 1;
}

const FormatInfo& format_or_input_error(const std::string& name, const std::string& what) {
  if (const FormatInfo* f = numerics::find_format(name)) return *f;
  try {
    return numerics::format_info(name);
  } catch (const std::invalid_argument& e) {
    throw InputError(fmt::format("{}: {}", what, e.what()));
  }
}

const FormatInfo& element_format(const FormatInfo& f) {
  if (f.kind != FormatKind::kBlock) return f;
  return numerics::format_info(f.element_format);
}

int products_per_lane(const FormatInfo& weights, const FormatInfo& acts, int lane_bits) {
  const FormatInfo& w = element_format(weights);
  const FormatInfo& a = element_format(acts);
  if (is_float(w) || is_float(a)) throw InputError("lane packing models integer operands only");
  const int op_bits = std::max(w.storage_bits, a.storage_bits);
  // A lane of one product packs nothing: that MAC is the unpacked one (no lane given).
  if (lane_bits < 2 * op_bits || lane_bits > kMaxLaneBits) {
    throw InputError(fmt::format("a lane packs at least two {}-bit operands and is at most {} bits wide{}; allowed: "
                                 "{}..{}",
                                 op_bits, kMaxLaneBits,
                                 lane_bits >= op_bits && lane_bits < 2 * op_bits
                                     ? " (a lane of one operand packs nothing: leave the lane width out)"
                                     : "",
                                 2 * op_bits, kMaxLaneBits));
  }
  return lane_bits / op_bits;
}

void check_accumulator(const FormatInfo& weights, const FormatInfo& acts, const FormatInfo& acc) {
  const int product_bits = significand_bits(element_format(weights)) + significand_bits(element_format(acts));
  const auto holds_product = [product_bits](const FormatInfo& f) {
    return f.is_signed && (f.kind == FormatKind::kFloat ||
                           (f.kind == FormatKind::kInteger && f.storage_bits >= product_bits));
  };
  if (holds_product(acc)) return;
  std::vector<std::string> allowed;
  for (const std::string& name : numerics::format_names()) {
    if (holds_product(numerics::format_info(name))) allowed.push_back(name);
  }
  const std::string why =
      acc.kind == FormatKind::kBlock ? "is a block format, not an accumulator"
      : !acc.is_signed ? (acc.kind == FormatKind::kFloat ? "is an unsigned scale format and cannot hold a signed product"
                                                         : "is unsigned and cannot hold a signed product")
                       : fmt::format("({} bits) is narrower than the {}-bit product", acc.storage_bits, product_bits);
  throw InputError(fmt::format("accumulator '{}' {}; allowed: a signed integer of at least {} bits or a signed float "
                               "({})",
                               acc.name, why, product_bits, fmt::join(allowed, ", ")));
}

DatapathModel::DatapathModel(const CostTable& table)
    : table_(table), logic_pj_per_um2_(table.logic.int_add_8b_pj / table.logic.int_add_8b_um2) {
  // Fit the product rounding/normalisation energy of a stand-alone FP
  // multiplier to the fp16 anchor: what the fp16 multiplier costs beyond its
  // significand array and exponent adder.
  const FormatInfo& fp16 = numerics::format_info("fp16");
  const int s = significand_bits(fp16);
  const double parts = int_multiplier(s, s).energy_pj + int_adder(fp16.exponent_bits + 1).energy_pj;
  const double bit_levels = 2.0 * s * std::log2(2.0 * s);
  product_round_pj_per_bit_level_ = (table.logic.fp16_mult_pj - parts) / bit_levels;
  if (!(product_round_pj_per_bit_level_ > 0)) {
    const std::map<std::string, SourceRef>& where = table.logic.where;
    throw InputError(where.at("fp16_mult_pj"),
                     fmt::format("{} pJ must exceed the fp16 significand multiplier and exponent adder it contains "
                                 "({:.3f} pJ), which int_mult_8b_pj (line {}), int_mult_32b_pj (line {}), "
                                 "int_add_8b_pj (line {}) and int_add_32b_pj (line {}) price: lower those or raise "
                                 "fp16_mult_pj",
                                 table.logic.fp16_mult_pj, parts, where.at("int_mult_8b_pj").line,
                                 where.at("int_mult_32b_pj").line, where.at("int_add_8b_pj").line,
                                 where.at("int_add_32b_pj").line));
  }
}

UnitCost DatapathModel::int_adder(int bits) const {
  const LogicAnchors& l = table_.logic;
  return UnitCost{power_law(bits, 8, l.int_add_8b_um2, 32, l.int_add_32b_um2),
                  power_law(bits, 8, l.int_add_8b_pj, 32, l.int_add_32b_pj)};
}

UnitCost DatapathModel::int_multiplier(int a_bits, int b_bits) const {
  const LogicAnchors& l = table_.logic;
  const double ab = static_cast<double>(a_bits) * b_bits;
  return UnitCost{power_law(ab, 64, l.int_mult_8b_um2, 1024, l.int_mult_32b_um2),
                  power_law(ab, 64, l.int_mult_8b_pj, 1024, l.int_mult_32b_pj)};
}

UnitCost DatapathModel::cells(double area_um2) const {
  return UnitCost{area_um2, area_um2 * logic_pj_per_um2_};
}

UnitCost DatapathModel::barrel_shifter(int width, int levels) const {
  return cells(static_cast<double>(width) * levels * table_.cells.mux2_um2);
}

// O(n log n) OR-tree and encoder (Oklobdzija 1994): n * log2(n) NAND2 equivalents.
UnitCost DatapathModel::leading_zero_counter(int width) const {
  return cells(static_cast<double>(width) * ceil_log2(width) * table_.cells.nand2_um2);
}

UnitCost DatapathModel::register_bits(int bits) const { return cells(bits * table_.cells.dff_um2); }

// The float addition core shared by the FP adder and the fused accumulate:
// exponent difference, alignment shift over the window, complement, add,
// leading-zero count, normalisation shift, rounding to s_out bits, exponent adjust.
void DatapathModel::add_align_add_normalise(PricedUnit& u, int window_bits, int s_out, int exp_bits) const {
  const int levels = ceil_log2(window_bits);
  u.add("exponent_difference", int_adder(exp_bits + 1));
  u.add("alignment_shifter", barrel_shifter(window_bits, levels));
  u.add("complement", cells(window_bits * table_.cells.xor2_um2));
  u.add("significand_adder", int_adder(window_bits));
  u.add("leading_zero_count", leading_zero_counter(window_bits));
  u.add("normalisation_shifter", barrel_shifter(window_bits, levels));
  u.add("rounding", cells(s_out * table_.cells.half_adder_um2));
  u.add("exponent_adjust", int_adder(exp_bits));
}

// Single-path FP adder: swap, exponent difference, align, (complement), add,
// LZC, normalise, round, exponent adjust.
PricedUnit DatapathModel::fp_adder(const FormatInfo& f) const {
  if (!is_float(f)) throw InputError(fmt::format("fp_adder needs a float format, got '{}'", f.name));
  const int s = significand_bits(f);
  PricedUnit u;
  u.add("operand_swap", cells(2.0 * s * table_.cells.mux2_um2));
  add_align_add_normalise(u, s + 3, s, f.exponent_bits);  // + guard, round, sticky
  return u;
}

PricedUnit DatapathModel::fp_multiplier(const FormatInfo& f) const {
  if (!is_float(f)) throw InputError(fmt::format("fp_multiplier needs a float format, got '{}'", f.name));
  const int s = significand_bits(f);
  const int p = 2 * s;
  PricedUnit u;
  u.add("significand_multiplier", int_multiplier(s, s));
  u.add("exponent_adder", int_adder(f.exponent_bits + 1));
  UnitCost round{static_cast<double>(p) * ceil_log2(p) * table_.cells.mux2_um2,
                 product_round_pj_per_bit_level_ * p * std::log2(static_cast<double>(p))};
  u.add("product_normalise_round", round);
  return u;
}

// Adds the accumulate path for a product of product_sig_bits significand bits
// with product_exp_bits of exponent (0 = integer product).
void DatapathModel::add_accumulate(PricedUnit& u, int product_sig_bits, int product_exp_bits,
                                   const FormatInfo& acc) const {
  if (acc.kind == FormatKind::kInteger) {
    const int w = acc.storage_bits;
    if (product_exp_bits > 0) {
      // Fixed-point accumulation of a float product: shift it into place by
      // its exponent, then add (Kulisch-style, window limited to acc bits).
      u.add("alignment_shifter", barrel_shifter(w, std::min(product_exp_bits, ceil_log2(w))));
      u.add("complement", cells(w * table_.cells.xor2_um2));
    }
    u.add("accumulate_adder", int_adder(w));
    u.add("accumulator_register", register_bits(w));
    return;
  }
  // Fused multiply-add datapath: the exact product and the accumulator meet
  // in a window of s_acc + product + 2 bits, so nothing is rounded twice.
  const int s_acc = significand_bits(acc);
  add_align_add_normalise(u, s_acc + product_sig_bits + 2, s_acc, acc.exponent_bits);
  u.add("accumulator_register", register_bits(acc.storage_bits));
}

// Block formats (OCP MX, NVFP4): once per block, the two scales are combined
// and applied to the block's partial sum; priced per MAC as 1/block_size.
void DatapathModel::add_block_scale(PricedUnit& u, const FormatInfo& w, const FormatInfo& a,
                                    const FormatInfo& acc) const {
  const FormatInfo* scales[2] = {nullptr, nullptr};
  int block = 0;
  if (w.kind == FormatKind::kBlock) {
    scales[0] = &numerics::format_info(w.scale_format);
    block = w.block_size;
  }
  if (a.kind == FormatKind::kBlock) {
    scales[1] = &numerics::format_info(a.scale_format);
    block = block == 0 ? a.block_size : std::min(block, a.block_size);
  }
  if (block == 0) return;
  UnitCost per_block;
  int scale_exp_bits = 0;
  int scale_sig_bits = 1;  // 1 = power-of-two scale (E8M0)
  for (const FormatInfo* s : scales) {
    if (s == nullptr) continue;
    scale_exp_bits = std::max(scale_exp_bits, s->exponent_bits);
    const int sig = significand_bits(*s);
    if (sig > 1 && scale_sig_bits > 1) {
      per_block += int_multiplier(scale_sig_bits, sig);  // both scales carry a significand
      scale_sig_bits += sig;
    } else {
      scale_sig_bits = std::max(scale_sig_bits, sig);
    }
  }
  if (scales[0] && scales[1]) per_block += int_adder(scale_exp_bits + 1);  // combine the exponents
  // Apply the scale to the block sum: a power-of-two scale is an exponent add
  // (float accumulator) or a shift (integer accumulator); a scale with a
  // significand also multiplies the sum's significand.
  if (acc.kind == FormatKind::kFloat) {
    per_block += int_adder(std::max(acc.exponent_bits, scale_exp_bits) + 1);
  } else {
    per_block += barrel_shifter(acc.storage_bits, ceil_log2(acc.storage_bits));
  }
  if (scale_sig_bits > 1) per_block += int_multiplier(significand_bits(acc), scale_sig_bits);
  // Area: one scale unit per block lane is shared by block_size MACs.
  u.add("block_scale", per_block * (1.0 / block));
}

PricedUnit DatapathModel::mac(const FormatInfo& weights, const FormatInfo& acts, const FormatInfo& acc,
                              const MacOptions& options) const {
  if (options.bit_serial) throw InputError("a bit-serial MAC is priced by bit_serial_pe()");
  check_accumulator(weights, acts, acc);
  const FormatInfo& w = element_format(weights);
  const FormatInfo& a = element_format(acts);
  const int sw = significand_bits(w);
  const int sa = significand_bits(a);
  const int product_bits = sw + sa;
  const int product_exp_bits =
      (is_float(w) && is_float(a)) ? std::max(w.exponent_bits, a.exponent_bits) + 1
                                   : std::max(w.exponent_bits, a.exponent_bits);
  PricedUnit u;
  int products_per_lane = 1;
  if (options.lane_bits) {
    const int lane_bits = *options.lane_bits;
    products_per_lane = cost::products_per_lane(w, a, lane_bits);  // InputError if it cannot pack
    // One lane-wide array; the cross terms between sub-words are gated off,
    // so only the products' share of the array switches. Carry-kill muxes
    // split the partial products.
    const UnitCost lane = int_multiplier(lane_bits, lane_bits);
    const double active = static_cast<double>(products_per_lane) * sw * sa /
                          (static_cast<double>(lane_bits) * lane_bits);
    u.add("significand_multiplier",
          UnitCost{lane.area_um2 / products_per_lane, lane.energy_pj * active / products_per_lane});
    u.add("lane_split", cells(2.0 * lane_bits * table_.cells.mux2_um2 / products_per_lane));
  } else {
    u.add("significand_multiplier", int_multiplier(sw, sa));
  }
  if (is_float(w) && is_float(a)) u.add("exponent_adder", int_adder(product_exp_bits));
  add_accumulate(u, product_bits, product_exp_bits, acc);
  add_block_scale(u, weights, acts, acc);
  if (options.sparsity_2_4) {
    // 4:1 activation mux (3 MUX2 per bit) and 2 metadata bits per weight.
    u.add("sparsity_mux", cells(3.0 * a.storage_bits * table_.cells.mux2_um2));
    u.add("sparsity_metadata", register_bits(2));
  }
  return u;
}

UnitCost DatapathModel::gated_mac(const FormatInfo& acc) const {
  UnitCost reg = register_bits(acc.storage_bits);
  return UnitCost{0.0, reg.energy_pj};
}

UnitCost DatapathModel::BitSerial::per_mac() const {
  UnitCost c = per_cycle.total();
  return UnitCost{c.area_um2, c.energy_pj * cycles_per_mac};
}

DatapathModel::BitSerial DatapathModel::bit_serial_pe(const FormatInfo& weights, const FormatInfo& acts,
                                                      const FormatInfo& acc) const {
  if (weights.kind != FormatKind::kInteger || acts.kind != FormatKind::kInteger ||
      acc.kind != FormatKind::kInteger) {
    throw InputError("the bit-serial PE model takes integer weights, activations and accumulator");
  }
  check_accumulator(weights, acts, acc);
  BitSerial pe;
  pe.cycles_per_mac = weights.storage_bits;
  // Per cycle: one weight bit ANDed with the activation, shift-added into the
  // accumulator; the weight sits in a shift register.
  pe.per_cycle.add("partial_product_and", cells(acts.storage_bits * table_.cells.nand2_um2));
  pe.per_cycle.add("shift_add", int_adder(acc.storage_bits));
  pe.per_cycle.add("accumulator_register", register_bits(acc.storage_bits));
  pe.per_cycle.add("weight_shift_register", register_bits(weights.storage_bits));
  return pe;
}

}  // namespace qarch::cost

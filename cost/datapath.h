#pragma once
// Parametric datapath model at the table's base node (45 nm, 0.9 V).
// A MAC is priced from its parts: significand multiplier (a x b bits),
// exponent adder, alignment shifter, accumulate adder, leading-zero count,
// normalisation shifter, rounding, accumulator register, plus block-scale,
// 2:4-sparsity and INT4-packing extras. Integer adders and multipliers are
// power laws through the Horowitz points; the other parts are built from
// standard cells and priced at the 8b adder's energy per area. Scale the
// result to another node with technology.h.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cost/cost_table.h"
#include "models/numerics/format_registry.h"

namespace qarch::cost {

struct UnitCost {
  double area_um2 = 0;
  double energy_pj = 0;  // per operation
  UnitCost& operator+=(const UnitCost& o) {
    area_um2 += o.area_um2;
    energy_pj += o.energy_pj;
    return *this;
  }
};
UnitCost operator+(UnitCost a, const UnitCost& b);
UnitCost operator*(UnitCost a, double k);

// A priced unit and the parts it is made of (named for reports).
struct PricedUnit {
  std::vector<std::pair<std::string, UnitCost>> parts;
  UnitCost total() const;
  void add(const std::string& name, const UnitCost& c) { parts.emplace_back(name, c); }
};

// The widest packing lane: a 64-bit integer multiplier. The multiplier power
// law runs through Horowitz's 8- and 32-bit points; wider is beyond the model.
inline constexpr int kMaxLaneBits = 64;

// Products of a `lane_bits`-wide packing lane for these operands (integer
// only); InputError naming the allowed widths otherwise.
int products_per_lane(const numerics::FormatInfo& weights, const numerics::FormatInfo& activations, int lane_bits);

// An accumulator for weights x activations must hold their signed product: a
// signed integer format at least as wide as the product (significand bits of
// both operands), or a signed float format. Unsigned integers and scale-only
// formats (e8m0) cannot; block formats are not accumulators. InputError
// naming the allowed formats otherwise.
void check_accumulator(const numerics::FormatInfo& weights, const numerics::FormatInfo& activations,
                       const numerics::FormatInfo& acc);

struct MacOptions {
  // Integer operands packed into multiplier lanes this wide (e.g. two int4
  // products on an 8-bit lane), 2 x operand width..kMaxLaneBits; empty = one
  // native product per MAC (a lane of one product would be that MAC).
  std::optional<int> lane_bits;
  // 2:4 structured sparsity: a 4:1 activation mux and 2 bits of metadata
  // per weight; priced per executed MAC.
  bool sparsity_2_4 = false;
  // Bit-serial PE: weights one bit per cycle (integer formats only); priced
  // by DatapathModel::bit_serial_pe, not mac().
  bool bit_serial = false;
};

class DatapathModel {
 public:
  explicit DatapathModel(const CostTable& table);

  // Stand-alone units (the Horowitz table entries).
  UnitCost int_adder(int bits) const;
  UnitCost int_multiplier(int a_bits, int b_bits) const;
  PricedUnit fp_adder(const numerics::FormatInfo& f) const;
  PricedUnit fp_multiplier(const numerics::FormatInfo& f) const;

  // One multiply-accumulate of weight x activation into the accumulator
  // format, per MAC (area of one MAC unit; energy of one MAC). Formats are
  // numerics registry entries; block formats add their scale handling per
  // block. Throws InputError for combinations the model does not cover.
  PricedUnit mac(const numerics::FormatInfo& weights, const numerics::FormatInfo& acts,
                 const numerics::FormatInfo& acc, const MacOptions& options = {}) const;
  // A MAC whose operands are gated (zero skipping): only the accumulator
  // register is still clocked.
  UnitCost gated_mac(const numerics::FormatInfo& acc) const;

  // Bit-serial PE (weights one bit per cycle, shift-add into the
  // accumulator). Integer operands only.
  struct BitSerial {
    PricedUnit per_cycle;     // area of the PE, energy of one cycle
    int cycles_per_mac = 0;   // weight bits
    UnitCost per_mac() const;  // area of the PE, energy of a whole MAC
  };
  BitSerial bit_serial_pe(const numerics::FormatInfo& weights, const numerics::FormatInfo& acts,
                          const numerics::FormatInfo& acc) const;

  // Standard-cell building blocks.
  UnitCost cells(double area_um2) const;  // priced at the logic energy density
  UnitCost barrel_shifter(int width, int levels) const;
  UnitCost leading_zero_counter(int width) const;
  UnitCost register_bits(int bits) const;
  double logic_pj_per_um2() const { return logic_pj_per_um2_; }

 private:
  void add_align_add_normalise(PricedUnit& unit, int window_bits, int s_out, int exp_bits) const;
  void add_accumulate(PricedUnit& unit, int product_sig_bits, int product_exp_bits,
                      const numerics::FormatInfo& acc) const;
  void add_block_scale(PricedUnit& unit, const numerics::FormatInfo& weights,
                       const numerics::FormatInfo& acts, const numerics::FormatInfo& acc) const;

  CostTable table_;
  double logic_pj_per_um2_;
  double product_round_pj_per_bit_level_;  // fitted to the fp16 multiplier
};

// Significand width including the hidden bit (floats) or the full two's
// complement width (integers).
int significand_bits(const numerics::FormatInfo& f);
// The registry entry for name; an unknown name is an InputError that starts
// with `what` (e.g. "--weights") and lists the known formats.
const numerics::FormatInfo& format_or_input_error(const std::string& name, const std::string& what);
// The format a MAC computes on: the element format of a block format.
const numerics::FormatInfo& element_format(const numerics::FormatInfo& f);

}  // namespace qarch::cost

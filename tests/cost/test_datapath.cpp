// The MAC datapath model against published figures. Each reference value names
// its source; tolerances are stated per figure. The model is fitted only to
// the integer add/mult points and the fp16 multiply (see cost/tables/default.yaml);
// FP adds, fp32 multiply and all van Baalen ratios are predictions.
#include <catch2/catch.hpp>

#include "cost/cost_table.h"
#include "cost/datapath.h"
#include "models/numerics/format_registry.h"

using qarch::cost::DatapathModel;
using qarch::numerics::format_info;

namespace {
const DatapathModel& model() {
  static const DatapathModel m(qarch::cost::default_cost_table());
  return m;
}
double mac_area(const char* w, const char* a, const char* acc) {
  return model().mac(format_info(w), format_info(a), format_info(acc)).total().area_um2;
}
double mac_energy(const char* w, const char* a, const char* acc) {
  return model().mac(format_info(w), format_info(a), format_info(acc)).total().energy_pj;
}
}  // namespace

TEST_CASE("Horowitz ISSCC 2014 (45 nm, 0.9 V): integer add and multiply (fit points, 1%)") {
  // Horowitz, "Computing's energy problem", ISSCC 2014, Fig. 1.1.9.
  CHECK(model().int_adder(8).energy_pj == Approx(0.03).epsilon(0.01));
  CHECK(model().int_adder(8).area_um2 == Approx(36).epsilon(0.01));
  CHECK(model().int_adder(32).energy_pj == Approx(0.1).epsilon(0.01));
  CHECK(model().int_adder(32).area_um2 == Approx(137).epsilon(0.01));
  CHECK(model().int_multiplier(8, 8).energy_pj == Approx(0.2).epsilon(0.01));
  CHECK(model().int_multiplier(8, 8).area_um2 == Approx(282).epsilon(0.01));
  CHECK(model().int_multiplier(32, 32).energy_pj == Approx(3.1).epsilon(0.01));
  CHECK(model().int_multiplier(32, 32).area_um2 == Approx(3495).epsilon(0.01));
}

TEST_CASE("Horowitz ISSCC 2014: FP add and multiply energy from parts") {
  // fp16 mult 1.1 pJ is the fit point of product rounding (1%).
  CHECK(model().fp_multiplier(format_info("fp16")).total().energy_pj == Approx(1.1).epsilon(0.01));
  // Predictions (+-20%): fp32 mult 3.7 pJ, fp16 add 0.4 pJ, fp32 add 0.9 pJ.
  CHECK(model().fp_multiplier(format_info("fp32")).total().energy_pj == Approx(3.7).epsilon(0.20));
  CHECK(model().fp_adder(format_info("fp16")).total().energy_pj == Approx(0.4).epsilon(0.20));
  CHECK(model().fp_adder(format_info("fp32")).total().energy_pj == Approx(0.9).epsilon(0.20));
}

TEST_CASE("van Baalen et al. 2023: FP8-E4M3 MAC vs INT8 MAC (INT32 acc) area, +-15% relative") {
  // "FP8 versus INT8 for efficient deep learning inference" (arXiv 2303.17951),
  // abstract: FP formats "50-180% less efficient in terms of compute in
  // dedicated hardware". The split by accumulator, +53% with FP16 and +183%
  // with FP32, is from secondary summaries of the paper's hardware figure,
  // not read from the figure here.
  const double int8 = mac_area("int8", "int8", "int32");
  CHECK(mac_area("fp8-e4m3", "fp8-e4m3", "fp16") / int8 == Approx(1.53).epsilon(0.15));
  CHECK(mac_area("fp8-e4m3", "fp8-e4m3", "fp32") / int8 == Approx(2.83).epsilon(0.15));
  // The paper gives no energy per design. Ours (1.64x and 2.92x, the second
  // above the abstract's 2.8x) are predictions, listed in
  // docs/validation/cost.md; only their order is checked.
  const double e_int8 = mac_energy("int8", "int8", "int32");
  CHECK(mac_energy("fp8-e4m3", "fp8-e4m3", "fp16") > e_int8);
  CHECK(mac_energy("fp8-e4m3", "fp8-e4m3", "fp32") > mac_energy("fp8-e4m3", "fp8-e4m3", "fp16"));
}

TEST_CASE("orderings: E5M2 multiplier cheaper than E4M3, INT4 cheaper than INT8") {
  auto multiplier = [](const char* f) {
    const auto unit = model().mac(format_info(f), format_info(f), format_info("fp16"));
    for (const auto& [name, part] : unit.parts) {
      if (name == "significand_multiplier") return part;
    }
    FAIL("no significand_multiplier part");
    return qarch::cost::UnitCost{};
  };
  CHECK(multiplier("fp8-e5m2").area_um2 < multiplier("fp8-e4m3").area_um2);
  CHECK(multiplier("fp8-e5m2").energy_pj < multiplier("fp8-e4m3").energy_pj);
  CHECK(mac_area("int4", "int4", "int32") < mac_area("int8", "int8", "int32"));
  CHECK(mac_energy("int4", "int4", "int32") < mac_energy("int8", "int8", "int32"));
}

TEST_CASE("block formats pay a scale per block and sparsity and packing add their parts") {
  using qarch::cost::MacOptions;
  // MXFP8 = FP8 elements + an E8M0 scale per 32 (OCP MX v1.0): a little more
  // than the element MAC, far less than a second multiplier.
  const double fp8 = mac_area("fp8-e4m3", "fp8-e4m3", "fp32");
  const double mx = mac_area("mxfp8-e4m3", "mxfp8-e4m3", "fp32");
  CHECK(mx > fp8);
  CHECK(mx < fp8 * 1.05);
  // NVFP4's FP8 scale needs a significand multiply per block: dearer than MXFP4's E8M0.
  CHECK(mac_energy("nvfp4", "nvfp4", "fp32") > mac_energy("mxfp4", "mxfp4", "fp32"));
  MacOptions sparse;
  sparse.sparsity_2_4 = true;
  const auto& i8 = format_info("int8");
  const auto& i32 = format_info("int32");
  CHECK(model().mac(i8, i8, i32, sparse).total().area_um2 > model().mac(i8, i8, i32).total().area_um2);
  MacOptions packed;
  packed.lane_bits = 8;
  const auto& i4 = format_info("int4");
  // Two int4 products share one 8x8 array: half its area per MAC.
  double mult_area = 0;
  for (const auto& [name, part] : model().mac(i4, i4, i32, packed).parts) {
    if (name == "significand_multiplier") mult_area = part.area_um2;
  }
  CHECK(mult_area == Approx(model().int_multiplier(8, 8).area_um2 / 2));
  CHECK_THROWS_WITH(model().mac(format_info("fp8-e4m3"), i8, i32, packed), Catch::Contains("integer"));
  // A lane packs at least two operands (int4: 8 bits) and is at most a 64-bit multiplier;
  // 0 and negative widths used to mean "no packing" silently, and a lane of
  // one operand (4..7 bits) added carry-kill muxes to an unpacked MAC.
  for (const int bad : {0, -8, 3, 4, 7, 65}) {
    packed.lane_bits = bad;
    // The library's message names no CLI flag (qarch cost mac adds --lane-bits).
    CHECK_THROWS_WITH(model().mac(i4, i4, i32, packed), Catch::Contains("allowed: 8..64") && !Catch::Contains("--"));
  }
  packed.lane_bits = 64;
  CHECK_NOTHROW(model().mac(i4, i4, i32, packed));
}

TEST_CASE("bit-serial PE: one cycle per weight bit, smaller than a parallel MAC") {
  const auto& i8 = format_info("int8");
  const auto pe = model().bit_serial_pe(i8, i8, format_info("int32"));
  CHECK(pe.cycles_per_mac == 8);
  CHECK(pe.per_mac().energy_pj == Approx(pe.per_cycle.total().energy_pj * 8));
  CHECK(pe.per_mac().area_um2 < mac_area("int8", "int8", "int32"));
}

TEST_CASE("a gated MAC costs only its clocked accumulator register") {
  const auto& i32 = format_info("int32");
  CHECK(model().gated_mac(i32).energy_pj == Approx(model().register_bits(32).energy_pj));
  CHECK(model().gated_mac(i32).energy_pj < mac_energy("int8", "int8", "int32") / 2);
}

TEST_CASE("an accumulator must hold the signed product: signed, integer at least as wide, or float") {
  const auto& i8 = format_info("int8");
  // e8m0 is the OCP MX scale (unsigned exponent only), uint32 has no sign:
  // both were priced as accumulators of int8 x int8.
  CHECK_THROWS_WITH(model().mac(i8, i8, format_info("e8m0")),
                    Catch::Contains("accumulator 'e8m0' is an unsigned scale format and cannot hold a signed product; "
                                    "allowed: a signed integer of at least 16 bits or a signed float (") &&
                        Catch::Contains("int16") && Catch::Contains("fp32") && !Catch::Contains("uint"));
  CHECK_THROWS_WITH(model().mac(i8, i8, format_info("uint32")),
                    Catch::Contains("accumulator 'uint32' is unsigned and cannot hold a signed product"));
  CHECK_THROWS_WITH(model().bit_serial_pe(i8, i8, format_info("uint32")),
                    Catch::Contains("accumulator 'uint32' is unsigned"));
  CHECK_THROWS_WITH(model().mac(i8, i8, format_info("mxfp4")),
                    Catch::Contains("accumulator 'mxfp4' is a block format, not an accumulator"));
  // 8 x 8 bits: a 16-bit product fits int16 exactly.
  CHECK_NOTHROW(model().mac(i8, i8, format_info("int16")));
  CHECK_THROWS_WITH(model().mac(i8, i8, format_info("int8")),
                    Catch::Contains("accumulator 'int8' (8 bits) is narrower than the 16-bit product"));
}

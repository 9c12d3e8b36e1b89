// A run's energy equals the sum of its counters times their unit prices.
// The expectation is computed here, line by line, from the unit prices of the
// datapath and memory models and the table's per-bit figures, not through
// price(): this checks the summation only. Some of those unit prices are
// checked against published figures in the other test files (MACs, SRAM
// reads); others are not (SRAM writes, clock-gated MACs, small register
// files, cache tag arrays).
#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "cost/price.h"
#include "models/numerics/format_registry.h"

using namespace qarch::cost;
using qarch::numerics::format_info;

namespace {

struct Fixture {
  ActivityCounters counters;
  ComponentInventory inventory;
  Fixture() {
    counters.macs.push_back({"int8", "int8", "int32", {}, 1'000'000, 100'000});
    counters.macs.push_back({"fp8-e4m3", "fp8-e4m3", "fp16", {}, 200'000, 0});
    counters.idle_pe_cycles = 5000;
    counters.register_files.push_back({"pe_rf", 1000, 500});
    counters.scratchpads.push_back({"act_buf", 1 << 20, 1 << 19});
    counters.caches.push_back({"l2", 2000, 64'000, 0});
    counters.dram.push_back({"lpddr5x", 1'000'000, 200'000});
    counters.flash.push_back({"ufs4.0", 1'000'000, 0});
    counters.wire_bit_mm = 1e6;
    counters.cycles = 1'000'000;
    counters.clock_hz = 1e9;
    inventory.mac_units.push_back({"int8", "int8", "int32", {}, 256});
    inventory.mac_units.push_back({"fp8-e4m3", "fp8-e4m3", "fp16", {}, 64});
    inventory.register_files.push_back({"pe_rf", {64, 32, 1}});
    inventory.scratchpads.push_back({"act_buf", {256 * 1024.0, 128, 4}});
    inventory.caches.push_back({"l2", 1024 * 1024.0, 8, 64, 512, 20});
    inventory.other_logic_um2 = 50'000;
  }
};

}  // namespace

TEST_CASE("energy and area of a hand-built run equal counters x prices (7 nm)") {
  const CostTable& table = default_cost_table();
  const TechnologyPoint tech = resolve_technology(table, "7nm");
  const DatapathModel dp(table);
  const MemoryModel mem(table);
  Fixture f;
  const CostReport r = price(f.counters, f.inventory, table, tech);
  const double ef = tech.energy_factor;
  const double af = tech.area_factor;

  const auto& i8 = format_info("int8");
  const auto& i32 = format_info("int32");
  const auto& e4m3 = format_info("fp8-e4m3");
  const auto& fp16 = format_info("fp16");
  const UnitCost int8_mac = dp.mac(i8, i8, i32).total();
  const UnitCost fp8_mac = dp.mac(e4m3, e4m3, fp16).total();
  const double compute =
      (1e6 * int8_mac.energy_pj + 1e5 * dp.gated_mac(i32).energy_pj + 2e5 * fp8_mac.energy_pj) * ef;
  CHECK(r.energy_pj.compute == Approx(compute));

  const SramGeometry rf{64, 32, 1};
  const SramGeometry buf{256 * 1024.0, 128, 4};
  const double sram = (1000 * mem.sram_read_pj(rf) + 500 * mem.sram_write_pj(rf) +
                       (1 << 20) * 8.0 / 128 * mem.sram_read_pj(buf) +
                       (1 << 19) * 8.0 / 128 * mem.sram_write_pj(buf)) * ef;
  CHECK(r.energy_pj.sram == Approx(sram));

  // L2: 16384 lines x 22-bit tag entries, 8 ways read per lookup; 512-bit data reads.
  const SramGeometry tags{16384 * 22 / 8.0, 8 * 22, 1};
  const SramGeometry data{1024 * 1024.0, 512, 1};
  const double cache = (2000 * mem.sram_read_pj(tags) + 64000 * 8.0 / 512 * mem.sram_read_pj(data)) * ef;
  CHECK(r.energy_pj.cache == Approx(cache));

  CHECK(r.energy_pj.dram == Approx(1.2e6 * 8 * 4.4));           // lpddr5x 4.4 pJ/bit (table)
  CHECK(r.energy_pj.flash == Approx(1e6 * 8 * 2.5e-3 / 6e6 / 8 * 1e12));  // UFS 4.0, 2.5 V
  CHECK(r.energy_pj.interconnect == Approx(1e6 * 0.5 * 0.2 * 0.7 * 0.7));  // a*C*V^2 at 0.7 V

  const double area = (256 * int8_mac.area_um2 + 64 * fp8_mac.area_um2 + mem.sram_area_um2(rf) +
                       mem.sram_area_um2(buf) + mem.sram_area_um2(tags) + mem.sram_area_um2(data) + 50'000) * af;
  CHECK(r.area_um2.total() == Approx(area));
  // 1 ms of leakage over that area.
  CHECK(r.energy_pj.leakage == Approx(area * tech.leakage_nw_per_um2 * 1e-3 * 1e3));

  const double total = compute + sram + cache + 1.2e6 * 8 * 4.4 + r.energy_pj.flash + r.energy_pj.interconnect +
                       r.energy_pj.leakage;
  CHECK(r.energy_pj.total() == Approx(total));
  CHECK(r.ops == 2.4e6);
  CHECK(r.tops == Approx(2.4e6 / 1e-3 / 1e12));
  CHECK(r.tops_per_w == Approx(2.4e6 / (total * 1e-12) / 1e12));
  CHECK(r.tops_per_mm2 == Approx(r.tops / (area * 1e-6)));
}

TEST_CASE("to_json carries the breakdowns and the figures of merit") {
  Fixture f;
  const CostTable& table = default_cost_table();
  const CostReport r = price(f.counters, f.inventory, table, resolve_technology(table, "16nm"));
  const nlohmann::json j = to_json(r);
  for (const char* key : {"compute", "sram", "cache", "dram", "flash", "interconnect", "leakage", "total"}) {
    CHECK(j["energy_pj"].contains(key));
  }
  CHECK(j["energy_pj"]["total"].get<double>() == Approx(r.energy_pj.total()));
  CHECK(j["area_mm2"].get<double>() == Approx(r.area_um2.total() * 1e-6));
  CHECK(j["technology"]["node_nm"].get<double>() == 16);
  CHECK(j.contains("tops_per_w"));
  CHECK(j.contains("tops_per_mm2"));
}

TEST_CASE("counters naming memories or formats the inventory lacks are errors") {
  Fixture f;
  const CostTable& table = default_cost_table();
  const auto tech = resolve_technology(table, "45nm");
  f.counters.scratchpads.push_back({"weight_buf", 10, 0});
  CHECK_THROWS_WITH(price(f.counters, f.inventory, table, tech),
                    Catch::Contains("scratchpad 'weight_buf'") && Catch::Contains("act_buf"));
  Fixture g;
  g.counters.macs.push_back({"int7", "int8", "int32", {}, 1, 0});
  CHECK_THROWS_WITH(price(g.counters, g.inventory, table, tech),
                    Catch::Contains("weight format") && Catch::Contains("int7"));
}

TEST_CASE("a bit-serial MAC with 2:4 sparsity or packed lanes is refused, not priced as plain bit-serial") {
  const CostTable& table = default_cost_table();
  const auto tech = resolve_technology(table, "45nm");
  MacOptions sparse_serial;
  sparse_serial.bit_serial = true;
  sparse_serial.sparsity_2_4 = true;
  MacOptions packed_serial;
  packed_serial.bit_serial = true;
  packed_serial.lane_bits = 16;
  for (const MacOptions& options : {sparse_serial, packed_serial}) {
    Fixture f;
    f.inventory.mac_units.push_back({"int8", "int8", "int32", options, 16});
    CHECK_THROWS_WITH(price(f.counters, f.inventory, table, tech),
                      Catch::Contains("MAC int8 x int8 -> int32: a bit-serial PE is modelled without 2:4 sparsity"));
  }
}

TEST_CASE("identical cache instances (one per DRAM port) add area, not energy per access") {
  // dram.ports: per_operand puts a system cache on each of three ports. An
  // access goes to one of them: priced on one cache's geometry. (Priced as
  // one cache of three times the capacity, each access cost sqrt(3) times as
  // much: an SRAM access scales with capacity^0.5, docs/cost.md.)
  const CostTable& table = default_cost_table();
  const TechnologyPoint tech = resolve_technology(table, "7nm");
  Fixture one, three, merged;
  three.inventory.caches[0].instances = 3;
  merged.inventory.caches[0].capacity_bytes *= 3;
  const CostReport r1 = price(one.counters, one.inventory, table, tech);
  const CostReport r3 = price(three.counters, three.inventory, table, tech);
  const CostReport rm = price(merged.counters, merged.inventory, table, tech);
  CHECK(r3.energy_pj.cache == Approx(r1.energy_pj.cache).epsilon(1e-12));
  CHECK(r3.area_um2.cache == Approx(3 * r1.area_um2.cache).epsilon(1e-12));
  CHECK(rm.energy_pj.cache == Approx(std::sqrt(3.0) * r1.energy_pj.cache).epsilon(1e-9));
}

// Bad tables give a clear error naming the table, the line and the entry.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "cost/cost_table.h"
#include "cost/datapath.h"

namespace {
std::string default_text() {
  std::ifstream in(QARCH_SOURCE_DIR "/cost/tables/default.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
std::string replaced(const std::string& from, const std::string& to) {
  std::string text = default_text();
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}
}  // namespace

TEST_CASE("the shipped table loads, from the file and built in") {
  const auto t = qarch::cost::parse_cost_table(default_text(), "default.yaml");
  CHECK(t.logic.int_mult_32b_pj == 3.1);
  CHECK(t.dram_pj_per_bit.count("lpddr5x") == 1);
  CHECK(qarch::cost::default_cost_table().scalings.count("stillmaker2017") == 1);
  CHECK(qarch::cost::load_cost_table(QARCH_SOURCE_DIR "/cost/tables/default.yaml").table_name ==
        "qarch-default-45nm");
}

TEST_CASE("a missing entry names the table and the entry") {
  const std::string text =
      replaced("  int_mult_32b_pj:  {value: 3.1,  source: \"Horowitz ISSCC 2014: 32b mult 3.1 pJ\"}\n", "");
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(text, "mine.yaml"),
                    Catch::StartsWith("mine.yaml:") && Catch::Contains("logic.int_mult_32b_pj") &&
                        Catch::Contains("missing"));
}

TEST_CASE("a 32-bit logic anchor below its 8-bit one is an error naming both lines") {
  // An int_mult_32b_pj of 0.1 (below the 8-bit 0.2) priced an int16 MAC below an int8 one.
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("int_mult_32b_pj:  {value: 3.1,", "int_mult_32b_pj:  {value: 0.1,"),
                                                  "mine.yaml"),
                    "mine.yaml:28: logic.int_mult_32b_pj: 0.1 is below int_mult_8b_pj (0.2, line 27); a 32-bit unit "
                    "costs at least the 8-bit one: allowed: >= 0.2");
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("int_add_32b_pj:   {value: 0.1,", "int_add_32b_pj:   {value: 0.01,"),
                                                  "mine.yaml"),
                    Catch::StartsWith("mine.yaml:24: logic.int_add_32b_pj: 0.01 is below int_add_8b_pj (0.03, line 23)"));
}

TEST_CASE("an fp16 multiplier cheaper than the integer parts it contains names the lines of all the anchors involved") {
  // The error had no line and named only fp16_mult_pj, which the user had not changed.
  const auto table = qarch::cost::parse_cost_table(
      replaced("int_mult_8b_pj:   {value: 0.2,", "int_mult_8b_pj:   {value: 2,"), "mine.yaml");
  CHECK_THROWS_WITH(qarch::cost::DatapathModel{table},
                    "mine.yaml:34: logic.fp16_mult_pj: 1.1 pJ must exceed the fp16 significand multiplier and exponent "
                    "adder it contains (2.235 pJ), which int_mult_8b_pj (line 27), int_mult_32b_pj (line 28), "
                    "int_add_8b_pj (line 23) and int_add_32b_pj (line 24) price: lower those or raise fp16_mult_pj");
}

TEST_CASE("a negative cost is rejected") {
  const std::string text = replaced("hbm2:    {value: 3.9,", "hbm2:    {value: -3.9,");
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(text, "mine.yaml"),
                    Catch::StartsWith("mine.yaml:") && Catch::Contains("dram.hbm2.value") &&
                        Catch::Contains("negative"));
}

TEST_CASE("0 is a price an entry that only multiplies may have, an entry the model divides by or fits must be above 0") {
  // 0 was refused everywhere as "negative or too small; ... >= 2.2250738585072014e-308".
  const auto free_hbm2 = qarch::cost::parse_cost_table(replaced("hbm2:    {value: 3.9,", "hbm2:    {value: 0,"), "mine.yaml");
  CHECK(free_hbm2.dram_pj_per_bit.at("hbm2") == 0);
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("{value: 0.346,", "{value: 0,"), "mine.yaml"),
                    Catch::Contains("sram.bitcell_um2.value: 0 is out of range; allowed: above 0 up to 1e+12 (the model "
                                    "divides by this entry, takes its logarithm, or it is an area or a supply)"));
}

TEST_CASE("a constant without a source is rejected") {
  const std::string text = replaced("{value: 0.346, source: \"Intel 45 nm 6T SRAM cell 0.346 um2 (Mistry et al., IEDM 2007)\"}",
                                    "{value: 0.346}");
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(text, "mine.yaml"),
                    Catch::Contains("sram.bitcell_um2.source") && Catch::Contains("missing"));
}

TEST_CASE("an unknown node name and a relative node that does not exist are rejected") {
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("base_node: 45nm", "base_node: fortyfive"), "mine.yaml"),
                    Catch::Contains("mine.yaml") && Catch::Contains("'fortyfive' is not a technology node"));
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("relative_to: 7nm", "relative_to: 6nm"), "mine.yaml"),
                    Catch::Contains("mine.yaml") && Catch::Contains("relative_to '6nm'"));
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("base_node: 45nm", "base_node: 40nm"), "mine.yaml"),
                    Catch::Contains("no entry for the base node 40nm"));
}

TEST_CASE("energy_poly coefficients are numbers, each checked, with the key named") {
  // They were read with yaml-cpp's as<double>(): a word gave an internal error, a quoted number was taken.
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("energy_poly: [0.1776,", "energy_poly: [abc,"), "mine.yaml"),
                    Catch::StartsWith("mine.yaml:") && Catch::Contains("stillmaker2017.nodes.7nm.energy_poly") &&
                        Catch::Contains("'abc' is not a plain number"));
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("energy_poly: [0.1776,", "energy_poly: [\"0.1776\","),
                                                  "mine.yaml"),
                    Catch::Contains("energy_poly: \"0.1776\" is a string (quoted)"));
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("energy_poly: [0.1776,", "energy_poly: [[0.1776],"),
                                                  "mine.yaml"),
                    Catch::Contains("energy_poly: expected a list of 3 numbers"));
}

TEST_CASE("unknown keys and unreadable files are errors") {
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("wire:\n", "wire:\n  resistance: 1\n"), "mine.yaml"),
                    Catch::Contains("wire.resistance: unknown key"));
  CHECK_THROWS_WITH(qarch::cost::load_cost_table("/nonexistent/table.yaml"),
                    Catch::Contains("/nonexistent/table.yaml") && Catch::Contains("cannot open"));
}

TEST_CASE("supplies below a node's energy fit are rejected with the line and the allowed range") {
  // 7 nm fit minimum: 0.09097 / (2 * 0.1776) = 0.2561 V -> 0.257 V; 45 nm: 0.362 / (2 * 1.103) = 0.1641 V -> 0.165 V.
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("7nm:  {area_factor: 0.059, vdd_nominal_v: 0.7,",
                                                           "7nm:  {area_factor: 0.059, vdd_nominal_v: 0.2,"),
                                                  "mine.yaml"),
                    Catch::StartsWith("mine.yaml:") && Catch::Contains("stillmaker2017.nodes.7nm") &&
                        Catch::Contains("vdd_nominal_v 0.2 V is below the node's energy fit; allowed: 0.257..5 V"));
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("base_vdd_v: {value: 0.9,", "base_vdd_v: {value: 0.15,"),
                                                  "mine.yaml"),
                    Catch::StartsWith("mine.yaml:14:") && Catch::Contains("base_vdd_v") &&
                        Catch::Contains("allowed: 0.165..5 V"));
  CHECK_THROWS_WITH(qarch::cost::parse_cost_table(replaced("energy_poly: [0.1776,", "energy_poly: [-0.1776,"),
                                                  "mine.yaml"),
                    Catch::Contains("stillmaker2017.nodes.7nm.energy_poly") && Catch::Contains("a must be > 0"));
}

// `qarch cost` through the built binary: output, JSON keys, exit codes.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/support/run_qarch.h"

namespace {
struct Result {
  std::string out;
  int code;
};
Result run(const std::string& args) {
  const qarch::test::CommandResult r = qarch::test::run_qarch(args);
  return {r.out + r.err, r.exit_code};
}
}  // namespace

TEST_CASE("qarch cost mac --json prints exactly area_um2 and energy_pj") {
  const Result r = run("cost mac --weights int8 --acts int8 --acc int32 --json");
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.size() == 2);
  // INT8 MAC at 45 nm: 8b mult (282 um2, 0.2 pJ) + 32b add (137 um2, 0.1 pJ)
  // (Horowitz ISSCC 2014) + a 32-bit accumulator register of DFF_X1 cells
  // (4.522 um2, NanGate FreePDK45), priced at the 8b adder's energy per area
  // (0.03 pJ / 36 um2; cost/tables/default.yaml).
  const double register_um2 = 32 * 4.522;
  CHECK(j["area_um2"].get<double>() == Approx(282 + 137 + register_um2).epsilon(1e-9));
  CHECK(j["energy_pj"].get<double>() == Approx(0.2 + 0.1 + register_um2 * 0.03 / 36).epsilon(1e-9));
  const auto j7 = nlohmann::json::parse(run("cost mac --weights int8 --acts int8 --acc int32 --node 7nm --json").out);
  CHECK(j7["energy_pj"].get<double>() < j["energy_pj"].get<double>() / 5);
}

TEST_CASE("qarch cost sram and dram") {
  const Result sram = run("cost sram --size 1MiB --json");
  REQUIRE(sram.code == 0);
  CHECK(nlohmann::json::parse(sram.out)["read_energy_pj"].get<double>() == Approx(100).epsilon(0.15));
  const Result dram = run("cost dram --standard lpddr5x");
  CHECK(dram.code == 0);
  CHECK(dram.out.find("energy_pj_per_bit") != std::string::npos);
}

TEST_CASE("bad input exits 2 with a message naming what is allowed") {
  const Result fmt = run("cost mac --weights int9 --acts int8 --acc int32");
  CHECK(fmt.code == 2);
  CHECK(fmt.out.find("--weights: unknown number format 'int9'") != std::string::npos);
  const Result node = run("cost mac --weights int8 --acts int8 --acc int32 --node 2nm");
  CHECK(node.code == 2);
  CHECK(node.out.find("unknown node 2nm") != std::string::npos);
  const Result dram = run("cost dram --standard ddr9");
  CHECK(dram.code == 2);
  CHECK(dram.out.find("allowed: ddr4") != std::string::npos);
  // 7 nm energy fit 0.1776 V^2 - 0.09097 V + 0.02447: least at 0.2561 V, so 0.2 V is refused
  const Result vdd = run("cost mac --weights int8 --acts int8 --acc int32 --node 7nm --vdd 0.2");
  CHECK(vdd.code == 2);
  CHECK(vdd.out.find("qarch: error: --vdd 0.2 V is out of range at 7nm; allowed: 0.257..5 V") != std::string::npos);
  const Result table = run("cost mac --weights int8 --acts int8 --acc int32 --table /nonexistent.yaml");
  CHECK(table.code == 2);
  CHECK(table.out.find("/nonexistent.yaml") != std::string::npos);
}

TEST_CASE("an accumulator that cannot hold a signed product is refused, naming the allowed ones") {
  // --acc e8m0 (a scale format: unsigned exponent only) and --acc uint32 were priced
  for (const char* acc : {"e8m0", "uint32"}) {
    const Result r = run(std::string("cost mac --weights int8 --acts int8 --acc ") + acc + " --json");
    CHECK(r.code == 2);
    CHECK(r.out.find(std::string("qarch: error: accumulator '") + acc + "' ") != std::string::npos);
    CHECK(r.out.find("allowed: a signed integer of at least 16 bits or a signed float") != std::string::npos);
  }
}

TEST_CASE("zero, negative and absurd widths and sizes are errors naming the option and the range") {
  // 0 and -8 were taken as "no packing", 10^6 priced a 10^6-bit multiplier
  for (const char* lane : {"0", "-8", "1000000"}) {
    const Result r = run(std::string("cost mac --weights int8 --acts int8 --acc int32 --lane-bits ") + lane);
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(r.out.find(std::string("qarch: error: --lane-bits: ") + lane + " is out of range; allowed: 1..64") !=
          std::string::npos);
  }
  // int8 operands: a lane of 16..64 bits packs two or more
  const Result narrow = run("cost mac --weights int8 --acts int8 --acc int32 --lane-bits 4");
  CHECK(narrow.code == 2);
  CHECK(narrow.out.find("qarch: error: --lane-bits 4: a lane packs at least two 8-bit operands") != std::string::npos);
  CHECK(narrow.out.find("allowed: 16..64") != std::string::npos);
  // int4 on a 4-bit lane packs nothing; it added 14.9 um2 of carry-kill muxes to the unpacked MAC
  const Result one = run("cost mac --weights int4 --acts int4 --acc int32 --lane-bits 4");
  CHECK(one.code == 2);
  CHECK(one.out.find("--lane-bits 4: a lane packs at least two 4-bit operands and is at most 64 bits wide (a lane of "
                     "one operand packs nothing: leave the lane width out); allowed: 8..64") != std::string::npos);
  const Result fp = run("cost mac --weights fp8-e4m3 --acts int8 --acc fp32 --lane-bits 16");
  CHECK(fp.code == 2);
  CHECK(fp.out.find("qarch: error: --lane-bits 16: lane packing models integer operands only") != std::string::npos);
  // a bit-serial PE has no lanes: --lane-bits was ignored there, whatever its value
  const Result serial = run("cost mac --weights int8 --acts int8 --acc int32 --bit-serial --lane-bits 16");
  CHECK(serial.code == 2);
  CHECK(serial.out.find("--lane-bits excludes --bit-serial") != std::string::npos);
  // 2:4 sparsity was ignored on a bit-serial PE (the same figure as --bit-serial alone)
  const Result sparse_serial = run("cost mac --weights int8 --acts int8 --acc int32 --bit-serial --sparsity-2-4 --json");
  CHECK(sparse_serial.code == 2);
  CHECK(sparse_serial.out.find("--sparsity-2-4 excludes --bit-serial") != std::string::npos);
  // SRAM sizes are whole bytes up to 1 TiB (2^40 B = 1024 GiB), as scratchpads in accelerator configs
  const Result huge = run("cost sram --size 1e30B");
  CHECK(huge.code == 2);
  CHECK(huge.out.find("--size: '1e30B' is out of range; allowed: 1 B .. 1 TiB") != std::string::npos);
  const Result fraction = run("cost sram --size 1000.5B --width 8");
  CHECK(fraction.code == 2);
  CHECK(fraction.out.find("--size: '1000.5B' is not a whole number of bytes") != std::string::npos);
  CHECK(run("cost sram --size 1024GiB --json").code == 0);
}

TEST_CASE("an SRAM too small for its banks says bank or banks as the count needs") {
  // 4 B hold 32 bits, less than one 64-bit word: "cannot hold 1 banks" before
  const Result one = run("cost sram --size 4B --width 64 --banks 1");
  CHECK(one.code == 2);
  CHECK(one.out.find("4 B cannot hold 1 bank of one 64-bit word") != std::string::npos);
  const Result two = run("cost sram --size 8B --width 64 --banks 2");
  CHECK(two.code == 2);
  CHECK(two.out.find("8 B cannot hold 2 banks of one 64-bit word") != std::string::npos);
}

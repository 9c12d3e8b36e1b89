// Bad inputs give one clear line on stderr and exit code 2.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/run_qarch.h"

using qarch::test::kDataDir;
using qarch::test::kEdgeAccelerator;
using qarch::test::kTinyTransformer;
using qarch::test::read_file;
using qarch::test::run_qarch;
using qarch::test::write_file;
using qarch::test::write_temp_file;

namespace {

// A design point with the DRAM model (lpddr5-6400) and a system cache.
const std::string kCacheAccelerator = std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int4-lpddr5-cache.yaml";

void check_error(const std::string& args, const std::string& expected) {
  INFO("qarch " << args);
  const auto r = run_qarch(args);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(expected));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
  CHECK(r.out.empty());
}
}  // namespace

TEST_CASE("malformed YAML, unknown keys and bad units exit 2 with file, line and key") {
  const std::string dir = qarch::test::make_temp_dir();
  write_file(dir + "/malformed.yaml", "name: x\nclock: [1 GHz\n");
  check_error("run -a " + dir + "/malformed.yaml -w " + kTinyTransformer, "malformed.yaml:3: malformed YAML");
  check_error("run -a " + kEdgeAccelerator + " -w " + kTinyTransformer + " --set compute.systolic_array.colz=4",
              "compute.systolic_array.colz: unknown key; allowed here:");
  check_error("run -a " + kEdgeAccelerator + " -w " + kTinyTransformer + " --set \"clock=1 GB\"", "clock: '1 GB' has unit 'GB'; expected a frequency");
  check_error("run -a " + kEdgeAccelerator + " -w " + kTinyTransformer + " --set compute.systolic_array.rows=0", "rows: 0 is out of range");
  // Beyond these the picosecond period rounds to nothing or the run time overflows.
  check_error("run -a " + kEdgeAccelerator + " -w " + kTinyTransformer + " --set \"clock=1e4 GHz\"",
              "clock: '1e4 GHz' is out of range; allowed: 1 MHz .. 100 GHz");
  check_error("run -a " + kEdgeAccelerator + " -w " + kTinyTransformer + " --set \"clock=1e-9 Hz\"",
              "clock: '1e-9 Hz' is out of range");
  check_error("run -a " + kEdgeAccelerator + " -w " + kTinyTransformer + " --set \"scratchpads.ifmap.size=1 KiB\"",
              "cannot hold one 32x32 tile");
}

TEST_CASE("errors about a value given with --set name the --set argument, in run and validate") {
  const std::string file = qarch::test::kEdgeAccelerator;
  const std::pair<std::string, std::string> cases[] = {
      {"--set clock=abc", "--set clock=abc: clock: 'abc' is not a frequency"},
      {"--set compute.clock=abc", "--set compute.clock=abc: compute.clock: unknown key"},
      {"--set \"dram.bandwidth=-3 GB/s\"", "--set dram.bandwidth=-3 GB/s: dram.bandwidth: '-3 GB/s' is out of range"},
      {"--set scratchpads.ifmap.size=0.5B",
       "--set scratchpads.ifmap.size=0.5B: scratchpads.ifmap.size: '0.5B' is not a whole number of bytes"},
      {"--set \"dram={preset: hbm2}\" --set dram.tRAS=2", "--set dram.tRAS=2: dram.tRAS: tRAS 2 < tRCD 14"},
      {"--set \"dram={preset: hbm2, tRAS: 2}\"", "--set dram={preset: hbm2, tRAS: 2}: dram.tRAS: tRAS 2 < tRCD 14"},
      // The preset's address mapping has no channel field: the count is blamed, not dram.preset.
      {"--set \"dram={preset: hbm2}\" --set dram.channels=2",
       "--set dram.channels=2: dram.channels: address_mapping 'ro:ba:co:bg:pc': field 'ch' is missing"},
  };
  for (const auto& [args, expected] : cases) {
    for (const char* cmd : {"run -a ", "validate -a "}) {
      check_error(cmd + file + " -w " + kTinyTransformer + " " + args, expected);
    }
  }
}

TEST_CASE("more DRAM channels than a preset's address mapping covers name dram.channels and the mapping it needs") {
  check_error("validate -a " + std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int4-lpddr5-cache.yaml"
              " --set dram.channels=2",
              "--set dram.channels=2: dram.channels: address_mapping 'ro:ba:co:bg': field 'ch' is missing but the "
              "device has 2 of them; the mapping must list every field whose count is above 1, e.g. ro:ba:co:bg:ch");
}

TEST_CASE("times and bandwidths outside their documented ranges exit 2 naming the key and the range") {
  // Before, 1e7 s and 1e-30 B/s overflowed SystemC's picosecond clock (a run of
  // ~2^63 ps), and times below its 1 ps resolution were accepted.
  const std::pair<std::string, std::string> cases[] = {
      {kEdgeAccelerator + " --set \"dram.latency=1e7 s\"",
       "--set dram.latency=1e7 s: dram.latency: '1e7 s' is out of range; allowed: 0, or 1 ps .. 1 s"},
      {kEdgeAccelerator + " --set \"dram.latency=0.4 ps\"", "dram.latency: '0.4 ps' is out of range"},
      {kEdgeAccelerator + " --set \"dram.bandwidth=1e-30 B/s\"",
       "--set dram.bandwidth=1e-30 B/s: dram.bandwidth: '1e-30 B/s' is out of range; allowed: 1 MB/s .. 100 TB/s; "
       "or unlimited (no bandwidth limit)"},
      {kEdgeAccelerator + " --set dram.bandwidth=0", "dram.bandwidth: '0' is out of range; allowed: 1 MB/s .. 100 TB/s; "
                                                     "or unlimited (no bandwidth limit)"},
      {kEdgeAccelerator + " --set dram.bandwidth=fast", "e.g. 25.6 GB/s; or unlimited (no bandwidth limit)"},
      {kEdgeAccelerator + " --set \"dram.bandwidth=1000 TB/s\"", "dram.bandwidth: '1000 TB/s' is out of range"},
      {kCacheAccelerator + " --set \"dram.tCK=1e9 s\"",
       "--set dram.tCK=1e9 s: dram.tCK: '1e9 s' is out of range; allowed: 100 ps .. 100 ns"},
      {kCacheAccelerator + " --set \"dram.tCK=0.001 ps\"", "dram.tCK: '0.001 ps' is out of range"},
      {kEdgeAccelerator + " --set \"flash={preset: ufs4.0, write_latency: 0.4 ps}\"",
       "flash.write_latency: '0.4 ps' is out of range; allowed: 0, or 1 ps .. 1 s"},
      {kEdgeAccelerator + " --set \"flash={preset: ufs4.0, seq_write_bandwidth: 1e15 B/s}\"",
       "flash.seq_write_bandwidth: '1e15 B/s' is out of range; allowed: 1 MB/s .. 100 TB/s"},
  };
  for (const auto& [args, expected] : cases) {
    for (const char* cmd : {"run -a ", "validate -a "}) check_error(cmd + args + " -w " + kTinyTransformer, expected);
  }
}

TEST_CASE("a size of 0 or below is out of range, not a size without a unit") {
  const std::pair<std::string, std::string> cases[] = {
      {kCacheAccelerator + " --set system_cache.size=0", "system_cache.size: '0' is out of range; allowed: 1 B .. 1 GiB"},
      {kCacheAccelerator + " --set \"system_cache.line=-64 B\"",
       "system_cache.line: '-64 B' is out of range; allowed: 1 B .. 1 MiB"},
      {kEdgeAccelerator + " --set scratchpads.ifmap.size=0", "scratchpads.ifmap.size: '0' is out of range; allowed: 1 B .. 1 TiB"},
      {kEdgeAccelerator + " --set dma.burst=0", "dma.burst: '0' is out of range; allowed: 1 B .. 1 GiB"},
      {kEdgeAccelerator + " --set dma.burst=-4096", "dma.burst: '-4096' is out of range; allowed: 1 B .. 1 GiB"},
      {kEdgeAccelerator + " --set \"flash={preset: ufs4.0, page: -4 KiB}\"",
       "flash.page: '-4 KiB' is out of range; allowed: 1 B .. 1 GiB"},
  };
  for (const auto& [args, expected] : cases) check_error("validate -a " + args, expected);
}

TEST_CASE("dram.standard with a DRAM preset is refused: the preset's standard prices the energy") {
  // Before, lpddr5-6400 with standard ddr4 was priced as DDR4.
  for (const char* cmd : {"run -a ", "validate -a "}) {
    check_error(cmd + kCacheAccelerator + " -w " + kTinyTransformer + " --set dram.standard=ddr4",
                "--set dram.standard=ddr4: dram.standard: not allowed with dram.preset (given at " + kCacheAccelerator +
                    ":26): the preset's standard, lpddr5, prices the DRAM's energy");
  }
}

TEST_CASE("system_cache.miss_latency_cycles is an unknown key: the DRAM behind the cache times its fills") {
  check_error("run -a " + kCacheAccelerator + " -w " + kTinyTransformer + " --set system_cache.miss_latency_cycles=5",
              "--set system_cache.miss_latency_cycles=5: system_cache.miss_latency_cycles: unknown key; allowed here:");
}

TEST_CASE("an error about a combination of keys names the one --set gave") {
  const std::pair<std::string, std::string> cases[] = {
      // 1 MiB lines x 16 ways do not fit the file's 1 MiB cache; the file's size line was blamed.
      {"--set \"system_cache.line=1 MiB\"",
       "--set system_cache.line=1 MiB: system_cache.line: size 1 MiB is not a whole number of sets of 16 ways x "
       "1 MiB lines (16 MiB a set)"},
      {"--set system_cache.ways=3",
       "--set system_cache.ways=3: system_cache.ways: size 1 MiB is not a whole number of sets of 3 ways x 64 B lines"},
      // The preset's watermarks are 0.2 and 0.8: the message named the other one as the key.
      {"--set dram.write_low_watermark=0.9",
       "--set dram.write_low_watermark=0.9: dram.write_low_watermark: write_low_watermark 0.9 is not below "
       "write_high_watermark 0.8"},
      {"--set dram.write_high_watermark=0.1",
       "--set dram.write_high_watermark=0.1: dram.write_high_watermark: write_low_watermark 0.2 is not below "
       "write_high_watermark 0.1"},
  };
  for (const auto& [args, expected] : cases) check_error("validate -a " + kCacheAccelerator + " " + args, expected);
  // A 65536 x 32 int8 tile (2 MiB) does not fit half of the file's 64 KiB ifmap scratchpad: the
  // file's size line was blamed. A --set size is still named itself.
  check_error("validate -a " + kEdgeAccelerator + " --set compute.systolic_array.rows=65536",
              "qarch: error: --set compute.systolic_array.rows=65536: compute.systolic_array.rows: "
              "scratchpads.ifmap.size 64 KiB cannot hold one 65536x32 tile (2 MiB) in each half of its double "
              "buffer; need at least 4 MiB");
  check_error("validate -a " + kEdgeAccelerator + " --set compute.systolic_array.cols=2048 --set scratchpads.ifmap.size=1KiB",
              "qarch: error: --set scratchpads.ifmap.size=1KiB: scratchpads.ifmap.size: 1 KiB cannot hold one "
              "32x2048 tile (64 KiB)");
}

TEST_CASE("booleans are true or false only, as in YAML 1.2 and JSON") {
  // yes was taken as true and 1 refused.
  for (const char* value : {"yes", "1", "on", "no"}) {
    check_error("validate -a " + kCacheAccelerator + " --set dram.split_command_bus=" + value,
                "--set dram.split_command_bus=" + std::string(value) + ": dram.split_command_bus: '" + value +
                    "' is not a boolean; allowed: true, false");
  }
  const auto ok = run_qarch("validate -a " + kCacheAccelerator + " --set dram.split_command_bus=true");
  CHECK(ok.exit_code == 0);
}

TEST_CASE("an address mapping with an empty field is refused, listing the allowed fields") {
  // The trailing ':' made YAML read a section ("expected a single value"); quoted, it was accepted.
  for (const char* set : {"'dram.address_mapping=\"ro:ba:co:bg:\"'", "dram.address_mapping=ro::ba:co:bg",
                          "dram.address_mapping=:ro:ba:co:bg"}) {
    check_error("validate -a " + kCacheAccelerator + " --set " + set, "empty field");
  }
  check_error("validate -a " + kCacheAccelerator + " --set dram.address_mapping=ro:ba:co:bg:",
              "--set dram.address_mapping=ro:ba:co:bg:: dram.address_mapping: address_mapping 'ro:ba:co:bg:': empty "
              "field 5 (a ':' at either end or two in a row); fields are colon-separated, most significant first, "
              "from: ch, pc, ra, bg, ba, ro, co (e.g. ro:ba:co:bg)");
}

TEST_CASE("validate and run refuse the scalesim traffic model with a DRAM preset, naming both keys") {
  for (const char* cmd : {"validate -a ", "run -a "}) {
    check_error(cmd + std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int4-lpddr5-cache.yaml -w " +
                    kTinyTransformer + " --set simulation.traffic_model=scalesim",
                "--set simulation.traffic_model=scalesim: simulation.traffic_model: 'scalesim' is not allowed with "
                "dram.preset (given at " + std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int4-lpddr5-cache.yaml:26)");
  }
}

TEST_CASE("validate and run refuse a conv that the scalesim traffic model cannot express, naming the pass") {
  const std::string dir = qarch::test::make_temp_dir();
  const std::string accelerator = std::string(QARCH_SOURCE_DIR) +
                                  "/accelerators/scalesim-32x32-ws.yaml --set dram.bandwidth=32GB/s"
                                  " --set simulation.traffic_model=scalesim";
  const std::pair<const char*, const char*> layers[] = {
      {"padded", "{name: conv1, type: conv2d, c: 3, h: 16, w: 16, k: 8, r: 3, s: 3, padding: 1}"},
      {"strided", "{name: conv1, type: conv2d, c: 3, h: 16, w: 16, k: 8, r: 3, s: 3, stride: [2, 1]}"},
  };
  for (const auto& [name, op] : layers) {
    const std::string workload = dir + "/" + name + ".yaml";
    write_file(workload, std::string("name: w\nops:\n  - ") + op + "\n");
    const std::string expected =
        "simulation.traffic_model: pass 'conv1': the scalesim traffic model needs SCALE-Sim-shaped layers "
        "(one stride, no top/left padding)";
    check_error("run -a " + accelerator + " -w " + workload, expected);
    // validate passes each file on its own, then refuses the pair, and says "ok" of neither.
    const auto r = run_qarch("validate -a " + accelerator + " -w " + workload);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(expected));
    CHECK(r.out.empty());
  }
  // What SCALE-Sim can express (one stride in both directions, no padding) validates.
  write_file(dir + "/plain.yaml", "name: w\nops:\n  - {name: conv1, type: conv2d, c: 3, h: 16, w: 16, k: 8, r: 3, "
                                  "s: 3, stride: 2}\n");
  const auto r = run_qarch("validate -a " + accelerator + " -w " + dir + "/plain.yaml");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("w runs on scalesim-32x32-ws: ok"));
}

TEST_CASE("what the cost model cannot price is an error before the run, with -q too, and in validate") {
  const std::string dir = qarch::test::make_temp_dir();
  write_file(dir + "/acc4.yaml", "name: w\nops:\n  - {name: a, type: gemm, m: 16, n: 16, k: 16, accumulator: int4}\n");
  const std::string acc4 = " --set compute.systolic_array.formats.0.accumulator=int4";
  const std::string narrow =
      "compute.systolic_array.formats[0].accumulator: accumulator 'int4' (4 bits) is narrower than the 16-bit product";
  // Found after loading, these still name the --set argument that gave the value.
  const std::string node = "--set cost.node=3nm: cost.node: ";
  const std::string table = "--set cost.table=/nonexistent.yaml: cost.table: /nonexistent.yaml: cannot open file";
  for (const char* cmd : {"run -q", "run"}) {
    check_error(std::string(cmd) + " -a " + kEdgeAccelerator + acc4 + " -w " + dir + "/acc4.yaml", narrow);
    check_error(std::string(cmd) + " -a " + kEdgeAccelerator + " -w " + kTinyTransformer + " --set cost.node=3nm", node);
    check_error(std::string(cmd) + " -a " + kEdgeAccelerator + " -w " + kTinyTransformer + " --set cost.table=/nonexistent.yaml",
                table);
  }
  check_error("run -q -a " + kEdgeAccelerator + " -w " + kTinyTransformer + " --set compute.systolic_array.formats.0.macs_per_pe_per_cycle=16",
              "--set compute.systolic_array.formats.0.macs_per_pe_per_cycle=16: "
              "compute.systolic_array.formats[0].macs_per_pe_per_cycle: 16 8-bit products per cycle "
              "need a 128-bit lane, wider than the cost model's 64-bit multiplier; allowed: 1..8");
  // validate prints what passed before the check that fails.
  for (const auto& [args, expected] : {std::pair{acc4 + " -w " + dir + "/acc4.yaml", narrow},
                                       std::pair{std::string(" --set cost.node=3nm"), node},
                                       std::pair{std::string(" --set cost.table=/nonexistent.yaml"), table}}) {
    const auto r = run_qarch("validate -a " + kEdgeAccelerator + args);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(expected));
  }
}

// A design point whose lines the tests below count on.
std::string numbered_accelerator(const std::string& formats, const std::string& cost) {
  return "name: n\n"                                            // 1
         "clock: 1 GHz\n"                                       // 2
         "compute:\n"                                           // 3
         "  systolic_array:\n"                                  // 4
         "    rows: 8\n"                                        // 5
         "    cols: 8\n"                                        // 6
         "    dataflow: ws\n"                                   // 7
         "    formats:\n"                                       // 8
         "      - " + formats + "\n"                            // 9
         "scratchpads: {unified: {size: 64 KiB}}\n"             // 10
         "dram: {bandwidth: 25.6 GB/s}\n"                       // 11
         "cost:\n"                                              // 12
         + cost;                                                // 13..
}

TEST_CASE("config errors found after loading name the file and line of the offending key") {
  const std::string dir = qarch::test::make_temp_dir();
  const std::string int8 = "{weights: int8, inputs: int8}";
  const auto check = [&](const std::string& name, const std::string& text, const std::string& expected) {
    write_file(dir + "/" + name, text);
    // validate prints what passed before the check that fails
    const auto r = run_qarch("validate -a " + dir + "/" + name);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains(dir + "/" + name + expected));
  };
  check("node.yaml", numbered_accelerator(int8, "  node: 3nm\n"), ":13: cost.node: ");
  check("table.yaml", numbered_accelerator(int8, "  node: 16nm\n  table: nope.yaml\n"), ":14: cost.table: ");
  // The accumulator's line when given; the entry's line for the default int32.
  check("acc.yaml", numbered_accelerator("{weights: int8, inputs: int8,\n         accumulator: int8}", "  node: 16nm\n"),
        ":10: compute.systolic_array.formats[0].accumulator: accumulator 'int8' (8 bits) is narrower than the 16-bit "
        "product");
  // An accumulator that cannot hold a signed product (e8m0 was accepted).
  check("e8m0.yaml", numbered_accelerator("{weights: int8, inputs: int8,\n         accumulator: e8m0}", "  node: 16nm\n"),
        ":10: compute.systolic_array.formats[0].accumulator: accumulator 'e8m0' is an unsigned scale format");
  check("acc64.yaml", numbered_accelerator("{weights: int32, inputs: int32}", "  node: 16nm\n"),
        ":9: compute.systolic_array.formats[0]: accumulator 'int32' (32 bits) is narrower than the 64-bit product");
  // 17 int4 products need a 68-bit lane (docs/cost.md: at most 64).
  check("lane.yaml", numbered_accelerator("{weights: int4, inputs: int4,\n         macs_per_pe_per_cycle: 17}", "  node: 16nm\n"),
        ":10: compute.systolic_array.formats[0].macs_per_pe_per_cycle: 17 4-bit products");
}

TEST_CASE("a relative cost.table is found beside the config file, a --set one from the working directory") {
  // It was resolved against the working directory, so the same config worked from one folder only.
  const std::string dir = qarch::test::make_temp_dir();
  write_file(dir + "/mine.yaml", qarch::test::read_file(std::string(QARCH_SOURCE_DIR) + "/cost/tables/default.yaml"));
  write_file(dir + "/beside.yaml", numbered_accelerator("{weights: int8, inputs: int8}", "  node: 16nm\n  table: mine.yaml\n"));
  const auto ok = run_qarch("validate -a " + dir + "/beside.yaml");
  CHECK(ok.exit_code == 0);
  write_file(dir + "/nope.yaml", numbered_accelerator("{weights: int8, inputs: int8}", "  node: 16nm\n  table: no.yaml\n"));
  const auto missing = run_qarch("validate -a " + dir + "/nope.yaml");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains(dir + "/nope.yaml:14: cost.table: " + dir + "/no.yaml: cannot open file"));
  const auto set = run_qarch("validate -a " + dir + "/beside.yaml --set cost.table=mine.yaml");
  CHECK(set.exit_code == 2);
  CHECK_THAT(set.err, Catch::Contains("--set cost.table=mine.yaml: cost.table: mine.yaml: cannot open file"));
}

TEST_CASE("a technology node without its unit is refused in a config and on the command line") {
  const std::string dir = qarch::test::make_temp_dir();
  write_file(dir + "/n7.yaml", numbered_accelerator("{weights: int8, inputs: int8}", "  node: 7\n"));
  const auto r = run_qarch("validate -a " + dir + "/n7.yaml");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(dir + "/n7.yaml:13: cost.node: technology node: '7' is not a technology node in nm"));
  check_error("cost mac --weights int8 --acts int8 --acc int32 --node 7.5",
              "'7.5' is not a technology node in nm; write it with its unit, like 7nm or 7 nm");
}

TEST_CASE("a misspelt required key is an unknown key at its own line, listing the allowed keys") {
  const std::string dir = qarch::test::make_temp_dir();
  std::string text = numbered_accelerator("{weights: int8, inputs: int8}", "  node: 16nm\n");
  text.replace(text.find("cols:"), 5, "colz:");
  write_file(dir + "/colz.yaml", text);
  check_error("validate -a " + dir + "/colz.yaml",
              dir + "/colz.yaml:6: compute.systolic_array.colz: unknown key; allowed here: cols, dataflow, formats, rows");
  // In a list item too, and for a string key.
  text = numbered_accelerator("{weigths: int8, inputs: int8}", "  node: 16nm\n");
  write_file(dir + "/weigths.yaml", text);
  check_error("validate -a " + dir + "/weigths.yaml",
              dir + "/weigths.yaml:9: compute.systolic_array.formats[0].weigths: unknown key; allowed here: "
              "accumulator, inputs, macs_per_pe_per_cycle, weights");
  // Without a misspelling the missing key is still named.
  text = numbered_accelerator("{weights: int8, inputs: int8}", "  node: 16nm\n");
  text.erase(text.find("    cols: 8\n"), 12);
  write_file(dir + "/nocols.yaml", text);
  check_error("validate -a " + dir + "/nocols.yaml", "compute.systolic_array.cols: required key is missing");
}

TEST_CASE("an op whose accumulator is not its format pair's is an error naming the op's line and the pair's key") {
  // A PE accumulates a pair in one format (compute.systolic_array.formats[i].accumulator):
  // int8 x int8 in int16 on the int32 PE of edge-int8-32x32 was priced as a
  // cheaper int16 MAC, fp8 in fp32 on an fp16 PE as a dearer one.
  const std::string dir = qarch::test::make_temp_dir();
  write_file(dir + "/i8a16.yaml", "name: w\nops:\n  - {name: g, type: gemm, m: 64, n: 64, k: 64, accumulator: int16}\n");
  write_file(dir + "/fp8a32.yaml",
             "name: w\nops:\n  - {name: g, type: gemm, m: 64, n: 64, k: 64, weights: {format: fp8-e4m3}, "
             "inputs: {format: fp8-e4m3}, accumulator: fp32, outputs: {format: fp8-e4m3}}\n");
  const std::string fp8_pair = " --set \"compute.systolic_array.formats.1={weights: fp8-e4m3, inputs: fp8-e4m3, accumulator: fp16}\"";
  for (const char* cmd : {"run -q", "validate"}) {
    INFO(cmd);
    const auto i8 = run_qarch(std::string(cmd) + " -a " + kEdgeAccelerator + " -w " + dir + "/i8a16.yaml");
    CHECK(i8.exit_code == 2);
    CHECK_THAT(i8.err, Catch::Contains("i8a16.yaml:3: ops[0]: op 'g' accumulates int8 x int8 in int16, but the PE "
                                       "accumulates that pair in int32 (" + kEdgeAccelerator +
                                       ":12: compute.systolic_array.formats[0].accumulator)"));
    const auto fp8 = run_qarch(std::string(cmd) + " -a " + kEdgeAccelerator + fp8_pair + " -w " + dir + "/fp8a32.yaml");
    CHECK(fp8.exit_code == 2);
    CHECK_THAT(fp8.err, Catch::Contains("fp8a32.yaml:3: ops[0]: op 'g' accumulates fp8-e4m3 x fp8-e4m3 in fp32, but "
                                        "the PE accumulates that pair in fp16 (--set compute.systolic_array."
                                        "formats.1={weights: fp8-e4m3, inputs: fp8-e4m3, accumulator: fp16}: "
                                        "compute.systolic_array.formats[1].accumulator)"));
  }
}

TEST_CASE("missing files, bad CSV and bad traces exit 2") {
  const std::string dir = qarch::test::make_temp_dir();
  check_error("run -a /nonexistent.yaml -w " + kTinyTransformer, "/nonexistent.yaml: cannot open file");
  check_error("run -a " + kEdgeAccelerator + " -w /nonexistent.yaml", "/nonexistent.yaml: cannot open file");
  write_file(dir + "/topo.csv", "Layer,H,W,R,S,C,N,S,\nConv1,224,224,3,3,3,64,1\n");
  check_error("run --scalesim-config " + kDataDir + "/scalesim/configs/32x32_os.cfg --topology " + dir + "/topo.csv",
              "topo.csv:2: row does not end with a trailing comma");
  write_file(dir + "/t.jsonl", "{\"name\": \"t\"}\n{\"name\": \"a\", \"type\": \"gemm\", \"m\": 4, \"n\"");
  check_error("run -a " + kEdgeAccelerator + " -w " + dir + "/t.jsonl", "t.jsonl:2: malformed JSON (truncated trace?)");
  check_error("run -a " + kEdgeAccelerator + " -w " + dir + "/topo.csv", "unknown trace type");
  check_error("run -a " + kEdgeAccelerator, "needs -a ARCH.yaml and -w WORKLOAD");
  // Each batch is a simulated, recorded pass: 10^8 of them used to run out of memory.
  write_file(dir + "/batch.yaml", "name: b\nops:\n  - {name: a, type: gemm, m: 8, n: 8, k: 8, batch: 100000000}\n");
  check_error("run -a " + kEdgeAccelerator + " -w " + dir + "/batch.yaml",
              "batch.yaml:3: ops[0]: with this op the workload has 100000000 passes");
}

TEST_CASE("an operand format the array does not run or cannot store is an error at the op's line in the trace") {
  const std::string dir = qarch::test::make_temp_dir();
  write_file(dir + "/pair.yaml", "name: w\nops:\n  - {name: a, type: gemm, m: 8, n: 8, k: 8}\n"
                                 "  - name: b\n    type: gemm\n    m: 8\n    n: 8\n    k: 8\n"
                                 "    weights: {format: fp16}\n");
  // JSON Lines: the op on line 3 (the header is line 1, line 2 is blank).
  write_file(dir + "/pair.jsonl", "{\"name\": \"w\"}\n\n{\"name\": \"b\", \"type\": \"gemm\", \"m\": 8, \"n\": 8, "
                                  "\"k\": 8, \"inputs\": {\"format\": \"fp8-e4m3\"}}\n");
  // 16 elements per row cannot be cut into groups of 7 or 32.
  write_file(dir + "/defaults.yaml", "name: w\ndefaults:\n  outputs: {format: int4, granularity: group, group_size: 7}\n"
                                     "ops:\n  - name: s\n    type: softmax\n    rows: 1\n    cols: 16\n");
  write_file(dir + "/group.yaml", "name: w\nops:\n  - name: g\n    type: gemm\n    m: 8\n    n: 8\n    k: 16\n"
                                  "    weights:\n      format: int4\n      granularity: group\n      group_size: 32\n");
  const std::string pair = "which the array does not run (" + kEdgeAccelerator +
                           ":11: compute.systolic_array.formats); supported: int8 x int8, int4 x int8, int4 x int4";
  const std::pair<std::string, std::string> cases[] = {
      {"pair.yaml", "pair.yaml:4: ops[1]: op 'b' needs weights fp16 x inputs int8, " + pair},
      {"pair.jsonl", "pair.jsonl:3: ops[0]: op 'b' needs weights int8 x inputs fp8-e4m3, " + pair},
      // An operand taken from the defaults is named at the op that takes it.
      {"defaults.yaml",
       "defaults.yaml:5: ops[0].outputs: int4 as a [1 x 16] tensor: group size 7 does not divide the row length 16 "
       "(shape 1x16)"},
      {"group.yaml",
       "group.yaml:8: ops[0].weights: int4 as a [8 x 16] tensor: group size 32 does not divide the row length 16 "
       "(shape 8x16)"},
  };
  for (const auto& [file, expected] : cases) {
    check_error("run -a " + kEdgeAccelerator + " -w " + dir + "/" + file, expected);
    // validate passes each file on its own, then refuses the pair, and says "ok" of neither.
    const auto r = run_qarch("validate -a " + kEdgeAccelerator + " -w " + dir + "/" + file);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "qarch: error: " + dir + "/" + expected + "\n");
    CHECK(r.out.empty());
  }
}

TEST_CASE("validate -w alone refuses what every run refuses of the trace: unstorable operands, too many passes or operations") {
  // Both depend on the trace only. Before, `validate -w` said ok, and with
  // -a it printed the error and then `TRACE: ok (...)`.
  const std::string dir = qarch::test::make_temp_dir();
  // k = 512 cannot be cut into groups of 100.
  write_file(dir + "/group.yaml", "name: g\nops:\n  - {name: fc, type: gemm, m: 16, n: 64, k: 512, "
                                  "weights: {format: int4, granularity: group, group_size: 100}}\n");
  write_file(dir + "/group.jsonl", "{\"name\": \"g\"}\n{\"name\": \"fc\", \"type\": \"gemm\", \"m\": 16, \"n\": 64, "
                                   "\"k\": 512, \"weights\": {\"format\": \"int4\", \"granularity\": \"group\", "
                                   "\"group_size\": 100}}\n");
  // 2^20 + 1 passes: a batch of them, or 2^20 before an op of one more.
  write_file(dir + "/batch.yaml", "name: b\nops:\n  - {name: bmm, type: gemm, batch: 1048577, m: 1, n: 1, k: 1}\n");
  write_file(dir + "/depthwise.yaml", "name: d\nops:\n  - {name: bmm, type: gemm, batch: 1048576, m: 1, n: 1, k: 1}\n"
                                      "  - {name: dw, type: depthwise_conv2d, c: 1, h: 1, w: 1, r: 1, s: 1}\n");
  write_file(dir + "/softmax.yaml", "name: s\nops:\n  - {name: sm, type: softmax, rows: 1099511627776, cols: 2097152}\n");
  const std::string group = ": ops[0].weights: int4 as a [64 x 512] tensor: group size 100 does not divide the row "
                            "length 512 (shape 64x512)";
  const std::pair<std::string, std::string> cases[] = {
      {"group.yaml", "group.yaml:3" + group},
      {"group.jsonl", "group.jsonl:2" + group},
      {"batch.yaml", "batch.yaml:3: ops[0]: with this op the workload has 1048577 passes (each gemm batch and each "
                     "depthwise conv channel is one); every pass is simulated and recorded, so at most 1048576 are "
                     "allowed"},
      {"depthwise.yaml", "depthwise.yaml:4: ops[1]: with this op the workload has 1048577 passes"},
      // 2^61 elements at 4 operations each: 2^63 operations.
      {"softmax.yaml", "softmax.yaml:3: ops[0].rows: 2305843009213693952 elements at 4 operations each do not fit in "
                       "64 bits; allowed: at most 2305843009213693951 elements"},
  };
  for (const auto& [file, expected] : cases) {
    INFO(file);
    check_error("validate -w " + dir + "/" + file, expected);
    const auto with_accelerator = run_qarch("validate -a " + kEdgeAccelerator + " -w " + dir + "/" + file);
    CHECK(with_accelerator.exit_code == 2);
    CHECK(with_accelerator.out.empty());  // no "ok" from a command that fails
    CHECK_THAT(with_accelerator.err, Catch::StartsWith("qarch: error: " + dir + "/" + expected));
  }
}

TEST_CASE("a conv whose sizes overflow 64 bits is refused at load in run and validate, not an internal error") {
  // h x w = 2^80 wrapped to 0: "internal error: plan_folds: ... must be >= 1", exit 1.
  const std::string dir = qarch::test::make_temp_dir();
  write_file(dir + "/conv.yaml", "name: w\nops:\n  - name: c\n    type: conv2d\n    c: 1\n    h: 1099511627776\n"
                                 "    w: 1099511627776\n    k: 1\n    r: 1\n    s: 1\n");
  for (const std::string& cmd : {"run -a " + kEdgeAccelerator, std::string("validate")}) {
    check_error(cmd + " -w " + dir + "/conv.yaml",
                "conv.yaml:6: ops[0].h: the input elements n x h x w x c = 1 x 1099511627776 x 1099511627776 x 1 do "
                "not fit in 64 bits; allowed: a product of at most 9223372036854775807 (2^63 - 1)");
  }
}

TEST_CASE("operands larger than their quarter of the DRAM are refused by run and validate, naming the sizes and keys") {
  // A 32768 x 32768 int4 GEMV has 512 MiB of weights; hbm2 holds 1 GiB, 256 MiB
  // per operand stream. Its addresses wrapped: a 512 MiB system cache reported
  // the second half of the weights as 4194304 hits.
  const std::string dir = qarch::test::make_temp_dir();
  const std::string datacenter = std::string(QARCH_SOURCE_DIR) + "/accelerators/datacenter-int4-128x128.yaml";
  const std::string hbm2 = " --set \"dram={preset: hbm2}\"";
  const std::string cache = " --set \"system_cache={size: 512 MiB, line: 64 B, ways: 16}\"";
  const std::string gemv = "name: w\ndefaults:\n  weights: {format: int4}\nops:\n  - {name: g, type: gemm, m: 1, ";
  write_file(dir + "/512mib.yaml", gemv + "n: 32768, k: 32768}\n");
  write_file(dir + "/256mib.yaml", gemv + "n: 16384, k: 32768}\n");
  const std::string expected =
      "512mib.yaml:5: ops[0]: with this op the workload's weights need 536870912 B (512 MiB), more than the 268435456 "
      "B (256 MiB) their stream has: a quarter of the DRAM's 1 GiB (--set dram={preset: hbm2}: dram: channels x "
      "pseudo_channels x ranks x bank_groups x banks_per_group x rows x columns x bus_width_bits / 8 = 1 x 2 x 1 x 4 x "
      "4 x 32768 x 128 x 64 / 8); allowed: at most 268435456 B of weights over all ops (each op's operands are its own)";
  check_error("run -a " + datacenter + hbm2 + cache + " -w " + dir + "/512mib.yaml", expected);
  const auto refused = run_qarch("validate -a " + datacenter + hbm2 + " -w " + dir + "/512mib.yaml");
  CHECK(refused.exit_code == 2);
  CHECK(refused.err == "qarch: error: " + dir + "/" + expected + "\n");
  // Weights that fill their stream exactly fit; weights in flash are not in the
  // DRAM, and an os array keeps no partial sums beside its outputs.
  CHECK(run_qarch("validate -a " + datacenter + hbm2 + " -w " + dir + "/256mib.yaml").exit_code == 0);
  CHECK(run_qarch("validate -a " + datacenter + hbm2 + " --set \"flash={preset: ufs4.0}\" -w " + dir + "/512mib.yaml")
            .exit_code == 0);
  // 16 rows make a 512 KiB LPDDR5: the example's first op no longer fits (it ran, all addresses aliased).
  check_error("run -a " + std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int4-lpddr5-cache.yaml --set dram.rows=16 -w " +
                  kTinyTransformer,
              "tiny-transformer.yaml:12: ops[0]: with this op the workload's weights need");
  // The capacity is named where its count came from: the --set that gave it
  // (the file's dram line was named, which does not hold the 16), else the
  // file, however many other --set keys the section has.
  check_error("run -a " + std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int4-lpddr5-cache.yaml --set dram.rows=16 -w " +
                  kTinyTransformer,
              "a quarter of the DRAM's 512 KiB (--set dram.rows=16: dram.rows: channels x pseudo_channels x ranks x "
              "bank_groups x banks_per_group x rows x columns x bus_width_bits / 8 = 1 x 1 x 1 x 4 x 4 x 16 x 1024 x 16 / 8)");
  std::string rows16 = read_file(std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int4-lpddr5-cache.yaml");
  const std::string preset_line = "  preset: lpddr5-6400\n";
  REQUIRE(rows16.find(preset_line) != std::string::npos);
  rows16.replace(rows16.find(preset_line), preset_line.size(), preset_line + "  rows: 16\n");
  write_file(dir + "/rows16.yaml", rows16);
  check_error("run -a " + dir + "/rows16.yaml --set dram.tRCD=20 -w " + kTinyTransformer,
              "a quarter of the DRAM's 512 KiB (" + dir + "/rows16.yaml:25: dram: channels x pseudo_channels x ranks x "
              "bank_groups x banks_per_group x rows x columns x bus_width_bits / 8 = 1 x 1 x 1 x 4 x 4 x 16 x 1024 x 16 / 8)");
}

TEST_CASE("an empty path is refused as naming no file, for every option that takes one") {
  const std::string arch = " -a " + kEdgeAccelerator, work = " -w " + kTinyTransformer;
  const std::pair<std::string, std::string> cases[] = {
      {"run -a ''" + work, "--accelerator"},
      {"run" + arch + " -w ''", "--workload"},
      {"run" + arch + work + " --json ''", "--json"},
      {"run --scalesim-config '' --topology t.csv", "--scalesim-config"},
      {"run --scalesim-config s.cfg --topology ''", "--topology"},
      {"run --scalesim-config s.cfg --topology t.csv --outdir ''", "--outdir"},
      {"demo --json ''", "--json"},
      {"validate -a ''", "--accelerator"},
      {"validate -w ''", "--workload"},
      {"import scalesim ''", "topology"},
      {"import scalesim t.csv -o ''", "--out"},
      {"cost mac --weights int8 --acts int8 --acc int32 --table ''", "--table"},
      {"numerics quantize int8 --in ''", "--in"},
      {"numerics matmul --a '' --b b.npy --out y.npy", "--a"},
      {"numerics matmul --a a.npy --b '' --out y.npy", "--b"},
      {"numerics matmul --a a.npy --b b.npy --out ''", "--out"},
      {"dram --preset ddr4-2400 --trace ''", "--trace"},
      {"cache --trace ''", "--trace"},
  };
  for (const auto& [args, option] : cases) check_error(args, "qarch: error: " + option + ": the path is empty, so it names no file");
}

TEST_CASE("a directory given as an input file is refused as a directory, for every option that reads one") {
  // A directory opened as an empty stream: "expected a YAML mapping", "the topology has no layers",
  // "ArrayHeight: required key is missing", "missing the NUMPY magic".
  const std::string dir = qarch::test::make_temp_dir();
  const std::string topology = qarch::test::write_temp_file("t.csv", "Layer, M, N, K,\nfc,4,4,4,\n");
  const std::string cfg = kDataDir + "/scalesim/configs/32x32_os.cfg";
  const std::string npy = dir + "/x.npy";
  const std::string trace_dir = dir + "/w.yaml";
  std::filesystem::create_directory(trace_dir);
  const std::string cases[] = {
      "run -a " + dir + " -w " + kTinyTransformer,
      "run -a " + kEdgeAccelerator + " -w " + trace_dir,
      "validate -a " + dir,
      "run --scalesim-config " + cfg + " --gemm --topology " + dir,
      "run --scalesim-config " + dir + " --gemm --topology " + topology,
      "import scalesim " + dir,
      "cost mac --weights int8 --acts int8 --acc int32 --table " + dir,
      "numerics quantize int8 --in " + dir,
      "numerics matmul --a " + dir + " --b " + dir + " --out " + npy,
  };
  for (const std::string& args : cases) check_error(args, ": is a directory, not a file");
}

TEST_CASE("usage errors exit 2 while help and version exit 0") {
  // One line, as any other error, with a pointer to the help of the command given.
  check_error("", "qarch: error: A subcommand is required; see qarch --help");
  // An unknown command is named, with the commands there are ("A subcommand is required" before).
  check_error("frobnicate",
              "qarch: error: unknown command 'frobnicate'; allowed: cache, cost, demo, dram, import, numerics, run, "
              "validate; see qarch --help");
  check_error("import", "qarch: error: A subcommand is required; see qarch import --help");
  check_error("import bogus x.csv", "qarch: error: unknown command 'bogus'; allowed: scalesim; see qarch import --help");
  check_error("numerics encodee fp8-e4m3 1",
              "qarch: error: unknown command 'encodee'; allowed: decode, encode, info, matmul, quantize, table; see "
              "qarch numerics --help");
  check_error("cache --frob --trace t", "qarch: error: The following argument was not expected: --frob; see qarch cache --help");
  check_error("cache", "qarch: error: --trace is required; see qarch cache --help");
  check_error("numerics encode int8 1 --rounding up",
              "qarch: error: --rounding: up not in {nearest-even,toward-zero,stochastic}; see qarch numerics encode --help");
  check_error("dram --preset ddr4-2400 --trace t --request-bytes abc",
              "qarch: error: --request-bytes: 'abc' is not a whole number in decimal (no leading 0); allowed: 1..1048576; see qarch dram --help");
  const auto help = run_qarch("run --help");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--scalesim-config"));
  const auto version = run_qarch("--version");
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("qarch "));
}

TEST_CASE("results that cannot be written to stdout are an error naming the reason, exit 2") {
  // (A qarch before this fix, run as root with --json /dev/full, replaced the device by a file.)
  REQUIRE(std::filesystem::is_character_file("/dev/full"));
  const std::string trace = write_temp_file("t.trace", "0x0 READ 0\n0x40 WRITE 1\n");
  for (const std::string& args : std::vector<std::string>{
           "demo", "run -a " + kEdgeAccelerator + " -w " + kTinyTransformer, "validate -a " + kEdgeAccelerator,
        "import scalesim " + kDataDir + "/scalesim/topologies/alexnet.csv", "numerics info int8",
        "numerics table int8 --json", "cost mac --weights int8 --acts int8 --acc int32",
        "dram --preset ddr4-2400 --trace " + trace, "dram --preset ddr4-2400 --json --trace " + trace,
        "cache --trace " + trace, "cache --json --trace " + trace, "cache --help"}) {
    INFO("qarch " << args);
    const auto r = run_qarch(args, "/dev/full");
    CHECK(r.exit_code == 2);
    CHECK(r.err == "qarch: error: cannot write standard output: No space left on device\n");
  }
}

TEST_CASE("result files that cannot be written are an error naming the file and the reason, and leave nothing") {
  const std::string dir = qarch::test::make_temp_dir();
  const std::string missing = dir + "/no-such-dir/result.json";
  check_error("demo --json " + missing, "qarch: error: cannot write " + missing + ": No such file or directory");
  CHECK(!std::filesystem::exists(missing + ".partial"));
  check_error("import scalesim " + kDataDir + "/scalesim/topologies/alexnet.csv -o " + dir,
              "qarch: error: cannot write " + dir + ": Is a directory");
  // A device is written in place, never replaced by a file.
  check_error("demo --json /dev/full", "qarch: error: cannot write /dev/full: No space left on device");
  CHECK(std::filesystem::is_character_file("/dev/full"));
  // /dev/stdout is a link to the command's stdout: the result lands there.
  const auto to_stdout = run_qarch("import scalesim " + kDataDir + "/scalesim/topologies/alexnet.csv -o /dev/stdout");
  CHECK(to_stdout.exit_code == 0);
  CHECK_THAT(to_stdout.out, Catch::StartsWith("# Imported from SCALE-Sim v2 topology"));
  CHECK(std::filesystem::is_symlink("/dev/stdout"));
}

TEST_CASE("a run whose result files cannot all be written writes none of them") {
  // The JSON and two of the three reports used to be left behind by a run that exited 2.
  const std::string dir = qarch::test::make_temp_dir();
  std::filesystem::create_directories(dir + "/out/DETAILED_ACCESS_REPORT.csv");
  const std::string scalesim = "run --scalesim-config " + kDataDir + "/scalesim/configs/32x32_ws.cfg --topology " +
                               kDataDir + "/scalesim/topologies/alexnet.csv --json " + dir + "/r.json ";
  check_error(scalesim + "--outdir " + dir + "/out",
              "qarch: error: cannot write " + dir + "/out/DETAILED_ACCESS_REPORT.csv: Is a directory");
  check_error(scalesim + "--outdir /proc/qarch-test", "/proc/qarch-test: cannot create directory");
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) left.push_back(entry.path().string());
  }
  CHECK(left.empty());
  // A JSON to a device that fails leaves no report file either.
  check_error(scalesim.substr(0, scalesim.find(" --json")) + " --json /dev/full --outdir " + dir + "/out2",
              "qarch: error: cannot write /dev/full: No space left on device");
  CHECK(!std::filesystem::exists(dir + "/out2/COMPUTE_REPORT.csv"));
  CHECK(!std::filesystem::exists(dir + "/out2"));  // the folder the run created is removed too
  // --json naming one of the reports: refused, and nothing written (the CSV was left behind).
  check_error(scalesim.substr(0, scalesim.find(" --json")) + " --json " + dir + "/out3/COMPUTE_REPORT.csv --outdir " +
                  dir + "/out3",
              "qarch: error: cannot write " + dir + "/out3/COMPUTE_REPORT.csv: the run would write two of its "
              "results to it");
  CHECK(!std::filesystem::exists(dir + "/out3"));
  // A link is followed: the file it names is replaced only when the whole run is written. With a
  // report linked to /dev/full the JSON's link target was overwritten by a run that failed.
  write_file(dir + "/real.json", "{}\n");
  std::filesystem::create_symlink(dir + "/real.json", dir + "/link.json");
  std::filesystem::create_directories(dir + "/out4");
  std::filesystem::create_symlink("/dev/full", dir + "/out4/COMPUTE_REPORT.csv");
  check_error(scalesim.substr(0, scalesim.find(" --json")) + " --json " + dir + "/link.json --outdir " + dir + "/out4",
              "qarch: error: cannot write " + dir + "/out4/COMPUTE_REPORT.csv: No space left on device");
  CHECK(read_file(dir + "/real.json") == "{}\n");
  const auto linked = run_qarch(scalesim.substr(0, scalesim.find(" --json")) + " --json " + dir + "/link.json -q");
  CHECK(linked.exit_code == 0);
  CHECK(std::filesystem::is_symlink(dir + "/link.json"));
  CHECK_THAT(read_file(dir + "/real.json"), Catch::StartsWith("{"));
  CHECK(read_file(dir + "/real.json").size() > 100);
}

TEST_CASE("qarch COMMAND --help shows each option's default, and no default for a list") {
  const auto cache = run_qarch("cache --help");
  CHECK(cache.exit_code == 0);
  for (const char* option : {"--size TEXT=32KiB", "--line TEXT=64", "--ways TEXT=8", "--banks TEXT=1",
                             "--policy TEXT=lru", "--write-policy TEXT=wb", "--seed TEXT=1"}) {
    CHECK_THAT(cache.out, Catch::Contains(option));
  }
  CHECK_THAT(run_qarch("dram --help").out, Catch::Contains("=64") && Catch::Contains("--set TEXT ...") &&
                                               !Catch::Contains("[]"));
  CHECK_THAT(run_qarch("cost sram --help").out,
             Catch::Contains("--width INT=64") && Catch::Contains("--banks INT=1") && Catch::Contains("--node TEXT=45nm"));
  CHECK_THAT(run_qarch("numerics quantize --help").out,
             Catch::Contains("=nearest-even") && Catch::Contains("--scale-format TEXT=fp32") &&
                 Catch::Contains("--seed UINT=1"));
}

TEST_CASE("integer options take decimal whole numbers in their range, and the error names the range") {
  // --seed -1 was wrapped to 2^64 - 1, 2^64 capped, "010" read as octal 8, and errors said only "Could not convert".
  const std::pair<std::string, std::string> cases[] = {
      {"numerics encode --seed -1 fp8-e4m3 1", "--seed: -1 is out of range; allowed: 0..18446744073709551615"},
      {"numerics encode --seed 18446744073709551616 fp8-e4m3 1",
       "--seed: 18446744073709551616 is out of range; allowed: 0..18446744073709551615"},
      {"numerics quantize --granularity per-group --group-size 0x4 int4 1 2 3 4",
       "--group-size: '0x4' is not a whole number in decimal (no leading 0); allowed: 1..2147483647"},
      {"numerics quantize --granularity per-channel --channel-axis 2 int4 1 2",
       "--channel-axis: 2 is out of range; allowed: 0..1"},
      {"cost sram --size 1MiB --width x", "--width: 'x' is not a whole number in decimal (no leading 0); allowed: 1..2147483647"},
      {"cost sram --size 1MiB --banks 0", "--banks: 0 is out of range; allowed: 1..2147483647"},
      {"cost mac --weights int4 --acts int4 --acc int32 --lane-bits 65", "--lane-bits: 65 is out of range; allowed: 1..64"},
  };
  for (const auto& [args, expected] : cases) check_error(args, "qarch: error: " + expected + "; see qarch ");
  // A leading 0 is refused, as in config files: "010" was read as octal 8.
  check_error("numerics quantize --granularity per-group --group-size 010 int4 1 2 3 4 5 6 7 8 9 10",
              "qarch: error: --group-size: '010' is not a whole number in decimal (no leading 0); allowed: 1..2147483647");
  CHECK(run_qarch("numerics encode --seed 0 --rounding stochastic fp8-e4m3 1").exit_code == 0);
  // A leading + is a sign, as YAML and qarch cache --ways read it ("+64" was refused).
  const std::string trace = qarch::test::write_temp_file("plus.trace", "0x0 READ 0\n");
  CHECK(run_qarch("dram --preset ddr4-2400 --request-bytes +64 --trace " + trace).exit_code == 0);
  check_error("dram --preset ddr4-2400 --request-bytes -64 --trace " + trace,
              "--request-bytes: -64 is out of range; allowed: 1..1048576");
}

TEST_CASE("validate refuses --set without an accelerator config instead of ignoring it") {
  // validate -w TRACE --set clock=2GHz said ok: the override went nowhere.
  check_error("validate -w " + kTinyTransformer + " --set clock=2GHz",
              "--set clock=2GHz: --set changes the accelerator config; give it with -a ARCH.yaml");
}

TEST_CASE("run --topology and import scalesim check layers as validate checks traces, naming the CSV line") {
  // run --topology skipped the trace checks: a conv of > 2^63 MACs stopped with an internal
  // error, a stride beyond 2^40 ran, a GEMM of > 2^63 MACs ran for minutes, and errors named
  // <input>; import wrote traces that validate then refused.
  const std::string dir = qarch::test::make_temp_dir();
  const std::string cfg = " --scalesim-config " + kDataDir + "/scalesim/configs/32x32_ws.cfg --topology ";
  const std::string header = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
  struct Case {
    std::string csv, rows;
    bool gemm;
    std::string expected;
  };
  const std::vector<Case> cases{
      // 3037000500^2 = 9223372037000250000 > 2^63 - 1 = 9223372036854775807 (input elements and MACs)
      {"big.csv", header + "big,3037000500,3037000500,1,1,1,1,1,\n", false,
       ":2: ops[0].h: the input elements n x h x w x c = 1 x 3037000500 x 3037000500 x 1 "
       "do not fit in 64 bits; allowed: a product of at most 9223372036854775807 (2^63 - 1)"},
      {"stride.csv", header + "C0,8,8,3,3,4,8,1,\nC1,8,8,3,3,4,8,1099511627777,\n", false,
       ":3: ops[1].stride: 1099511627777 is out of range; allowed: 1..1099511627776"},
      {"height.csv", header + "C1,1099511627777,8,3,3,4,8,1,\n", false,
       ":2: ops[0].h: 1099511627777 is out of range; allowed: 1..1099511627776"},
      {"gemm.csv", "Layer, M, N, K,\nfc,3037000500,3037000500,1,\n", true,
       ":2: ops[0].m: the MACs batch x m x n x k = 1 x 3037000500 x 3037000500 x 1 do not fit in 64 bits; "
       "allowed: a product of at most 9223372036854775807 (2^63 - 1)"},
      // 2^62 MACs each: the second brings the workload to 2^63.
      {"total.csv", "Layer, M, N, K,\na,1099511627776,4194304,1,\nb,1099511627776,4194304,1,\n", true,
       ":3: ops[1]: the workload's MACs up to this op, 4611686018427387904 + 4611686018427387904, do not fit "
       "in 64 bits; allowed: at most 9223372036854775807 (2^63 - 1) in all"},
  };
  for (const Case& c : cases) {
    const std::string csv = dir + "/" + c.csv;
    write_file(csv, c.rows);
    const std::string gemm = c.gemm ? " --gemm" : "";
    check_error("run" + cfg + csv + gemm, "qarch: error: " + csv + c.expected + "\n");
    check_error("import scalesim " + csv + gemm + " -o " + dir + "/out.yaml", "qarch: error: " + csv + c.expected + "\n");
    CHECK_FALSE(std::filesystem::exists(dir + "/out.yaml"));
  }
}

TEST_CASE("import scalesim refuses to write its trace over the topology it reads") {
  // -o x.csv replaced the topology x.csv with the trace, silently.
  const std::string dir = qarch::test::make_temp_dir();
  const std::string csv = dir + "/x.csv";
  const std::string topology = "Layer, M, N, K,\nfc,4,4,4,\n";
  write_file(csv, topology);
  check_error("import scalesim --gemm " + csv + " -o " + csv,
              "qarch: error: " + csv + ": -o names the topology being imported, which the trace would overwrite; "
              "write the trace to another file\n");
  std::filesystem::create_symlink(csv, dir + "/link.csv");
  check_error("import scalesim --gemm " + csv + " -o " + dir + "/link.csv", "-o names the topology being imported");
  CHECK(qarch::test::read_file(csv) == topology);
}

TEST_CASE("a SCALE-Sim .cfg given as an accelerator YAML gets a hint to use --scalesim-config") {
  // validate -a x.cfg said only "malformed YAML: illegal map value".
  const std::string hint =
      " (this looks like a SCALE-Sim .cfg: give it with --scalesim-config X.cfg --topology Y.csv, not -a)\n";
  const std::string cfg = kDataDir + "/scalesim/configs/32x32_ws.cfg";
  for (const std::string& command : std::vector<std::string>{"validate -a ", "run -w " + kTinyTransformer + " -a "}) {
    const auto r = run_qarch(command + cfg);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::StartsWith("qarch: error: " + cfg + ":") && Catch::Contains("malformed YAML") &&
                          Catch::EndsWith(hint));
  }
  // An INI file by another name: its first line is a section header.
  const std::string ini = write_temp_file("arch.yaml", qarch::test::read_file(cfg));
  CHECK_THAT(run_qarch("validate -a " + ini).err, Catch::EndsWith(hint));
  // Malformed YAML that is no INI file gets no hint.
  const std::string yaml = write_temp_file("bad.yaml", "name: x\nclock: [1 GHz\n");
  CHECK_THAT(run_qarch("validate -a " + yaml).err, !Catch::Contains("SCALE-Sim"));
}

TEST_CASE("validate names the --set argument that lists a format pair twice, not the file's formats line") {
  check_error("validate -a " + kEdgeAccelerator + " --set compute.systolic_array.formats.2.inputs=int8",
              "qarch: error: --set compute.systolic_array.formats.2.inputs=int8: "
              "compute.systolic_array.formats[2].inputs: format pair int4 x int8 is listed twice");
}

TEST_CASE("an op the array cannot run after a --set changed its format pairs names that --set") {
  // It named the file's formats line, which lists int8 x int8.
  check_error("validate -a " + kEdgeAccelerator + " -w " + kTinyTransformer +
                  " --set compute.systolic_array.formats.0.weights=fp8-e4m3",
              "ops[1]: op 'attn_scores' needs weights int8 x inputs int8, which the array does not run (--set "
              "compute.systolic_array.formats.0.weights=fp8-e4m3: compute.systolic_array.formats[0].weights); "
              "supported: fp8-e4m3 x int8, int4 x int8, int4 x int4");
}

TEST_CASE("a SCALE-Sim USER run names the topology row SCALE-Sim's replay cannot express") {
  // Stride 1 x 2 (a 9th field): the error named the .cfg and simulation.traffic_model, a YAML key.
  const std::string dir = qarch::test::make_temp_dir();
  write_file(dir + "/strides.csv", "Layer name,IFMAP Height,IFMAP Width,Filter Height,Filter Width,Channels,"
                                   "Num Filter,Strides,\nC0, 16, 16, 3, 3, 4, 8, 1,\nC1, 16, 16, 3, 3, 4, 8, 1, 2,\n");
  check_error("run --scalesim-config " + kDataDir + "/scalesim/configs/32x32_ws_user_bw10.cfg --topology " + dir +
                  "/strides.csv",
              "qarch: error: " + dir + "/strides.csv:3: ops[1]: pass 'C1': the scalesim traffic model needs "
              "SCALE-Sim-shaped layers (one stride, no top/left padding)");
}

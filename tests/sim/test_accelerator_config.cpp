#include <catch2/catch.hpp>

#include <sstream>

#include "tests/support/run_qarch.h"

#include "common/input_error.h"
#include "sim/accelerator_config.h"

using namespace qarch::sim;


TEST_CASE("the built-in design point loads and matches accelerators/edge-int8-32x32.yaml") {
  const AcceleratorConfig c = builtin_accelerator();
  CHECK(c.array.shape.rows == 32);
  CHECK(c.clock_hz == 1e9);
  CHECK(c.ifmap.size_bytes == 65536);
  CHECK(c.dram.bandwidth_bytes_per_s == Approx(25.6e9));
  CHECK(c.dram.latency_s == Approx(100e-9));
  const AcceleratorConfig f = load_accelerator(std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int8-32x32.yaml");
  CHECK(f.name == c.name);
  REQUIRE(c.find_format_pair("int4", "int8") != nullptr);
  CHECK(c.find_format_pair("int4", "int8")->macs_per_pe_per_cycle == 2);
  CHECK(c.find_format_pair("fp8-e4m3", "int8") == nullptr);
}

TEST_CASE("set overrides any key of the accelerator") {
  const AcceleratorConfig c = builtin_accelerator({"compute.systolic_array.rows=64", "dram.bandwidth=51.2 GB/s",
                                                   "compute.systolic_array.dataflow=os"});
  CHECK(c.array.shape.rows == 64);
  CHECK(c.array.shape.dataflow == qarch::compute::Dataflow::kOutputStationary);
  CHECK(c.dram.bandwidth_bytes_per_s == Approx(51.2e9));
  CHECK_THROWS_WITH(builtin_accelerator({"compute.systolic_array.rowz=4"}),
                    Catch::Contains("compute.systolic_array.rowz: unknown key"));
}

TEST_CASE("impossible accelerators are rejected with the key and what is allowed") {
  CHECK_THROWS_WITH(builtin_accelerator({"compute.systolic_array.rows=0"}),
                    Catch::Contains("compute.systolic_array.rows: 0 is out of range; allowed: 1..65536"));
  CHECK_THROWS_WITH(builtin_accelerator({"clock=1 GB"}), Catch::Contains("clock:") && Catch::Contains("GHz"));
  CHECK_THROWS_WITH(builtin_accelerator({"dram.bandwidth=-3 GB/s"}), Catch::Contains("is out of range; allowed: 1 MB/s .. 100 TB/s"));
  CHECK_THROWS_WITH(builtin_accelerator({"scratchpads.filter.size=1 KiB"}),
                    Catch::Contains("scratchpads.filter.size: 1 KiB cannot hold one 32x32 tile"));
  CHECK_THROWS_WITH(builtin_accelerator({"scratchpads={unified: {size: 3 KiB}}"}),
                    Catch::Contains("scratchpads.unified.size: 3 KiB, split between ifmap, filter and ofmap, cannot hold one 32x32 tile"));
  CHECK_THROWS_WITH(builtin_accelerator({"compute.systolic_array.dataflow=rs"}), Catch::Contains("allowed: os, ws, is"));
  CHECK_THROWS_AS(load_accelerator("/nonexistent.yaml"), qarch::InputError);
  const auto bad = qarch::test::write_temp_file("malformed.yaml", "name: x\nclock: [1 GHz\n");
  CHECK_THROWS_WITH(load_accelerator(bad), Catch::Contains("malformed YAML"));
}

TEST_CASE("errors about a value given with --set name the --set argument, not the line of the file it replaced") {
  const std::string file = std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int8-32x32.yaml";
  CHECK_THROWS_WITH(load_accelerator(file, {"clock=abc"}),
                    Catch::StartsWith("--set clock=abc: clock: 'abc' is not a frequency"));
  CHECK_THROWS_WITH(load_accelerator(file, {"dram.bandwidth=-3 GB/s"}),
                    "--set dram.bandwidth=-3 GB/s: dram.bandwidth: '-3 GB/s' is out of range; allowed: 1 MB/s .. 100 TB/s; "
                    "or unlimited (no bandwidth limit)");
  CHECK_THROWS_WITH(load_accelerator(file, {"scratchpads.ifmap.size=0.5B"}),
                    "--set scratchpads.ifmap.size=0.5B: scratchpads.ifmap.size: '0.5B' is not a whole number of bytes");
  CHECK_THROWS_WITH(load_accelerator(file, {"scratchpads.filter.size=1 KiB"}),
                    Catch::StartsWith("--set scratchpads.filter.size=1 KiB: scratchpads.filter.size: 1 KiB cannot hold"));
  CHECK_THROWS_WITH(load_accelerator(file, {"compute.clock=1 GHz"}),
                    Catch::StartsWith("--set compute.clock=1 GHz: compute.clock: unknown key"));
  CHECK_THROWS_WITH(load_accelerator(file, {"compute.systolic_array.formats.1.weights=int5"}),
                    Catch::StartsWith("--set compute.systolic_array.formats.1.weights=int5: "
                                      "compute.systolic_array.formats[1].weights: unknown number format 'int5'"));
  // A key that conflicts with another names where the other was given.
  CHECK_THROWS_WITH(load_accelerator(file, {"dram.preset=hbm2"}),
                    file + ":22: dram.bandwidth: not allowed with dram.preset (given at --set dram.preset=hbm2): "
                           "the DRAM model's timing decides it");
  const std::string unified = std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-fp8-16x16.yaml";
  CHECK_THROWS_WITH(load_accelerator(unified, {"scratchpads.filter.size=64 KiB"}),
                    "--set scratchpads.filter.size=64 KiB: scratchpads.filter: not allowed with scratchpads.unified "
                    "(given at " + unified + ":14): give either unified or ifmap/filter/ofmap, not both");
  // A combination (the tile of rows x cols and the scratchpad size) names the one --set gave
  // (docs/config.md); the file's size line was blamed.
  CHECK_THROWS_WITH(load_accelerator(file, {"compute.systolic_array.rows=4096"}),
                    Catch::StartsWith("--set compute.systolic_array.rows=4096: compute.systolic_array.rows: "
                                      "scratchpads.ifmap.size 64 KiB cannot hold one 4096x32 tile"));
}

TEST_CASE("the scalesim traffic model needs a whole number of bytes per cycle, checked when the config is read") {
  // validate said ok and run failed: 25.6 GB/s at 1 GHz is 25.6 bytes per cycle.
  CHECK_THROWS_WITH(
      builtin_accelerator({"clock=1 GHz", "dram.bandwidth=25.6 GB/s", "simulation.traffic_model=scalesim"}),
      Catch::StartsWith("--set dram.bandwidth=25.6 GB/s: dram.bandwidth: 25.6 bytes per cycle at this clock; the "
                        "scalesim traffic model (given at --set simulation.traffic_model=scalesim) needs a whole "
                        "number of bytes per cycle, at least 1"));
  CHECK_THROWS_WITH(
      builtin_accelerator({"clock=1 GHz", "dram.bandwidth=0.5 GB/s", "simulation.traffic_model=scalesim"}),
      Catch::Contains("0.5 bytes per cycle"));
  CHECK(builtin_accelerator({"clock=1 GHz", "dram.bandwidth=32 GB/s", "simulation.traffic_model=scalesim"})
            .traffic_model == "scalesim");
  CHECK(builtin_accelerator({"clock=1 GHz", "dram.bandwidth=25.6 GB/s"}).traffic_model == "reuse");
}

TEST_CASE("the scalesim traffic model with a DRAM preset, a cache or flash is an error naming both keys") {
  const std::string file = qarch::test::write_temp_file(
      "scalesim_preset.yaml", std::string(builtin_accelerator_yaml()) + "simulation:\n  traffic_model: scalesim\n");
  const AcceleratorConfig bandwidth_only = load_accelerator(file, {"dram.bandwidth=32 GB/s"});  // 32 B per cycle
  CHECK(bandwidth_only.traffic_model == "scalesim");
  CHECK_THROWS_WITH(load_accelerator(file, {"dram={preset: hbm2}"}),
                    Catch::Matches(".*scalesim_preset\\.yaml:[0-9]+: simulation\\.traffic_model: 'scalesim' is not "
                                   "allowed with dram\\.preset \\(given at --set dram=\\{preset: hbm2\\}\\): .*") &&
                        Catch::EndsWith("allowed: scalesim with dram.bandwidth (no dram.preset, system_cache, "
                                        "weight_cache or flash), or reuse"));
  CHECK_THROWS_WITH(load_accelerator(file, {"system_cache={size: 1 MiB, line: 64 B, ways: 16}"}),
                    Catch::Contains("simulation.traffic_model: 'scalesim' is not allowed with system_cache (given at "
                                    "--set system_cache={size: 1 MiB, line: 64 B, ways: 16})"));
  CHECK_THROWS_WITH(load_accelerator(file, {"weight_cache={size: 256 KiB}"}),
                    Catch::Contains("simulation.traffic_model: 'scalesim' is not allowed with weight_cache (given at "
                                    "--set weight_cache={size: 256 KiB})"));
  CHECK_THROWS_WITH(builtin_accelerator({"flash={preset: ufs4.0}", "simulation.traffic_model=scalesim"}),
                    Catch::StartsWith("--set simulation.traffic_model=scalesim: simulation.traffic_model: 'scalesim' "
                                      "is not allowed with flash (given at --set flash={preset: ufs4.0})"));
  CHECK(builtin_accelerator({"dram={preset: hbm2}", "simulation.traffic_model=reuse"}).dram.detailed.has_value());
}

TEST_CASE("SCALE-Sim .cfg files map to a stall-free or bandwidth-limited design point") {
  const std::string dir = std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/";
  const AcceleratorConfig calc = load_scalesim_config(dir + "128x128_os.cfg");
  CHECK(calc.array.shape.rows == 128);
  CHECK(calc.ofmap.size_bytes == 512 * 1024);
  CHECK(calc.dram.bandwidth_bytes_per_s == 0);
  CHECK(calc.scalesim_cycle_quirk);
  const AcceleratorConfig user = load_scalesim_config(dir + "32x32_ws_user_bw2.cfg");
  CHECK(user.dram.per_operand_ports);
  CHECK(user.dram.bandwidth_bytes_per_s == Approx(2e9));  // 2 words/cycle at the nominal 1 GHz
  const auto bad = qarch::test::write_temp_file("bad.cfg", "[architecture_presets]\nArrayHeight : 0\n");
  CHECK_THROWS_WITH(load_scalesim_config(bad), Catch::Contains("ArrayHeight: 0 is out of range; allowed: 1..65536"));
}

TEST_CASE("SCALE-Sim .cfg array and SRAM sizes have the ranges of the YAML keys they stand for") {
  // Beyond them the array was simulated at any size, and 2^54 kB wrapped to 1 KiB.
  const std::string dir = std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/";
  const std::string good = qarch::test::read_file(dir + "32x32_os.cfg");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"ArrayHeight : 32", "ArrayHeight : 65537"},
      {"ArrayWidth : 32", "ArrayWidth : 100000000000"},
      {"IfmapSramSzkB : 64", "IfmapSramSzkB : 18014398509481985"},
      {"OfmapSramSzkB : 64", "OfmapSramSzkB : 1073741825"},
      {"FilterSramSzkB : 64", "FilterSramSzkB : 0x40"},
  };
  for (const auto& [from, to] : cases) {
    std::string text = good;
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), to);
    INFO(to);
    const std::string key = "architecture_presets." + to.substr(0, to.find(' '));
    const std::string range = to.rfind("Array", 0) == 0 ? "allowed: 1..65536" : "allowed: 1..1073741824";
    CHECK_THROWS_WITH(load_scalesim_config(qarch::test::write_temp_file("range.cfg", text)),
                      Catch::Contains(": " + key + ": ") && Catch::EndsWith(range));
  }
}

TEST_CASE("a SCALE-Sim .cfg size too large for 64 bits is out of range, not 'not a whole number'") {
  std::string text = qarch::test::read_file(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/32x32_os.cfg");
  text.replace(text.find("ArrayHeight : 32"), 16, "ArrayHeight : 99999999999999999999");
  const std::string cfg = qarch::test::write_temp_file("huge.cfg", text);
  CHECK_THROWS_WITH(load_scalesim_config(cfg), cfg + ":5: architecture_presets.ArrayHeight: 99999999999999999999 "
                                                     "is out of range; allowed: 1..65536");
}

TEST_CASE("a key given twice in a SCALE-Sim .cfg is an error at the second, as in SCALE-Sim") {
  // The last value won silently: ArrayHeight 8 then 16 ran a 16-row array.
  std::string text = qarch::test::read_file(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/32x32_os.cfg");
  text.replace(text.find("ArrayWidth"), 0, "ArrayHeight : 16\n");
  const std::string cfg = qarch::test::write_temp_file("twice.cfg", text);
  CHECK_THROWS_WITH(load_scalesim_config(cfg), cfg + ":6: architecture_presets.ArrayHeight: key given twice "
                                                     "(first at line 5); give each key once");
}

TEST_CASE("a SCALE-Sim .cfg Bandwidth has dram.bandwidth's range: at most 100 TB/s at the 1 GHz clock") {
  // Before, any int64 was taken (9.2e27 B/s).
  const std::string dir = std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/";
  std::string text = qarch::test::read_file(dir + "32x32_ws_user_bw2.cfg");
  text.replace(text.find("Bandwidth : 2"), 13, "Bandwidth : 100001");
  CHECK_THROWS_WITH(load_scalesim_config(qarch::test::write_temp_file("bw.cfg", text)),
                    Catch::EndsWith(":13: architecture_presets.Bandwidth: 100001 is out of range; allowed: 1..100000"));
}

TEST_CASE("a SCALE-Sim .cfg run_name that is not valid UTF-8 is an error naming the line and key") {
  // The name ends up in qarch run --json output, which stopped with an internal error.
  std::string text = qarch::test::read_file(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/32x32_os.cfg");
  REQUIRE(text.find("run_name = 32x32_os") != std::string::npos);
  text.replace(text.find("32x32_os"), 8, "caf\xE9");
  const std::string cfg = qarch::test::write_temp_file("latin1.cfg", text);
  CHECK_THROWS_WITH(load_scalesim_config(cfg), cfg + ":2: general.run_name: not valid UTF-8 text (at byte 4); "
                                                     "names and other strings must be UTF-8");
}

TEST_CASE("a control character in an accelerator name or SCALE-Sim run_name is an error naming it") {
  // The name went raw to the terminal's summary table (an ESC turned it red).
  CHECK_THROWS_WITH(builtin_accelerator({"name=\"edge\\e[31m\""}),
                    "--set name=\"edge\\e[31m\": name: contains the control character \\x1b (at byte 5); names are "
                    "printable text");
  std::string text = qarch::test::read_file(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/32x32_os.cfg");
  REQUIRE(text.find("run_name = 32x32_os") != std::string::npos);
  text.replace(text.find("32x32_os"), 8, "32x32\x7fos");
  const std::string cfg = qarch::test::write_temp_file("del.cfg", text);
  CHECK_THROWS_WITH(load_scalesim_config(cfg), cfg + ":2: general.run_name: contains the control character \\x7f (at "
                                                     "byte 6); names are printable text");
}

TEST_CASE("a SCALE-Sim .cfg whose SRAMs cannot hold a tile gets the YAML design point's error") {
  // 1 kB SRAMs for a 32x32 array: each half holds 512 of the 1024 one-byte words of a tile.
  const std::string dir = std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/";
  std::string text = qarch::test::read_file(dir + "32x32_os.cfg");
  for (const std::string key : {"IfmapSramSzkB : 64", "FilterSramSzkB : 64", "OfmapSramSzkB : 64"}) {
    REQUIRE(text.find(key) != std::string::npos);
    text.replace(text.find(key), key.size(), key.substr(0, key.find(':')) + ": 1");
  }
  const std::string cfg = qarch::test::write_temp_file("tiny.cfg", text);
  const std::string tile_error = "1 KiB cannot hold one 32x32 tile (1 KiB) in each half of its double buffer; need at least 2 KiB";
  CHECK_THROWS_WITH(load_scalesim_config(cfg), cfg + ":7: architecture_presets.IfmapSramSzkB: " + tile_error);
  CHECK_THROWS_WITH(builtin_accelerator({"scratchpads.ifmap.size=1 KiB"}), Catch::EndsWith("scratchpads.ifmap.size: " + tile_error));
}

TEST_CASE("a unified scratchpad too small for a tile is an error naming scratchpads.unified and the size given") {
  // The error named scratchpads.ifmap and its third (1 KiB), keys the user never wrote.
  CHECK_THROWS_WITH(builtin_accelerator({"scratchpads={unified: {size: 3 KiB}}"}),
                    Catch::EndsWith("scratchpads.unified.size: 3 KiB, split between ifmap, filter and ofmap, cannot hold "
                                    "one 32x32 tile (1 KiB) in each half of each double buffer; need at least 6 KiB"));
  CHECK(builtin_accelerator({"scratchpads={unified: {size: 6 KiB}}"}).ifmap.size_bytes == 2048);
  CHECK_THROWS_WITH(builtin_accelerator({"scratchpads={unified: {size: 6143 B}}"}),
                    Catch::Contains("scratchpads.unified.size: ") && Catch::EndsWith("need at least 6 KiB"));
}

TEST_CASE("a scratchpad or system cache too small for its banks' words is an error at the key, checked when read") {
  // The cost model said "SRAM: 1024 B cannot hold 1024 banks of one 64-bit word", naming no file, key or size
  // given, and for a unified scratchpad a third of the size written.
  const std::string file = qarch::test::write_temp_file(
      "banks.yaml", "name: one\nclock: 1 GHz\ncompute:\n  systolic_array:\n    rows: 1\n    cols: 1\n    dataflow: os\n"
                    "    formats:\n      - {weights: int8, inputs: int8}\nscratchpads:\n  ifmap: {size: 1 KiB, banks: 1024}\n"
                    "  filter: {size: 1 KiB}\n  ofmap: {size: 4 B}\ndram:\n  bandwidth: unlimited\n");
  CHECK_THROWS_WITH(load_accelerator(file),
                    file + ":11: scratchpads.ifmap.banks: 1024 banks of one 64-bit word need at least 8 KiB; size is 1 KiB");
  CHECK_THROWS_WITH(load_accelerator(file, {"scratchpads.ifmap.banks=1"}),
                    file + ":13: scratchpads.ofmap.size: 1 bank of one 64-bit word needs at least 8 B; size is 4 B");
  CHECK_THROWS_WITH(builtin_accelerator({"scratchpads.ifmap.banks=1024", "scratchpads.ifmap.size=2 KiB"}),
                    "--set scratchpads.ifmap.size=2 KiB: scratchpads.ifmap.size: 1024 banks of one 256-bit word need "
                    "at least 32 KiB; size is 2 KiB");
  CHECK_THROWS_WITH(builtin_accelerator({"scratchpads={unified: {size: 48 KiB, banks: 1024}}"}),
                    Catch::EndsWith("scratchpads.unified.banks: 1024 banks of one 256-bit word in each of ifmap, "
                                    "filter and ofmap need at least 96 KiB; size is 48 KiB"));
  CHECK(builtin_accelerator({"scratchpads={unified: {size: 96 KiB, banks: 1024}}"}).ifmap.banks == 1024);
  CHECK_THROWS_WITH(builtin_accelerator({"system_cache={size: 4 B, line: 4 B, ways: 1}"}),
                    "--set system_cache={size: 4 B, line: 4 B, ways: 1}: system_cache.size: 4 B cannot hold one "
                    "64-bit word of the cache's data array; need at least 8 B");
  CHECK(builtin_accelerator({"system_cache={size: 8 B, line: 4 B, ways: 1}"}).system_cache->size_bytes == 8);
  CHECK_THROWS_WITH(builtin_accelerator({"weight_cache={size: 4 B, line: 4 B, ways: 1}"}),
                    "--set weight_cache={size: 4 B, line: 4 B, ways: 1}: weight_cache.size: 4 B cannot hold one "
                    "64-bit word of the cache's data array; need at least 8 B");
}

TEST_CASE("a cache line longer than an operand's quarter of the DRAM is refused") {
  // lpddr5-6400 with one row: 32 KiB, 8 KiB per operand stream. A 1 MiB line
  // held all three operands' bytes (one miss, then hits on the others').
  const std::string tiny = "dram={preset: lpddr5-6400, rows: 1}";
  CHECK_THROWS_WITH(builtin_accelerator({tiny, "system_cache={size: 1 MiB, line: 1 MiB, ways: 1}"}),
                    Catch::EndsWith("system_cache.line: 1 MiB lines are longer than an operand's quarter of the DRAM's "
                                    "32 KiB (--set dram={preset: lpddr5-6400, rows: 1}: dram); allowed: at most 8 KiB"));
  CHECK(builtin_accelerator({tiny, "system_cache={size: 64 KiB, line: 8 KiB, ways: 1}"}).system_cache->line_bytes == 8192);
  CHECK_THROWS_WITH(builtin_accelerator({tiny, "weight_cache={size: 1 MiB, line: 16 KiB, ways: 1}"}),
                    Catch::Contains("weight_cache.line: 16 KiB lines are longer"));
  // Weights in flash: the weight cache's lines come from flash.
  CHECK(builtin_accelerator({tiny, "flash={preset: ufs4.0}", "weight_cache={size: 1 MiB, line: 16 KiB, ways: 1}"})
            .weight_cache->line_bytes == 16384);
}

TEST_CASE("a weight cache takes the system cache's keys and gives the weights a DMA port of their own where needed") {
  const AcceleratorConfig shared = builtin_accelerator({"weight_cache={size: 256 KiB, line: 128 B, ways: 4}"});
  REQUIRE(shared.weight_cache.has_value());
  CHECK(shared.weight_cache->size_bytes == 256 * 1024);
  CHECK(shared.weight_cache->line_bytes == 128);
  CHECK(shared.weight_cache->ways == 4);
  CHECK_FALSE(shared.system_cache.has_value());
  // Shared DRAM port: the weights' own port leads to the weight cache.
  CHECK(shared.dma_port_count() == 2);
  // Per-operand ports: the filter port already carries only the weights.
  CHECK(builtin_accelerator({"weight_cache={size: 256 KiB}", "dram.ports=per_operand"}).dma_port_count() == 3);
  // Flash: the weights' port to flash, with the cache on it.
  CHECK(builtin_accelerator({"weight_cache={size: 256 KiB}", "flash={preset: ufs3.1}"}).dma_port_count() == 2);
  CHECK(builtin_accelerator({}).dma_port_count() == 1);
  CHECK_THROWS_WITH(builtin_accelerator({"weight_cache={line: 64 B}"}),
                    Catch::Contains("weight_cache.size: required key is missing"));
  CHECK_THROWS_WITH(builtin_accelerator({"weight_cache={size: 256 KiB, replacment: lru}"}),
                    Catch::Contains("weight_cache.replacment: unknown key"));
}

TEST_CASE("a system cache without a size is an error at its section, as for flash without a preset") {
  // `system_cache: {}` or one with only line and ways built a 32 KiB cache
  // that docs/config.md does not give as a default.
  const std::string file = qarch::test::write_temp_file(
      "cache.yaml", "name: one\nclock: 1 GHz\ncompute:\n  systolic_array:\n    rows: 1\n    cols: 1\n    dataflow: os\n"
                    "    formats:\n      - {weights: int8, inputs: int8}\nscratchpads:\n  ifmap: {size: 8 KiB}\n"
                    "  filter: {size: 8 KiB}\n  ofmap: {size: 8 KiB}\ndram:\n  bandwidth: unlimited\n"
                    "system_cache: {}\n");
  CHECK_THROWS_WITH(load_accelerator(file), file + ":16: system_cache.size: required key is missing");
  CHECK_THROWS_WITH(load_accelerator(file, {"system_cache={line: 32 B, ways: 4}"}),
                    Catch::Contains("system_cache.size: required key is missing"));
  // A misspelt size is named as the unknown key it is.
  CHECK_THROWS_WITH(load_accelerator(file, {"system_cache={szie: 1 MiB}"}),
                    Catch::Contains("system_cache.szie: unknown key"));
  CHECK(load_accelerator(file, {"system_cache.size=64 KiB"}).system_cache->size_bytes == 65536);
}

TEST_CASE("a cache whose sets do not divide its size is blamed on the way count when that is not a power of two") {
  const std::string head =
      "name: one\nclock: 1 GHz\ncompute:\n  systolic_array:\n    rows: 1\n    cols: 1\n    dataflow: os\n"
      "    formats:\n      - {weights: int8, inputs: int8}\nscratchpads:\n  ifmap: {size: 8 KiB}\n"
      "  filter: {size: 8 KiB}\n  ofmap: {size: 8 KiB}\ndram:\n  bandwidth: unlimited\nweight_cache:\n";
  // Three ways of 64 B lines do not divide 1 MiB: the ways line (18) is
  // named, not the size line (17) as before.
  const std::string odd_ways = qarch::test::write_temp_file("odd_ways.yaml", head + "  size: 1 MiB\n  ways: 3\n");
  CHECK_THROWS_WITH(load_accelerator(odd_ways),
                    odd_ways + ":18: weight_cache.ways: size 1 MiB is not a whole number of sets of 3 ways x 64 B "
                               "lines (192 B a set)");
  // A size that is no whole number of sets of a power-of-two way count is the size's fault.
  const std::string odd_size = qarch::test::write_temp_file("odd_size.yaml", head + "  size: 1000 B\n  ways: 8\n");
  CHECK_THROWS_WITH(load_accelerator(odd_size), Catch::StartsWith(odd_size + ":17: weight_cache.size: size 1000 B"));
  // Nor whole lines: the size, whatever the ways.
  const std::string partial_lines = qarch::test::write_temp_file("partial_lines.yaml", head + "  size: 200 B\n  ways: 3\n");
  CHECK_THROWS_WITH(load_accelerator(partial_lines), Catch::StartsWith(partial_lines + ":17: weight_cache.size: size 200 B"));
}

TEST_CASE("a format pair listed twice is an error at the listing --set gave, else at the repeated item") {
  // Both named the `formats:` line of the file, even when a --set made the repeat.
  const std::string file = std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int8-32x32.yaml";
  CHECK_THROWS_WITH(load_accelerator(file, {"compute.systolic_array.formats.2.inputs=int8"}),
                    "--set compute.systolic_array.formats.2.inputs=int8: compute.systolic_array.formats[2].inputs: "
                    "format pair int4 x int8 is listed twice (also as compute.systolic_array.formats[1], given at " +
                        file + ":13); list each pair once");
  CHECK_THROWS_WITH(load_accelerator(file, {"compute.systolic_array.formats.0.weights=int4"}),
                    Catch::StartsWith("--set compute.systolic_array.formats.0.weights=int4: "
                                      "compute.systolic_array.formats[0].weights: format pair int4 x int8"));
  std::string text = qarch::test::read_file(file);
  const std::string third = "{weights: int4, inputs: int4, macs_per_pe_per_cycle: 2}";
  REQUIRE(text.find(third) != std::string::npos);
  text.replace(text.find(third), third.size(), "{weights: int8, inputs: int8}");
  const std::string repeated = qarch::test::write_temp_file("repeated.yaml", text);
  CHECK_THROWS_WITH(load_accelerator(repeated),
                    repeated + ":14: compute.systolic_array.formats[2]: format pair int8 x int8 is listed twice (also "
                               "as compute.systolic_array.formats[0], given at " + repeated + ":12); list each pair once");
}

TEST_CASE("an accelerator name is non-empty text, from the file or --set") {
  // name: 42 was the accelerator "42".
  CHECK_THROWS_WITH(builtin_accelerator({"name=42"}),
                    "--set name=42: name: expected text, got the integer 42 (quote it: \"42\")");
  CHECK_THROWS_WITH(builtin_accelerator({"name=\"\""}), "--set name=\"\": name: is empty; a name is non-empty text");
  // A SCALE-Sim run_name names the accelerator too: an empty one was a blank name.
  std::string cfg = qarch::test::read_file(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/32x32_os.cfg");
  cfg.replace(cfg.find("run_name = 32x32_os"), 19, "run_name =");
  const std::string empty_run_name = qarch::test::write_temp_file("empty-name.cfg", cfg);
  CHECK_THROWS_WITH(load_scalesim_config(empty_run_name),
                    empty_run_name + ":2: general.run_name: is empty; a name is non-empty text");
  CHECK(builtin_accelerator({"name=\"42\""}).name == "42");
}

TEST_CASE("a dram section without a preset lists preset among its keys, and a DRAM timing key says it needs one") {
  // Both got "unknown key; allowed here: bandwidth, latency, ports, standard", without preset.
  CHECK_THROWS_WITH(builtin_accelerator({"dram.foo=1"}),
                    "--set dram.foo=1: dram.foo: unknown key; allowed here: bandwidth, latency, ports, preset, standard");
  const std::string file = std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int4-lpddr5-cache.yaml";
  std::string text = qarch::test::read_file(file);
  REQUIRE(text.find("preset: lpddr5-6400") != std::string::npos);
  text.replace(text.find("preset: lpddr5-6400"), 19, "tRCD: 20");
  const std::string no_preset = qarch::test::write_temp_file("no-preset.yaml", text);
  CHECK_THROWS_WITH(load_accelerator(no_preset),
                    Catch::Matches(".*no-preset\\.yaml:[0-9]+: dram\\.tRCD: DRAM timing and organisation keys need "
                                   "dram\\.preset \\(one of ddr4-2400, .*hbm3\\), whose values they change"));
  CHECK_THROWS_WITH(builtin_accelerator({"dram.channels=2"}),
                    Catch::StartsWith("--set dram.channels=2: dram.channels: DRAM timing and organisation keys need "
                                      "dram.preset"));
}

TEST_CASE("dram.preset selects the detailed DRAM model whose timing replaces bandwidth and latency") {
  const AcceleratorConfig c = builtin_accelerator({"dram={preset: lpddr4-3200, tRCD: 30}"});
  REQUIRE(c.dram.detailed.has_value());
  CHECK(c.dram.detailed->preset == "lpddr4-3200");
  CHECK(c.dram.detailed->timing.tRCD == 30);
  CHECK(c.dram.standard == "lpddr4");  // priced by the preset's standard
  CHECK_THROWS_WITH(builtin_accelerator({"dram.preset=ddr4-2400"}),
                    Catch::Contains("dram.bandwidth: not allowed with dram.preset"));
  CHECK_THROWS_WITH(builtin_accelerator({"dram={preset: ddr9}"}), Catch::Contains("ddr4-2400"));
  CHECK_THROWS_WITH(builtin_accelerator({"dram={preset: ddr4-2400, tRAS: 3}"}), Catch::Contains("tRAS"));
  // Before, a standard that contradicts the preset priced the energy.
  CHECK_THROWS_WITH(builtin_accelerator({"dram={preset: lpddr4-3200, standard: lpddr4}"}),
                    "--set dram={preset: lpddr4-3200, standard: lpddr4}: dram.standard: not allowed with dram.preset "
                    "(given at --set dram={preset: lpddr4-3200, standard: lpddr4}): the preset's standard, lpddr4, "
                    "prices the DRAM's energy");
}

TEST_CASE("SCALE-Sim .cfg option names are case-insensitive and section names are not, as in configparser") {
  // A config written by SCALE-Sim's write_conf_file (configparser lower-cases option names)
  // was refused: "architecture_presets.ArrayHeight: required key is missing".
  const std::string lower = qarch::test::write_temp_file(
      "lower.cfg",
      "[general]\nrun_name = lower\n\n[architecture_presets]\narrayheight = 16\narraywidth = 8\n"
      "ifmapsramszkb = 64\nfiltersramszkb = 64\nofmapsramszkb = 64\nifmapoffset = 0\nfilteroffset = 10000000\n"
      "ofmapoffset = 20000000\ndataflow = ws\nbandwidth = 10\nmemorybanks = 1\n\n[run_presets]\n"
      "interfacebandwidth = USER\n");
  const AcceleratorConfig c = load_scalesim_config(lower);
  CHECK(c.name == "lower");
  CHECK(c.array.shape.rows == 16);
  CHECK(c.array.shape.cols == 8);
  CHECK(c.array.shape.dataflow == qarch::compute::Dataflow::kWeightStationary);
  CHECK(c.dram.bandwidth_bytes_per_s == 10e9);  // 10 words a cycle at 1 GHz
  // ArrayHeight and arrayheight are one option: configparser's DuplicateOptionError; both were taken.
  std::string text = qarch::test::read_file(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/32x32_os.cfg");
  text.replace(text.find("ArrayWidth"), 0, "arrayheight : 16\n");
  const std::string twice = qarch::test::write_temp_file("twice-case.cfg", text);
  CHECK_THROWS_WITH(load_scalesim_config(twice), twice + ":6: architecture_presets.arrayheight: key given twice "
                                                         "(first at line 5); give each key once");
  // Section names stay case-sensitive: [Architecture_Presets] is another section.
  std::string sections = qarch::test::read_file(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/32x32_os.cfg");
  sections.replace(sections.find("[architecture_presets]"), 22, "[Architecture_Presets]");
  const std::string renamed = qarch::test::write_temp_file("sections.cfg", sections);
  CHECK_THROWS_WITH(load_scalesim_config(renamed), renamed + ": architecture_presets.ArrayHeight: required key is missing");
}

TEST_CASE("a SCALE-Sim .cfg needs every key SCALE-Sim reads, and what configparser refuses is refused") {
  // A misspelt [run_presets] ran the USER config in CALC mode, stall-free, with exit 0; SCALE-Sim's
  // scale_config.read_conf_file() reads run_name, InterfaceBandwidth and the three offsets too.
  const std::string base = qarch::test::read_file(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/configs/32x32_ws_user_bw10.cfg");
  const auto changed = [&](const std::string& from, const std::string& to) {
    std::string text = base;
    text.replace(text.find(from), from.size(), to);
    return qarch::test::write_temp_file("changed.cfg", text);
  };
  const std::pair<std::pair<std::string, std::string>, std::string> cases[] = {
      {{"[run_presets]", "[run_preset]"}, ": run_presets.InterfaceBandwidth: required key is missing"},
      {{"InterfaceBandwidth", "InterfaceBandwith"}, ": run_presets.InterfaceBandwidth: required key is missing"},
      {{"run_name", "runname"}, ": general.run_name: required key is missing"},
      {{"FilterOffset : 10000000\n", ""}, ": architecture_presets.FilterOffset: required key is missing"},
      {{"OfmapOffset : 20000000", "OfmapOffset : x"}, ":12: architecture_presets.OfmapOffset: 'x' is not a whole number"},
      // configparser: MissingSectionHeaderError, DuplicateSectionError; an indented line continues a value.
      {{"[general]", "Dataflow : os\n[general]"}, ":1: a key before any [section] header"},
      {{"[run_presets]", "[general]\n[run_presets]"}, ":17: section [general] given twice (first at line 1)"},
      {{"ArrayWidth : 32", "ArrayWidth : 32\n    64"}, ":7: a line indented deeper than the key above"},
      {{"[run_presets]", "  [run_presets]"}, ":17: a line indented deeper than the key above"},
  };
  for (const auto& [edit, expected] : cases) {
    INFO(edit.first << " -> " << edit.second);
    const std::string file = changed(edit.first, edit.second);
    CHECK_THROWS_WITH(load_scalesim_config(file), Catch::StartsWith(file + expected));
  }
  // What configparser reads is read: keys all indented alike (no key above them is less
  // indented), and text after a section header's ']'.
  std::string indented;
  std::istringstream lines(base);
  for (std::string line; std::getline(lines, line);) {
    indented += (line.empty() || line[0] == '[' ? "" : "  ") + line + "\n";
  }
  CHECK(load_scalesim_config(qarch::test::write_temp_file("indented.cfg", indented)).array.shape.rows == 32);
  CHECK(load_scalesim_config(changed("[general]", "[general]   ; the run")).name == "32x32_ws_user_bw10");
}

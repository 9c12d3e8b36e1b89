#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/support/run_qarch.h"

#include "workloads/scalesim_topology.h"

using namespace qarch::workloads;


TEST_CASE("SCALE-Sim conv rows keep SCALE-Sim's ceil output size") {
  // AlexNet Conv1: 224, R=11, s=4 -> SCALE-Sim makes 55 outputs, not 54
  // (shared/reference/scalesim/README.md, "Output size, no padding").
  const auto w = load_scalesim_topology(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/topologies/alexnet.csv",
                                        ScaleSimTopologyKind::kConv);
  REQUIRE(w.ops.size() == 5);
  CHECK(w.ops[0].conv.out_height() == 55);
  CHECK(w.ops[0].conv.out_width() == 55);
  CHECK(w.ops[0].conv.channels == 3);
  CHECK(w.ops[0].conv.filters == 96);
  CHECK(w.name == "alexnet");
}

TEST_CASE("SCALE-Sim DP layers become depthwise convolutions and GEMM rows become gemm ops") {
  const auto dp = load_scalesim_topology(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/topologies/synthetic_dp_check.csv",
                                         ScaleSimTopologyKind::kConv);
  CHECK(dp.ops[0].type == OpType::kDepthwiseConv2d);
  CHECK(dp.ops[2].type == OpType::kConv2d);
  const auto g = load_scalesim_topology(std::string(QARCH_TEST_DATA_DIR) + "/scalesim/topologies/gpt2.csv",
                                        ScaleSimTopologyKind::kGemm);
  CHECK(g.ops[2].gemm.m == 1024);
  CHECK(g.ops[2].gemm.n == 4800);
  CHECK(g.ops[2].gemm.k == 1600);
}

TEST_CASE("malformed topologies are rejected with the line") {
  const auto no_comma = qarch::test::write_temp_file("nocomma.csv", "h\nConv1,224,224,3,3,3,64,1\n");
  CHECK_THROWS_WITH(load_scalesim_topology(no_comma, ScaleSimTopologyKind::kConv),
                    Catch::Contains(":2:") && Catch::Contains("trailing comma"));
  const auto bad_num = qarch::test::write_temp_file("badnum.csv", "h\nConv1,224,x,3,3,3,64,1,\n");
  CHECK_THROWS_WITH(load_scalesim_topology(bad_num, ScaleSimTopologyKind::kConv), Catch::Contains("field 3 is 'x'"));
  // A field is quoted escaped: an ESC went to the terminal raw.
  const auto escape = qarch::test::write_temp_file("esc.csv", "h\nConv1,224,\x1b[31m,3,3,3,64,1,\n");
  CHECK_THROWS_WITH(load_scalesim_topology(escape, ScaleSimTopologyKind::kConv),
                    Catch::Contains("field 3 is '\\x1b[31m'"));
  const auto gemm_as_conv = qarch::test::write_temp_file("gemm.csv", "h\nL,4,4,4,\n");
  CHECK_THROWS_WITH(load_scalesim_topology(gemm_as_conv, ScaleSimTopologyKind::kConv), Catch::Contains("use --gemm"));
  const auto too_big = qarch::test::write_temp_file("big.csv", "h\nC,3,3,5,5,1,1,1,\n");
  CHECK_THROWS_WITH(load_scalesim_topology(too_big, ScaleSimTopologyKind::kConv), Catch::Contains("larger than the IFMAP"));
  CHECK_THROWS_WITH(load_scalesim_topology("/nonexistent.csv", ScaleSimTopologyKind::kConv), Catch::Contains("cannot open"));
}

TEST_CASE("qarch import scalesim writes layer names that read back unchanged, whatever they hold") {
  // Names were written unquoted: "a: b" gave malformed YAML, "#c" and "~" a name with no value.
  const std::vector<std::string> names{"a: b", "#c", "- x", "[y]", "{z}", "yes", "~", "null", "16", "\"quoted\"",
                                       "say \"hi\"", "'single'", "it's", "back\\slash", "&anchor", "*alias", "!tag",
                                       "%p", "@q", "`r", "|s", ">t", "? q", "x #y", "\xC3\xBC"};
  std::string csv = "Layer, M, N, K,\n";
  for (const std::string& name : names) csv += name + ",4,4,4,\n";
  const std::string topology = qarch::test::write_temp_file("#net.csv", csv);
  const std::string trace = qarch::test::make_temp_dir() + "/net.yaml";
  REQUIRE(qarch::test::run_qarch("import scalesim --gemm '" + topology + "' -o " + trace).exit_code == 0);
  const Workload w = load_trace(trace);
  CHECK(w.name == "#net");
  REQUIRE(w.ops.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) CHECK(w.ops[i].name == names[i]);
}

TEST_CASE("a SCALE-Sim layer name holding a control character is an error naming the file, line and character") {
  // A tab inside a name went raw to the summary table.
  const auto csv = qarch::test::write_temp_file("tab.csv", "Layer, M, N, K,\ntab\there,4,4,4,\n");
  CHECK_THROWS_WITH(load_scalesim_topology(csv, ScaleSimTopologyKind::kGemm),
                    csv + ":2: field 1 (layer name): contains the control character \\x09 (at byte 4); names are "
                          "printable text");
}

TEST_CASE("a SCALE-Sim layer name or file name that is not valid UTF-8 is an error naming the file and line") {
  // Both end up in qarch run --json output, which stopped with an internal error.
  const auto csv = qarch::test::write_temp_file("latin1.csv", "Layer, M, N, K,\nfc\xE9,4,4,4,\n");
  CHECK_THROWS_WITH(load_scalesim_topology(csv, ScaleSimTopologyKind::kGemm),
                    csv + ":2: field 1 (layer name): not valid UTF-8 text (at byte 3); names and other strings must be UTF-8");
  const auto name = qarch::test::write_temp_file("net\xE9.csv", "Layer, M, N, K,\nfc,4,4,4,\n");
  CHECK_THROWS_WITH(load_scalesim_topology(name, ScaleSimTopologyKind::kGemm),
                    Catch::Contains(": file path (it names the workload): not valid UTF-8 text"));
}

TEST_CASE("qarch import scalesim writes a topology path holding a line break into its comment safely") {
  // The path went into the "# Imported from" comment as it was: its second line became YAML.
  const std::string folder = qarch::test::make_temp_dir() + "/net\nname: x";
  std::filesystem::create_directory(folder);
  const std::string topology = folder + "/net.csv";
  qarch::test::write_file(topology, "Layer, M, N, K,\nfc,4,4,4,\n");
  const std::string trace = qarch::test::make_temp_dir() + "/net.yaml";
  REQUIRE(qarch::test::run_qarch("import scalesim --gemm '" + topology + "' -o " + trace).exit_code == 0);
  const std::string text = qarch::test::read_file(trace);
  CHECK(text.substr(0, text.find('\n')) ==
        "# Imported from SCALE-Sim v2 topology " + topology.substr(0, topology.find('\n')) + "\\x0aname: x/net.csv");
  const Workload w = load_trace(trace);
  CHECK(w.name == "net");
  REQUIRE(w.ops.size() == 1);
  // A file name holding one names the workload: refused, as in a trace's name.
  const std::string named = qarch::test::write_temp_file("net\nname: x.csv", "Layer, M, N, K,\nfc,4,4,4,\n");
  CHECK_THROWS_WITH(load_scalesim_topology(named, ScaleSimTopologyKind::kGemm),
                    named + ": file name (it names the workload): contains the control character \\x0a (at byte 4); "
                            "names are printable text");
}

TEST_CASE("SCALE-Sim layers that share a name get suffixes, so import + run -w runs what --topology runs") {
  // import wrote both rows as C1, and run -w refused the trace it made.
  const std::string topology =
      qarch::test::write_temp_file("dup.csv", "Layer, M, N, K,\nC1,4,4,4,\nC1_2,4,4,4,\nC1,4,4,4,\nC1,4,4,4,\n");
  const Workload loaded = load_scalesim_topology(topology, ScaleSimTopologyKind::kGemm);
  REQUIRE(loaded.ops.size() == 4);
  CHECK(loaded.ops[0].name == "C1");
  CHECK(loaded.ops[1].name == "C1_2");
  CHECK(loaded.ops[2].name == "C1_3");
  CHECK(loaded.ops[3].name == "C1_4");
  const std::string trace = qarch::test::make_temp_dir() + "/dup.yaml";
  REQUIRE(qarch::test::run_qarch("import scalesim --gemm " + topology + " -o " + trace).exit_code == 0);
  const auto run = qarch::test::run_qarch("run -a " + std::string(QARCH_SOURCE_DIR) +
                                          "/accelerators/scalesim-32x32-ws.yaml -w " + trace);
  CHECK(run.err.empty());
  CHECK(run.exit_code == 0);
  const Workload imported = load_trace(trace);
  REQUIRE(imported.ops.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) CHECK(imported.ops[i].name == loaded.ops[i].name);
}

TEST_CASE("SCALE-Sim rows are stripped, and extra fields are read as SCALE-Sim reads them") {
  // SCALE-Sim v2 topology_utils.py: row.strip(), then row.split(',')[:-1]. Blanks after the
  // trailing comma gave "field 9 is ''", and a 10th conv field "expected 8 fields ... found 10".
  const auto conv = qarch::test::write_temp_file(
      "ws.csv", "h\nC1,8,8,3,3,4,8,1, \nC2,8,8,3,3,4,8,1,\t\r\nC3,8,8,3,3,4,8,1,2,7,\n");
  const Workload w = load_scalesim_topology(conv, ScaleSimTopologyKind::kConv);
  REQUIRE(w.ops.size() == 3);
  CHECK(w.ops[0].conv.stride_w == 1);
  CHECK(w.ops[1].conv.filters == 8);
  // Strides 1 (height) and 2 (width); the 10th field, 7, is read by SCALE-Sim but never used.
  CHECK(w.ops[2].conv.stride_h == 1);
  CHECK(w.ops[2].conv.stride_w == 2);
  CHECK(w.ops[2].conv.out_height() == 6);  // SCALE-Sim: ceil((8 - 3 + 1) / 1)
  CHECK(w.ops[2].conv.out_width() == 4);   // ceil((8 - 3 + 2) / 2)
  const auto gemm = qarch::test::write_temp_file("wsg.csv", "Layer,M,N,K,\nfc,1,1000,4096,\t\nfc2,4,4,4,anything,\n");
  const Workload g = load_scalesim_topology(gemm, ScaleSimTopologyKind::kGemm);
  REQUIRE(g.ops.size() == 2);
  CHECK(g.ops[0].gemm.m == 1);
  CHECK(g.ops[0].gemm.n == 1000);
  CHECK(g.ops[0].gemm.k == 4096);
  CHECK(g.ops[1].gemm.k == 4);
  // SCALE-Sim's int() refuses a 10th conv field that is not an integer.
  const auto bad = qarch::test::write_temp_file("bad10.csv", "h\nC1,8,8,3,3,4,8,1,1,x,\n");
  CHECK_THROWS_WITH(load_scalesim_topology(bad, ScaleSimTopologyKind::kConv),
                    bad + ":2: field 10 is 'x'; expected an integer (SCALE-Sim reads it, and ignores it) (name, IFMAP H, "
                          "IFMAP W, Filter H, Filter W, Channels, Num Filter, Strides,)");
  // int() takes any number of digits, a sign and single underscores between digits; a 27-digit
  // field was refused as "expected an integer".
  const auto big = qarch::test::write_temp_file("big10.csv", "h\nC1,8,8,3,3,4,8,1,1,99999999999999999999999999,-1_000,+7,\n");
  CHECK(load_scalesim_topology(big, ScaleSimTopologyKind::kConv).ops.size() == 1);
  for (const char* field : {"1__0", "_1", "1_", "+", "1.0", "0x10"}) {
    INFO(field);
    const auto refused = qarch::test::write_temp_file("refused10.csv", std::string("h\nC1,8,8,3,3,4,8,1,1,") + field + ",\n");
    CHECK_THROWS_WITH(load_scalesim_topology(refused, ScaleSimTopologyKind::kConv),
                      Catch::Contains("field 10 is '" + std::string(field) + "'; expected an integer"));
  }
}

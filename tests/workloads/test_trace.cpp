#include <catch2/catch.hpp>

#include <fstream>
#include <limits>

#include "common/input_error.h"
#include "tests/support/run_qarch.h"
#include "workloads/trace.h"

using qarch::workloads::load_trace_yaml_text;
using qarch::workloads::OpType;

TEST_CASE("trace v1: the issue's example op loads with all its keys") {
  const auto w = load_trace_yaml_text(R"(name: example
ops:
  - name: fc1
    type: gemm
    m: 128
    n: 512
    k: 256
    weights: {format: int4, granularity: group, group_size: 128, symmetric: true, scale_format: fp16}
    inputs:  {format: int8, granularity: tensor, symmetric: false}
    accumulator: int32
    outputs: {format: int8}
)", "t.yaml");
  REQUIRE(w.ops.size() == 1);
  const auto& op = w.ops[0];
  CHECK(op.type == OpType::kGemm);
  CHECK(op.gemm.m == 128);
  CHECK(op.weights.format == "int4");
  CHECK(op.weights.group_size == 128);
  CHECK(op.weights.scale_format == "fp16");
  CHECK_FALSE(op.inputs.symmetric);
  CHECK(qarch::workloads::op_macs(op) == 128 * 512 * 256);
}

TEST_CASE("conv2d: output size, padding, stride and MACs") {
  const auto w = load_trace_yaml_text(R"(name: c
ops:
  - {name: conv, type: conv2d, n: 2, c: 3, h: 224, w: 224, k: 64, r: 7, s: 7, stride: 2, padding: 3}
)", "t.yaml");
  const auto& c = w.ops[0].conv;
  CHECK(c.out_height() == 112);  // floor((224 + 6 - 7) / 2) + 1, as in ResNet-50's conv1
  CHECK(c.out_width() == 112);
  CHECK(qarch::workloads::op_macs(w.ops[0]) == 2LL * 112 * 112 * 64 * 7 * 7 * 3);
}

TEST_CASE("trace errors name the file, line and key") {
  CHECK_THROWS_WITH(load_trace_yaml_text("name: x\nops:\n  - {name: a, type: gemm, m: 1, n: 1, k: 1, sparsity: 0.5}\n", "t.yaml"),
                    Catch::StartsWith("t.yaml:3: ops[0].sparsity: unknown key"));
  CHECK_THROWS_WITH(load_trace_yaml_text("name: x\nops:\n  - {name: a, type: gemm, m: -1, n: 1, k: 1}\n", "t.yaml"),
                    Catch::Contains("ops[0].m: -1 is out of range"));
  CHECK_THROWS_WITH(load_trace_yaml_text("name: x\nops:\n  - {name: a, type: matmul, m: 1, n: 1, k: 1}\n", "t.yaml"),
                    Catch::Contains("allowed: gemm, conv2d, depthwise_conv2d, elementwise, softmax"));
  CHECK_THROWS_WITH(load_trace_yaml_text("name: x\nops:\n  - {name: a, type: gemm, m: 1, n: 1, k: 1, weights: {format: int5}}\n", "t.yaml"),
                    Catch::Contains("unknown number format 'int5'"));
  CHECK_THROWS_WITH(load_trace_yaml_text("name: x\nops:\n  - {name: a, type: gemm, m: 1, n: 1, k: 1, weights: {format: int4, granularity: group}}\n", "t.yaml"),
                    Catch::Contains("group_size: required key is missing"));
  CHECK_THROWS_WITH(load_trace_yaml_text("name: x\nops:\n  - {name: a, type: gemm, m: 1, n: 1, k: 1}\n  - {name: a, type: gemm, m: 1, n: 1, k: 1}\n", "t.yaml"),
                    "t.yaml:4: ops[1]: op name 'a' appears more than once (first as ops[0] at line 3); names must be unique");
  CHECK_THROWS_WITH(load_trace_yaml_text("name: x\nops: []\n", "t.yaml"), Catch::Contains("no ops"));
}

TEST_CASE("JSON Lines traces share the schema and a truncated last line is an error with its line") {
  const std::string dir = qarch::test::make_temp_dir();
  const std::string good = dir + "/good.jsonl", bad = dir + "/bad.jsonl";
  std::ofstream(good) << "{\"name\": \"j\", \"version\": 1}\n"
                      << "{\"name\": \"a\", \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4}\n"
                      << "{\"name\": \"b\", \"type\": \"softmax\", \"rows\": 4, \"cols\": 8}\n";
  const auto w = qarch::workloads::load_trace(good);
  REQUIRE(w.ops.size() == 2);
  CHECK(w.ops[1].elements == 32);
  std::ofstream(bad) << "{\"name\": \"j\"}\n{\"name\": \"a\", \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4}\n"
                     << "{\"name\": \"b\", \"type\": \"gem";
  CHECK_THROWS_WITH(qarch::workloads::load_trace(bad), Catch::StartsWith(bad + ":3:") && Catch::Contains("truncated"));
  std::ofstream(bad) << "{\"name\": \"j\"}\n{\"name\": \"a\", \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"kk\": 4}\n";
  CHECK_THROWS_WITH(qarch::workloads::load_trace(bad), Catch::StartsWith(bad + ":2: ops[0].") );
}

TEST_CASE("a JSON Lines line holding two objects is an error naming the file and line") {
  // yaml-cpp read the second object as a further document, and it was dropped.
  const auto two = qarch::test::write_temp_file("two.jsonl",
      "{\"name\": \"j\"}\n"
      "{\"name\": \"a\", \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4} "
      "{\"name\": \"b\", \"type\": \"gemm\", \"m\": 8, \"n\": 8, \"k\": 8}\n");
  CHECK_THROWS_WITH(qarch::workloads::load_trace(two),
                    two + ":2: text after the JSON object, at column 55; write one object per line");
  const auto header = qarch::test::write_temp_file("header.jsonl",
      "{\"name\": \"j\"}{\"name\": \"k\"}\n{\"name\": \"a\", \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4}\n");
  CHECK_THROWS_WITH(qarch::workloads::load_trace(header), Catch::StartsWith(header + ":1: text after the JSON object"));
}

TEST_CASE("a JSON Lines trace with CRLF line ends reads as with LF") {
  // The '\r' read as text after the object: every line was an error.
  const auto crlf = qarch::test::write_temp_file("crlf.jsonl",
      "{\"name\": \"j\"}\r\n\r\n{\"name\": \"a\", \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4}\r\n");
  const auto w = qarch::workloads::load_trace(crlf);
  REQUIRE(w.ops.size() == 1);
  CHECK(w.ops[0].gemm.k == 4);
}

TEST_CASE("a quoted number in a JSON Lines op is an error naming the file, line, key and the type") {
  // Every whole-number key of the op records; "16" is a JSON string, and was read as 16.
  const std::vector<std::pair<std::string, std::string>> ops{
      {R"({"name": "g", "type": "gemm", "m": 16, "n": 16, "k": 16, "batch": 2})", "batch"},
      {R"({"name": "g", "type": "gemm", "m": 16, "n": 16, "k": 16})", "m"},
      {R"({"name": "g", "type": "gemm", "m": 16, "n": 16, "k": 16})", "n"},
      {R"({"name": "g", "type": "gemm", "m": 16, "n": 16, "k": 16})", "k"},
      {R"({"name": "c", "type": "conv2d", "n": 1, "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": 1, "padding": 1})", "n"},
      {R"({"name": "c", "type": "conv2d", "n": 1, "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": 1, "padding": 1})", "c"},
      {R"({"name": "c", "type": "conv2d", "n": 1, "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": 1, "padding": 1})", "h"},
      {R"({"name": "c", "type": "conv2d", "n": 1, "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": 1, "padding": 1})", "w"},
      {R"({"name": "c", "type": "conv2d", "n": 1, "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": 1, "padding": 1})", "k"},
      {R"({"name": "c", "type": "conv2d", "n": 1, "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": 1, "padding": 1})", "r"},
      {R"({"name": "c", "type": "conv2d", "n": 1, "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": 1, "padding": 1})", "s"},
      {R"({"name": "c", "type": "conv2d", "n": 1, "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": 1, "padding": 1})", "stride"},
      {R"({"name": "c", "type": "conv2d", "n": 1, "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": 1, "padding": 1})", "padding"},
      {R"({"name": "d", "type": "depthwise_conv2d", "c": 3, "h": 16, "w": 16, "k": 1, "r": 3, "s": 3})", "k"},
      {R"({"name": "e", "type": "elementwise", "elements": 64, "operands": 2})", "elements"},
      {R"({"name": "e", "type": "elementwise", "elements": 64, "operands": 2})", "operands"},
      {R"({"name": "x", "type": "softmax", "rows": 4, "cols": 8})", "rows"},
      {R"({"name": "x", "type": "softmax", "rows": 4, "cols": 8})", "cols"},
  };
  for (const auto& [op, key] : ops) {
    std::string quoted = op;
    const std::string plain = "\"" + key + "\": ";
    const std::size_t at = quoted.find(plain) + plain.size();
    const std::size_t end = quoted.find_first_of(",}", at);
    quoted.insert(end, "\"");
    quoted.insert(at, "\"");
    INFO(quoted);
    const auto good = qarch::test::write_temp_file("good.jsonl", "{\"name\": \"j\"}\n" + op + "\n");
    CHECK_NOTHROW(qarch::workloads::load_trace(good));
    const auto bad = qarch::test::write_temp_file("quoted.jsonl", "{\"name\": \"j\"}\n" + quoted + "\n");
    CHECK_THROWS_WITH(qarch::workloads::load_trace(bad),
                      Catch::StartsWith(bad + ":2: ops[0]." + key + ": \"") &&
                          Catch::Contains("is a string (quoted); allowed: integers"));
  }
  // Inside lists (stride, padding), operand sections and the header, too.
  const std::vector<std::pair<std::string, std::string>> nested{
      {R"({"name": "c", "type": "conv2d", "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "stride": [2, "1"]})", ":2: ops[0].stride: \"1\" is a string"},
      {R"({"name": "c", "type": "conv2d", "c": 3, "h": 16, "w": 16, "k": 4, "r": 3, "s": 3, "padding": [1, 1, "0", 0]})", ":2: ops[0].padding: \"0\" is a string"},
      {R"({"name": "g", "type": "gemm", "m": 1, "n": 1, "k": 1, "weights": {"format": "int4", "granularity": "group", "group_size": "32"}})", ":2: ops[0].weights.group_size: \"32\" is a string"},
      {R"({"name": "g", "type": "gemm", "m": 1, "n": 1, "k": 1, "inputs": {"symmetric": "false"}})", ":2: ops[0].inputs.symmetric: \"false\" is a string (quoted); allowed: true, false"},
  };
  for (const auto& [op, expected] : nested) {
    const auto bad = qarch::test::write_temp_file("nested.jsonl", "{\"name\": \"j\"}\n" + op + "\n");
    CHECK_THROWS_WITH(qarch::workloads::load_trace(bad), Catch::StartsWith(bad + expected));
  }
  const auto header = qarch::test::write_temp_file("header.jsonl",
      "{\"name\": \"j\", \"version\": \"1\"}\n{\"name\": \"g\", \"type\": \"gemm\", \"m\": 1, \"n\": 1, \"k\": 1}\n");
  CHECK_THROWS_WITH(qarch::workloads::load_trace(header), Catch::StartsWith(header + ":1: header.version: \"1\" is a string"));
}

TEST_CASE("in a YAML trace a quoted number is a string too, and the unquoted spelling is the number") {
  CHECK(load_trace_yaml_text("name: x\nops:\n  - {name: a, type: gemm, m: 16, n: 1, k: 1}\n", "t.yaml").ops[0].gemm.m == 16);
  CHECK_THROWS_WITH(load_trace_yaml_text("name: x\nops:\n  - {name: a, type: gemm, m: \"16\", n: 1, k: 1}\n", "t.yaml"),
                    Catch::StartsWith("t.yaml:3: ops[0].m: \"16\" is a string (quoted); allowed: integers 1.."));
  // Names are strings: quoting one that looks like a number keeps it a name.
  CHECK(load_trace_yaml_text("name: x\nops:\n  - {name: \"16\", type: gemm, m: 16, n: 1, k: 1}\n", "t.yaml").ops[0].name == "16");
}

TEST_CASE("to_yaml round-trips a workload") {
  const auto w = load_trace_yaml_text(R"(name: rt
ops:
  - {name: c, type: conv2d, c: 3, h: 10, w: 12, k: 4, r: 3, s: 3, stride: [2, 1], padding: [0, 1, 1, 0]}
  - {name: g, type: gemm, batch: 3, m: 5, n: 6, k: 7, weights: {format: fp8-e4m3, granularity: channel}}
)", "t.yaml");
  const auto again = load_trace_yaml_text(qarch::workloads::to_yaml(w), "again.yaml");
  REQUIRE(again.ops.size() == 2);
  CHECK(again.ops[0].conv.stride_h == 2);
  CHECK(again.ops[0].conv.pad_bottom == 1);
  CHECK(again.ops[0].conv.out_height() == w.ops[0].conv.out_height());
  CHECK(again.ops[1].gemm.batch == 3);
  CHECK(again.ops[1].weights.format == "fp8-e4m3");
}

TEST_CASE("a key given twice in a JSON Lines object is an error naming the file, line and key") {
  // The JSON Lines reader parsed each line itself, without the check YAML files
  // get, and the first m (4) silently won.
  const auto op = qarch::test::write_temp_file("twice.jsonl",
      "{\"name\": \"j\"}\n"
      "{\"name\": \"a\", \"type\": \"gemm\", \"m\": 4, \"m\": 4096, \"n\": 4, \"k\": 4}\n");
  CHECK_THROWS_WITH(qarch::workloads::load_trace(op),
                    op + ":2: ops[0].m: key given twice (first at line 2); write it once");
  const auto header = qarch::test::write_temp_file("twice-header.jsonl",
      "{\"name\": \"j\", \"defaults\": {\"weights\": {\"format\": \"int4\", \"format\": \"int8\"}}}\n"
      "{\"name\": \"a\", \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4}\n");
  CHECK_THROWS_WITH(qarch::workloads::load_trace(header),
                    Catch::StartsWith(header + ":1: header.defaults.weights.format: key given twice"));
}

TEST_CASE("a name that is not valid UTF-8 is an error naming the file, line and key") {
  // Such names reached the JSON writer: qarch run --json stopped with an internal error.
  const std::string op = "name: x\nops:\n  - {name: \"fc\xE9\", type: gemm, m: 1, n: 1, k: 1}\n";
  CHECK_THROWS_WITH(load_trace_yaml_text(op, "t.yaml"),
                    "t.yaml:3: ops[0].name: not valid UTF-8 text (at byte 3); names and other strings must be UTF-8");
  CHECK_THROWS_WITH(load_trace_yaml_text("name: \xC3\x28\nops:\n  - {name: a, type: gemm, m: 1, n: 1, k: 1}\n", "t.yaml"),
                    Catch::StartsWith("t.yaml:1: name: not valid UTF-8 text (at byte 1)"));
  const auto jsonl = qarch::test::write_temp_file("latin1.jsonl",
      "{\"name\": \"j\"}\n{\"name\": \"caf\xE9\", \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4}\n");
  CHECK_THROWS_WITH(qarch::workloads::load_trace(jsonl),
                    Catch::StartsWith(jsonl + ":2: ops[0].name: not valid UTF-8 text (at byte 4)"));
  // Overlong forms, UTF-16 surrogates, code points above U+10FFFF and cut sequences are not UTF-8 either.
  for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    CHECK_THROWS_WITH(load_trace_yaml_text("name: \"" + bad + "\"\nops:\n  - {name: a, type: gemm, m: 1, n: 1, k: 1}\n", "t.yaml"),
                      Catch::Contains("not valid UTF-8"));
  }
  // Two-, three- and four-byte characters are fine.
  const std::string good = "\xC3\xBC\xE2\x82\xAC\xF0\x9F\x98\x80";
  CHECK(load_trace_yaml_text("name: " + good + "\nops:\n  - {name: " + good + ", type: gemm, m: 1, n: 1, k: 1}\n", "t.yaml")
            .ops[0].name == good);
}

TEST_CASE("sizes whose product does not fit in 64 bits are errors naming the line, the largest factor's key and the limit") {
  // Each wrapped silently: softmax elements, gemm MACs (reported as 0), conv
  // input elements; a conv's im2col m wrapped to 0 and stopped with an internal error.
  const auto op = [](const std::string& fields) { return "name: x\nops:\n  - {name: a, " + fields + "}\n"; };
  const std::string limit = "do not fit in 64 bits; allowed: a product of at most 9223372036854775807 (2^63 - 1)";
  CHECK_THROWS_WITH(load_trace_yaml_text(op("type: softmax, rows: 4294967296, cols: 4294967297"), "t.yaml"),
                    "t.yaml:3: ops[0].cols: the elements rows x cols = 4294967296 x 4294967297 " + limit);
  CHECK_THROWS_WITH(load_trace_yaml_text(op("type: gemm, m: 1099511627776, n: 16777216, k: 1"), "t.yaml"),
                    "t.yaml:3: ops[0].m: the MACs batch x m x n x k = 1 x 1099511627776 x 16777216 x 1 " + limit);
  // 2^40 x 2^22 x 2 = 2^63, one more than the largest count.
  CHECK_THROWS_WITH(load_trace_yaml_text(op("type: gemm, m: 1099511627776, n: 4194304, k: 2"), "t.yaml"),
                    Catch::StartsWith("t.yaml:3: ops[0].m: the MACs"));
  CHECK_THROWS_WITH(load_trace_yaml_text(op("type: conv2d, c: 1, h: 4294967296, w: 4294967297, k: 1, r: 1, s: 1"), "t.yaml"),
                    "t.yaml:3: ops[0].w: the input elements n x h x w x c = 1 x 4294967296 x 4294967297 x 1 " + limit);
  // The input fits (2^40 elements), the MACs (2^64) do not.
  for (const char* type : {"conv2d", "depthwise_conv2d"}) {
    CHECK_THROWS_WITH(load_trace_yaml_text(op(std::string("type: ") + type +
                                              ", c: 1048576, h: 1024, w: 1024, k: 16777216, r: 1, s: 1"), "t.yaml"),
                      "t.yaml:3: ops[0].k: the MACs n x E_h x E_w x k x r x s x c = 1 x 1024 x 1024 x 16777216 x 1 x 1 x "
                      "1048576 " + limit);
  }
  // 2^63 - 1 = 7^2 * 73 * 127 * 337 * 92737 * 649657 is the largest count: it loads.
  const auto largest = load_trace_yaml_text(op("type: gemm, m: 454279, n: 31252369, k: 649657"), "t.yaml");
  CHECK(qarch::workloads::op_macs(largest.ops[0]) == std::numeric_limits<std::int64_t>::max());
  // Two ops of 2^62 MACs each: the workload's total is 2^63.
  CHECK_THROWS_WITH(load_trace_yaml_text("name: x\nops:\n  - {name: a, type: gemm, m: 1099511627776, n: 4194304, k: 1}\n"
                                         "  - {name: b, type: gemm, m: 1099511627776, n: 4194304, k: 1}\n", "t.yaml"),
                    "t.yaml:4: ops[1]: the workload's MACs up to this op, 4611686018427387904 + 4611686018427387904, do "
                    "not fit in 64 bits; allowed: at most 9223372036854775807 (2^63 - 1) in all");
  // The quantizer takes a group edge as an int: 2^31 was cut to 0 and refused with a wrong reason.
  CHECK_THROWS_WITH(load_trace_yaml_text(op("type: gemm, m: 1, n: 1, k: 4294967296, weights: {format: int4, "
                                            "granularity: group, group_size: 2147483648}"), "t.yaml"),
                    "t.yaml:3: ops[0].weights.group_size: 2147483648 is out of range; allowed: 1..2147483647");
}

TEST_CASE("a group size that does not divide the reduction dimension is an error at load naming the operand") {
  // The trace alone decides it: loading refuses it, before any accelerator.
  CHECK_THROWS_WITH(
      load_trace_yaml_text("name: s\nops:\n  - {name: g, type: gemm, m: 16, n: 256, k: 500, weights: {format: int4, "
                           "granularity: group, group_size: 128}}\n",
                           "t.yaml"),
      Catch::StartsWith("t.yaml:3: ops[0].weights: int4 as a [256 x 500] tensor"));
}

TEST_CASE("a softmax whose element operations do not fit in 64 bits is an error at load naming its largest size") {
  // 2^62 elements fit; 4 operations each (2^64) do not. Before, only planning
  // refused it, so `qarch validate -w` said ok.
  CHECK_THROWS_WITH(load_trace_yaml_text("name: s\nops:\n  - {name: s, type: softmax, rows: 1099511627776, "
                                         "cols: 4194304}\n",
                                         "t.yaml"),
                    "t.yaml:3: ops[0].rows: 4611686018427387904 elements at 4 operations each do not fit in 64 bits; "
                    "allowed: at most 2305843009213693951 elements");
}

TEST_CASE("granularity, group_size, symmetric or scale_format with a block format is an error at the key") {
  // They were ignored: mxfp4 with group 16 and fp16 scales moved the bytes of plain mxfp4.
  const std::string op = "name: b\nops:\n  - name: a\n    type: gemm\n    m: 64\n    n: 64\n    k: 64\n    weights:\n"
                         "      format: mxfp4\n";
  CHECK_THROWS_WITH(load_trace_yaml_text(op + "      granularity: group\n      group_size: 16\n", "t.yaml"),
                    "t.yaml:10: ops[0].weights.granularity: conflicts with the block format mxfp4, which fixes its "
                    "block of 32 and its e8m0 scales; use an element format (e.g. fp4-e2m1) to choose them");
  CHECK_THROWS_WITH(load_trace_yaml_text(op + "      scale_format: fp16\n", "t.yaml"),
                    Catch::StartsWith("t.yaml:10: ops[0].weights.scale_format: conflicts with the block format mxfp4"));
  CHECK_THROWS_WITH(load_trace_yaml_text(op + "      symmetric: false\n", "t.yaml"),
                    Catch::StartsWith("t.yaml:10: ops[0].weights.symmetric: conflicts with the block format mxfp4"));
  // The element format suggested is the block's own (it was fp4-e2m1 for every block format).
  std::string mxint8 = op;
  mxint8.replace(mxint8.find("mxfp4"), 5, "mxint8");
  CHECK_THROWS_WITH(load_trace_yaml_text(mxint8 + "      granularity: channel\n", "t.yaml"),
                    Catch::EndsWith("use an element format (e.g. int8) to choose them"));
  // A block format given in defaults refuses them in an op too.
  CHECK_THROWS_WITH(load_trace_yaml_text("name: b\ndefaults:\n  inputs: {format: nvfp4}\nops:\n"
                                         "  - {name: a, type: gemm, m: 4, n: 4, k: 16, inputs: {group_size: 16}}\n",
                                         "t.yaml"),
                    Catch::StartsWith("t.yaml:5: ops[0].inputs.group_size: conflicts with the block format nvfp4, "
                                      "which fixes its block of 16"));
  // A block format written alone, after defaults with group scales, loads and round-trips.
  const auto w = load_trace_yaml_text("name: b\ndefaults:\n  weights: {format: int4, granularity: group, group_size: 32}\n"
                                      "ops:\n  - {name: a, type: gemm, m: 4, n: 4, k: 64, weights: {format: mxfp4}}\n",
                                      "t.yaml");
  CHECK(load_trace_yaml_text(qarch::workloads::to_yaml(w), "again.yaml").ops[0].weights.format == "mxfp4");
}

TEST_CASE("workload and op names are non-empty text, in YAML and JSON Lines traces") {
  // {"name": true} loaded as the workload "true"; name: "" gave blank rows in the summary.
  const std::string op = "ops:\n  - {name: a, type: gemm, m: 4, n: 4, k: 4}\n";
  CHECK_THROWS_WITH(load_trace_yaml_text("name: 123\n" + op, "t.yaml"),
                    "t.yaml:1: name: expected text, got the integer 123 (quote it: \"123\")");
  CHECK_THROWS_WITH(load_trace_yaml_text("name: \"\"\n" + op, "t.yaml"), "t.yaml:1: name: is empty; a name is non-empty text");
  CHECK_THROWS_WITH(load_trace_yaml_text("name: t\nops:\n  - {name: true, type: gemm, m: 4, n: 4, k: 4}\n", "t.yaml"),
                    Catch::StartsWith("t.yaml:3: ops[0].name: expected text, got the boolean true"));
  const auto jsonl = qarch::test::write_temp_file(
      "names.jsonl", "{\"name\": true}\n{\"name\": 12, \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4}\n");
  CHECK_THROWS_WITH(qarch::workloads::load_trace(jsonl),
                    jsonl + ":1: header.name: expected text, got the boolean true (quote it: \"true\")");
  const auto op_name = qarch::test::write_temp_file(
      "op-name.jsonl", "{\"name\": \"j\"}\n{\"name\": 12, \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4}\n");
  CHECK_THROWS_WITH(qarch::workloads::load_trace(op_name),
                    op_name + ":2: ops[0].name: expected text, got the integer 12 (quote it: \"12\")");
}

TEST_CASE("a control character in a workload or op name is an error naming its byte value") {
  // ESC, newline, tab and CR in names went raw to the summary table and broke it.
  CHECK_THROWS_WITH(load_trace_yaml_text("name: \"t\\x1b[31mRED\\n2nd\"\nops:\n  - {name: a, type: gemm, m: 4, n: 4, k: 4}\n",
                                         "t.yaml"),
                    "t.yaml:1: name: contains the control character \\x1b (at byte 2); names are printable text");
  CHECK_THROWS_WITH(load_trace_yaml_text("name: t\nops:\n  - {name: \"a\\tb\\rc\", type: gemm, m: 4, n: 4, k: 4}\n", "t.yaml"),
                    "t.yaml:3: ops[0].name: contains the control character \\x09 (at byte 2); names are printable text");
  const auto jsonl = qarch::test::write_temp_file(
      "ctrl.jsonl", "{\"name\": \"j\"}\n{\"name\": \"a\\r\", \"type\": \"gemm\", \"m\": 4, \"n\": 4, \"k\": 4}\n");
  CHECK_THROWS_WITH(qarch::workloads::load_trace(jsonl),
                    jsonl + ":2: ops[0].name: contains the control character \\x0d (at byte 2); names are printable text");
}

TEST_CASE("a scale_format the quantizer does not take is an error at the scale_format key, listing those it takes") {
  // The error named ops[0].weights, and the docs called any format name allowed.
  CHECK_THROWS_WITH(load_trace_yaml_text("name: s\nops:\n  - name: a\n    type: gemm\n    m: 4\n    n: 4\n    k: 128\n"
                                         "    weights:\n      format: int4\n      granularity: channel\n"
                                         "      scale_format: int4\n",
                                         "t.yaml"),
                    "t.yaml:11: ops[0].weights.scale_format: 'int4' is not allowed; allowed: fp32, fp16, bf16, "
                    "fp8-e4m3, e8m0, pow2");
  CHECK(load_trace_yaml_text("name: s\nops:\n  - {name: a, type: gemm, m: 4, n: 4, k: 128, weights: {format: int4, "
                             "granularity: channel, scale_format: pow2}}\n",
                             "t.yaml")
            .ops[0]
            .weights.scale_format == "pow2");
}

#include <catch2/catch.hpp>

#include "common/input_error.h"
#include "common/yaml_reader.h"

using qarch::InputError;
using qarch::YamlMap;

namespace {
YamlMap doc(const std::string& text) {
  return YamlMap(qarch::load_yaml_string(text, "cfg.yaml"), "cfg.yaml", "");
}
}  // namespace

TEST_CASE("unknown keys are rejected with file, line, key path and the allowed keys") {
  YamlMap root = doc("clock: 1 GHz\narray:\n  rows: 8\n  colz: 8\n");
  root.quantity("clock", qarch::Dimension::kFrequencyHz, {1e6, 1e11});
  YamlMap array = root.map("array");
  array.integer("rows", 1, 4096);
  array.integer("cols", 1, 4096, 8);
  root.finish();
  CHECK_THROWS_WITH(array.finish(), "cfg.yaml:4: array.colz: unknown key; allowed here: cols, rows");
}

TEST_CASE("out-of-range, non-integer and wrong-unit values name the key and the allowed range") {
  YamlMap root = doc("rows: -4\ncols: 3.5\nsize: 64 GHz\nflow: xs\nseed: 18446744073709551615\nlow: -99999999999999999999\n");
  CHECK_THROWS_WITH(root.integer("rows", 1, 4096), "cfg.yaml:1: rows: -4 is out of range; allowed: 1..4096");
  // Whole numbers beyond 64 bits are out of range too, not "not a whole number".
  CHECK_THROWS_WITH(root.integer("seed", 0, 100), "cfg.yaml:5: seed: 18446744073709551615 is out of range; allowed: 0..100");
  CHECK_THROWS_WITH(root.integer("low", -8, 8), "cfg.yaml:6: low: -99999999999999999999 is out of range; allowed: -8..8");
  CHECK_THROWS_WITH(root.integer("cols", 1, 4096), Catch::Contains("cfg.yaml:2: cols: '3.5' is not a whole number"));
  CHECK_THROWS_WITH(root.quantity("size", qarch::Dimension::kBytes, {1, 1e9}), Catch::Contains("cfg.yaml:3: size:") && Catch::Contains("KiB"));
  CHECK_THROWS_WITH(root.choice("flow", {"os", "ws", "is"}), "cfg.yaml:4: flow: 'xs' is not allowed; allowed: os, ws, is");
}

TEST_CASE("a quantity outside its range is refused with the range in units") {
  YamlMap root = doc("fast: 0.4 ps\nlong: 1e7 s\nnone: 0\nok: 1 ps\nsize: 0\nneg: -1 KiB\nbare: -1\n");
  CHECK_THROWS_WITH(root.quantity("fast", qarch::Dimension::kTimeSeconds, qarch::kMemoryLatencyRange),
                    "cfg.yaml:1: fast: '0.4 ps' is out of range; allowed: 0, or 1 ps .. 1 s");
  CHECK_THROWS_WITH(root.quantity("long", qarch::Dimension::kTimeSeconds, qarch::kMemoryLatencyRange),
                    "cfg.yaml:2: long: '1e7 s' is out of range; allowed: 0, or 1 ps .. 1 s");
  CHECK(root.quantity("none", qarch::Dimension::kTimeSeconds, qarch::kMemoryLatencyRange) == 0.0);
  CHECK(root.quantity("ok", qarch::Dimension::kTimeSeconds, qarch::kMemoryLatencyRange) == 1e-12);
  CHECK_THROWS_WITH(root.byte_size("size", 1, 1 << 30), "cfg.yaml:5: size: '0' is out of range; allowed: 1 B .. 1 GiB");
  CHECK_THROWS_WITH(root.byte_size("neg", 1, 1 << 30), "cfg.yaml:6: neg: '-1 KiB' is out of range; allowed: 1 B .. 1 GiB");
  // Negative whatever its unit: it was refused for having none.
  CHECK_THROWS_WITH(root.byte_size("bare", 1, 1 << 30), "cfg.yaml:7: bare: '-1' is out of range; allowed: 1 B .. 1 GiB");
}

TEST_CASE("a range's bounds are in it whatever unit writes them") {
  // 100 ns is 1.0000000000000001e-7 s in doubles: it was refused as above 100 ns.
  YamlMap root = doc("a: 100 ns\nb: 1e2 ns\nc: 0.0001 ms\nd: 100 ps\ne: 100.1 ns\nf: 1073741825 B\n");
  const qarch::QuantityRange tck{100e-12, 100e-9};
  for (const char* key : {"a", "b", "c", "d"}) {
    CAPTURE(key);
    CHECK(root.quantity(key, qarch::Dimension::kTimeSeconds, tck) == Approx(key[0] == 'd' ? 100e-12 : 100e-9));
  }
  CHECK_THROWS_WITH(root.quantity("e", qarch::Dimension::kTimeSeconds, tck), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(root.byte_size("f", 1, 1 << 30), Catch::Contains("out of range"));  // byte bounds are exact
}

TEST_CASE("a value a digit past a range's bound is out of it, however small the digit") {
  // 1 ns past 1 s, 1 ps past 1 s and 1 B/s below 1 MB/s were accepted
  // (within a relative 1e-9 of the bound) and used as given.
  YamlMap root = doc("a: 1000000001 ns\nb: 1000000000001 ps\nc: 0.999999999 MB/s\nd: 100.0000001 TB/s\n"
                     "e: 1000 ms\nf: 1000000 KB/s\n");
  for (const char* key : {"a", "b"}) {
    CAPTURE(key);
    CHECK_THROWS_WITH(root.quantity(key, qarch::Dimension::kTimeSeconds, qarch::kMemoryLatencyRange),
                      Catch::Contains("is out of range; allowed: 0, or 1 ps .. 1 s"));
  }
  for (const char* key : {"c", "d"}) {
    CAPTURE(key);
    CHECK_THROWS_WITH(root.quantity(key, qarch::Dimension::kBandwidthBps, qarch::kMemoryBandwidthRange),
                      Catch::Contains("is out of range; allowed: 1 MB/s .. 100 TB/s"));
  }
  CHECK(root.quantity("e", qarch::Dimension::kTimeSeconds, qarch::kMemoryLatencyRange) == 1.0);
  CHECK(root.quantity("f", qarch::Dimension::kBandwidthBps, qarch::kMemoryBandwidthRange) == 1e9);
}

TEST_CASE("a quoted number or boolean is a string, refused where a number or boolean belongs") {
  YamlMap root = doc("rows: \"16\"\ncols: '16'\nratio: \"0.5\"\nflag: \"true\"\nstride: [2, \"1\"]\nsize: \"64 KiB\"\n");
  CHECK_THROWS_WITH(root.integer("rows", 1, 4096),
                    "cfg.yaml:1: rows: \"16\" is a string (quoted); allowed: integers 1..4096, written without quotes");
  CHECK_THROWS_WITH(root.integer("cols", 1, 4096, 8), Catch::StartsWith("cfg.yaml:2: cols: \"16\" is a string (quoted)"));
  CHECK_THROWS_WITH(root.number("ratio", 0.0, 1.0),
                    "cfg.yaml:3: ratio: \"0.5\" is a string (quoted); allowed: numbers 0..1, written without quotes");
  CHECK_THROWS_WITH(root.boolean("flag", false),
                    "cfg.yaml:4: flag: \"true\" is a string (quoted); allowed: true, false, written without quotes");
  CHECK_THROWS_WITH(root.integers("stride", 1, 4096, {1}), Catch::StartsWith("cfg.yaml:5: stride: \"1\" is a string (quoted)"));
  // A quantity carries a unit, so it is a string anyway: quotes are fine.
  CHECK(root.byte_size("size", 1, 1 << 30) == 65536);
}

TEST_CASE("JSON Lines take a character beyond U+FFFF escaped as a surrogate pair, as JSON writes it") {
  // Python's json.dumps writes U+1F600 as "\ud83d\ude00": it was "invalid unicode: 55357".
  const YAML::Node n = qarch::load_json_line(R"({"a": "w \ud83d\ude00!", "b": "\\ud83d\\ude00", "c": "\u00e9"})",
                                             "t.jsonl", 1, "");
  CHECK(n["a"].as<std::string>() == "w \xf0\x9f\x98\x80!");
  CHECK(n["b"].as<std::string>() == "\\ud83d\\ude00");  // escaped backslashes: text, not an escape
  CHECK(n["c"].as<std::string>() == "\xc3\xa9");
  // A lone half of a pair is no character.
  CHECK_THROWS_WITH(qarch::load_json_line(R"({"a": "\ud83d"})", "t.jsonl", 1, ""),
                    Catch::StartsWith("t.jsonl:1: malformed JSON"));
}

TEST_CASE("a name is non-empty text: an unquoted number or boolean and an empty string are refused") {
  // name: 123, name: true and name: "" were names; the reverse of a quoted "16" where a number belongs.
  YamlMap root = doc("a: 123\nb: true\nc: 0x10\nd: 1.5e3\ne: \"\"\nf: \"123\"\ng: '.inf'\nh: fc1\ni: yes\nj: .nan\n");
  CHECK_THROWS_WITH(root.name("a"), "cfg.yaml:1: a: expected text, got the integer 123 (quote it: \"123\")");
  CHECK_THROWS_WITH(root.name("b"), "cfg.yaml:2: b: expected text, got the boolean true (quote it: \"true\")");
  CHECK_THROWS_WITH(root.name("c"), "cfg.yaml:3: c: expected text, got the integer 0x10 (quote it: \"0x10\")");
  CHECK_THROWS_WITH(root.name("d"), "cfg.yaml:4: d: expected text, got the number 1.5e3 (quote it: \"1.5e3\")");
  CHECK_THROWS_WITH(root.name("e"), "cfg.yaml:5: e: is empty; a name is non-empty text");
  // Only spaces: a blank row in the summary table.
  CHECK_THROWS_WITH(doc("k: '   '\n").name("k"), "cfg.yaml:1: k: is blank (only spaces); a name is non-empty text");
  CHECK_THROWS_WITH(root.name("j"), Catch::StartsWith("cfg.yaml:10: j: expected text, got the number .nan"));
  CHECK(root.name("f") == "123");
  CHECK(root.name("g") == ".inf");
  CHECK(root.name("h") == "fc1");
  CHECK(root.name("i") == "yes");  // YAML 1.1's boolean is text in YAML 1.2
  // JSON: a JSON string, not a number or boolean.
  YamlMap json(qarch::load_json_line(R"({"n": 12, "m": "12", "b": false})", "t.jsonl", 1, ""), "t.jsonl", "");
  CHECK_THROWS_WITH(json.name("n"), "t.jsonl:1: n: expected text, got the integer 12 (quote it: \"12\")");
  CHECK_THROWS_WITH(json.name("b"), Catch::StartsWith("t.jsonl:1: b: expected text, got the boolean false"));
  CHECK(json.name("m") == "12");
}

TEST_CASE("integers reads a whole number or a list of them, each checked like an integer") {
  YamlMap root = doc("one: 3\ntwo: [2, 1]\nbad: [2, x]\nneg: [1, -1]\nempty: []\nnested: [[1]]\n");
  CHECK(root.integers("one", 1, 8, {1}) == std::vector<std::int64_t>{3});
  CHECK(root.integers("two", 1, 8, {1}) == std::vector<std::int64_t>{2, 1});
  CHECK(root.integers("absent", 1, 8, {1}) == std::vector<std::int64_t>{1});
  CHECK_THROWS_WITH(root.integers("bad", 1, 8, {1}), "cfg.yaml:3: bad: 'x' is not a whole number; allowed: integers 1..8");
  CHECK_THROWS_WITH(root.integers("neg", 0, 8, {0}), "cfg.yaml:4: neg: -1 is out of range; allowed: 0..8");
  CHECK_THROWS_WITH(root.integers("empty", 1, 8, {1}), "cfg.yaml:5: empty: expected a whole number or a list of whole numbers");
  CHECK_THROWS_WITH(root.integers("nested", 1, 8, {1}), "cfg.yaml:6: nested: expected a whole number or a list of whole numbers");
}

TEST_CASE("byte sizes are whole numbers of bytes within the key's range") {
  YamlMap root = doc("page: 0.5 B\nline: 64.5 B\nsize: 2 GiB\nburst: 16 KiB\n");
  CHECK_THROWS_WITH(root.byte_size("page", 1, 1 << 30), "cfg.yaml:1: page: '0.5 B' is not a whole number of bytes");
  CHECK_THROWS_WITH(root.byte_size("line", 1, 1 << 20), "cfg.yaml:2: line: '64.5 B' is not a whole number of bytes");
  CHECK_THROWS_WITH(root.byte_size("size", 1, 1 << 30), "cfg.yaml:3: size: '2 GiB' is out of range; allowed: 1 B .. 1 GiB");
  CHECK(root.byte_size("burst", 1, 1 << 30) == 16384);
  CHECK(root.byte_size("missing", 1, 1 << 30, 4096) == 4096);
}

TEST_CASE("a key given twice in one mapping is an error naming both lines, at any depth") {
  CHECK_THROWS_WITH(qarch::load_yaml_string("clock: 1 GHz\nclock: 2 GHz\n", "a.yaml"),
                    "a.yaml:2: clock: key given twice (first at line 1); write it once");
  CHECK_THROWS_WITH(qarch::load_yaml_string("dram:\n  preset: hbm2\n  tRCD: 14\n  preset: ddr4-2400\n", "a.yaml"),
                    "a.yaml:4: dram.preset: key given twice (first at line 2); write it once");
  CHECK_THROWS_WITH(qarch::load_yaml_string("ops:\n  - {name: a, m: 16, m: 32}\n", "w.yaml"),
                    Catch::StartsWith("w.yaml:2: ops[0].m: key given twice"));
  // The same key in different mappings is fine.
  CHECK_NOTHROW(qarch::load_yaml_string("a: {x: 1}\nb: {x: 2}\nops: [{m: 1}, {m: 2}]\n", "ok.yaml"));
}

TEST_CASE("a second YAML document is an error naming the line where it starts") {
  // yaml-cpp's Load read the first document only; the rest was silently ignored.
  CHECK_THROWS_WITH(qarch::load_yaml_string("name: a\nclock: 1 GHz\n---\nname: b\n", "a.yaml"),
                    "a.yaml:3: a second YAML document starts here; qarch reads one document per file "
                    "(remove the '---' line and merge what follows into the first)");
  CHECK_THROWS_WITH(qarch::load_yaml_string("---\nname: a\n\n---\n", "empty.yaml"),
                    Catch::StartsWith("empty.yaml:4: a second YAML document starts here"));
  CHECK_THROWS_WITH(qarch::load_yaml_string("name: a\n...\nname: b\n", "end.yaml"),
                    Catch::StartsWith("end.yaml:3: a second YAML document starts here"));
  // One document, with its start and end markers, is fine.
  CHECK(qarch::load_yaml_string("---\nname: a\n...\n", "one.yaml")["name"].Scalar() == "a");
}

TEST_CASE("integers are decimal: a leading zero or a 0x/0o prefix is an error, not octal or hex") {
  // stoll with base 0 read 010 as 8 and 0x10 as 16; JSON refuses both, YAML 1.2 reads 010 as 10.
  YamlMap root = doc("m: 010\nn: 0x10\nk: 0o10\nstride: [1, 02]\nzero: 0\nneg: -0\nten: 10\nhalf: 0.5\nsigned: -07\n");
  CHECK_THROWS_WITH(root.integer("m", 1, 4096),
                    "cfg.yaml:1: m: '010' is not a decimal integer; integers are written in decimal without leading "
                    "zeros or a 0x/0o prefix; allowed: integers 1..4096");
  CHECK_THROWS_WITH(root.integer("n", 1, 4096), Catch::StartsWith("cfg.yaml:2: n: '0x10' is not a decimal integer"));
  CHECK_THROWS_WITH(root.integer("k", 1, 4096), Catch::StartsWith("cfg.yaml:3: k: '0o10' is not a decimal integer"));
  CHECK_THROWS_WITH(root.integers("stride", 1, 8, {1}), Catch::StartsWith("cfg.yaml:4: stride: '02' is not a decimal integer"));
  CHECK_THROWS_WITH(root.integer("signed", -8, 8), Catch::StartsWith("cfg.yaml:9: signed: '-07' is not a decimal integer"));
  CHECK(root.integer("zero", 0, 8) == 0);
  CHECK(root.integer("neg", -8, 8) == 0);
  CHECK(root.integer("ten", 0, 80) == 10);
  CHECK_THROWS_WITH(root.integer("half", 0, 8), "cfg.yaml:8: half: '0.5' is not a whole number; allowed: integers 0..8");
}

TEST_CASE("malformed YAML reports the line of the fault") {
  CHECK_THROWS_WITH(qarch::load_yaml_string("a: [1, 2\nb: 3\n", "bad.yaml"), Catch::StartsWith("bad.yaml:") && Catch::Contains("malformed YAML"));
}

TEST_CASE("set overrides reach nested keys and list items, and bad paths are errors") {
  YAML::Node root = qarch::load_yaml_string("array:\n  rows: 8\nops:\n  - m: 1\n", "cfg.yaml");
  qarch::apply_override(root, "array.rows=64", "array.rows=64");
  qarch::apply_override(root, "ops.0.m=7", "array.rows=64");
  qarch::apply_override(root, "dram.latency=50 ns", "array.rows=64");
  YamlMap map(root, "cfg.yaml", "");
  CHECK(map.map("array").integer("rows", 1, 4096) == 64);
  CHECK(map.list_of_maps("ops")[0].integer("m", 1, 100) == 7);
  CHECK(map.map("dram").quantity("latency", qarch::Dimension::kTimeSeconds, qarch::kMemoryLatencyRange) == Approx(50e-9));
  // The example is the caller's: a key of its own document.
  CHECK_THROWS_WITH(qarch::apply_override(root, "novalue", "array.rows=64"),
                    "--set: novalue: expected key.path=value, e.g. --set array.rows=64");
  CHECK_THROWS_AS(qarch::apply_override(root, "ops.5.m=1", "array.rows=64"), InputError);
  // A key below a value or a list (yaml-cpp threw its own exception: exit 1).
  CHECK_THROWS_WITH(qarch::apply_override(root, "array.rows.x=1", "array.rows=64"),
                    "--set: array.rows.x: 'rows' is a value, not a section: nothing can be set below it");
  CHECK_THROWS_WITH(qarch::apply_override(root, "array.rows.x.y=1", "array.rows=64"),
                    Catch::Contains("'rows' is a value, not a section"));
  CHECK_THROWS_WITH(qarch::apply_override(root, "ops.m=1", "array.rows=64"), "--set: ops.m: 'ops' is a list: give an item's index, not 'm'");
  CHECK_THROWS_WITH(qarch::apply_override(root, "ops.0.m.k=1", "array.rows=64"), Catch::Contains("'m' is a value, not a section"));
}

TEST_CASE("a list or section written as a key is an input error at its line, not a yaml-cpp exception") {
  // yaml-cpp's own "bad conversion" escaped as an internal error (exit 1).
  CHECK_THROWS_WITH(qarch::load_yaml_string("a: 1\nb:\n  [size]: 1 MiB\n", "cfg.yaml"),
                    "cfg.yaml:3: b: a key must be a name, not a list or section; write 'name: value'");
  CHECK_THROWS_WITH(qarch::load_yaml_string("? {x: 1}\n: 2\n", "cfg.yaml"), Catch::StartsWith("cfg.yaml:1: a key must be a name"));
  YAML::Node root = qarch::load_yaml_string("a: 1\n", "cfg.yaml");
  CHECK_THROWS_WITH(qarch::apply_override(root, "cache={[size]: 1 MiB}", "a=1"),
                    "--set cache={[size]: 1 MiB}: cache: a key must be a name, not a list or section; write 'name: value'");
}

TEST_CASE("a --set value's own errors name the argument and the full key path") {
  // They named a made-up file and line ("--set cache:1: size: ...").
  YAML::Node root = qarch::load_yaml_string("a: 1\n", "cfg.yaml");
  CHECK_THROWS_WITH(qarch::apply_override(root, "cache={size: 1 MiB, size: 2 MiB}", "a=1"),
                    "--set cache={size: 1 MiB, size: 2 MiB}: cache.size: key given twice; write it once");
  CHECK_THROWS_WITH(qarch::apply_override(root, "cache={size: 1 MiB", "a=1"),
                    Catch::StartsWith("--set cache={size: 1 MiB: cache: malformed YAML: "));
}

TEST_CASE("a --set list index is digits without a leading zero, below the list's size however long") {
  YAML::Node root = qarch::load_yaml_string("ops:\n  - {m: 1}\n  - {m: 2}\n", "cfg.yaml");
  // 2^64 threw std::out_of_range from stoul (exit 1); '01' set item 1.
  CHECK_THROWS_WITH(qarch::apply_override(root, "ops.18446744073709551616.m=3", "a=1"),
                    "--set: ops.18446744073709551616.m: index 18446744073709551616 out of range (list has 2 items)");
  CHECK_THROWS_WITH(qarch::apply_override(root, "ops.99999999999999999999=3", "a=1"),
                    Catch::EndsWith("index 99999999999999999999 out of range (list has 2 items)"));
  CHECK_THROWS_WITH(qarch::apply_override(root, "ops.01.m=3", "a=1"),
                    "--set: ops.01.m: list index '01': write it without leading zeros");
  qarch::apply_override(root, "ops.1.m=3", "a=1");
  CHECK(root["ops"][1]["m"].as<int>() == 3);
  qarch::apply_override(root, "ops.0.m=4", "a=1");
  CHECK(root["ops"][0]["m"].as<int>() == 4);
}

TEST_CASE("a required section, list or key that is missing names a given key that looks like it misspelt") {
  // A misspelt section was reported only as missing (compute.systolic_arrey:
  // "compute.systolic_array: required section is missing").
  YamlMap root = doc("compute:\n  systolic_arrey: {rows: 4}\n  formatz: []\n  vector_unit: {lanes: 4}\n");
  YamlMap compute = root.map("compute");
  CHECK_THROWS_WITH(compute.map("systolic_array"),
                    "cfg.yaml:2: compute.systolic_array: required section is missing ('systolic_arrey' is given, "
                    "which is no key here: misspelt?)");
  CHECK_THROWS_WITH(compute.list_of_maps("formats"), Catch::EndsWith("required list is missing ('formatz' is given, "
                                                                     "which is no key here: misspelt?)"));
  // Nothing close: the plain message (vector_unit is no misspelling of "scratchpads").
  CHECK_THROWS_WITH(compute.map("scratchpads"), "cfg.yaml:2: compute.scratchpads: required section is missing");
}

TEST_CASE("errors about a value given with --set name the --set argument, not a line of the file") {
  YAML::Node root = qarch::load_yaml_string(
      "clock: 1 GHz\narray:\n  rows: 8\n  cols: 8\nops:\n  - {m: 1}\ndram:\n  bandwidth: 8 GB/s\n", "cfg.yaml");
  std::vector<qarch::SetArgument> sets;
  for (const char* s : {"clock=abc", "ops.0.m=-1", "dram={bandwidth: 4 GB/s}", "dram.latency=", "array.rows=2",
                        "array={rows: 3}"}) {
    sets.push_back(qarch::apply_override(root, s, "array.rows=64"));
  }
  YamlMap map(root, "cfg.yaml", "", sets);
  CHECK_THROWS_WITH(map.quantity("clock", qarch::Dimension::kFrequencyHz, {1e6, 1e11}),
                    Catch::StartsWith("--set clock=abc: clock: 'abc' is not a frequency"));
  YamlMap op = map.list_of_maps("ops")[0];
  CHECK_THROWS_WITH(op.integer("m", 1, 100), "--set ops.0.m=-1: ops[0].m: -1 is out of range; allowed: 1..100");
  // A key inside a section that --set replaced is that argument's; the last
  // argument that reached a key is its source.
  YamlMap dram = map.map("dram");
  CHECK_THROWS_WITH(dram.byte_size("bandwidth", 1, 1024),
                    Catch::StartsWith("--set dram={bandwidth: 4 GB/s}: dram.bandwidth: '4 GB/s'"));
  CHECK_THROWS_WITH(dram.quantity("latency", qarch::Dimension::kTimeSeconds, qarch::kMemoryLatencyRange, 0.0),
                    "--set dram.latency=: dram.latency: has no value; write one after the '=', or leave the key out "
                    "for the default");
  YamlMap array = map.map("array");
  CHECK_THROWS_WITH(array.integer("rows", 4, 64), "--set array={rows: 3}: array.rows: 3 is out of range; allowed: 4..64");

  YAML::Node other = qarch::load_yaml_string("clock: 1 GHz\narray:\n  rows: 8\n  cols: 8\n", "cfg.yaml");
  YamlMap partly_set(other, "cfg.yaml", "", {qarch::apply_override(other, "array.colz=4", "array.rows=64")});
  YamlMap array2 = partly_set.map("array");
  array2.integer("rows", 1, 64);
  array2.integer("cols", 1, 64);
  CHECK_THROWS_WITH(array2.finish(), "--set array.colz=4: array.colz: unknown key; allowed here: cols, rows");
  // Values the arguments did not reach keep their file line.
  CHECK_THROWS_WITH(array2.integer("cols", 16, 64), "cfg.yaml:4: array.cols: 8 is out of range; allowed: 16..64");
  // A section that --set created is all that argument's.
  YAML::Node third = qarch::load_yaml_string("clock: 1 GHz\n", "cfg.yaml");
  YamlMap created(third, "cfg.yaml", "", {qarch::apply_override(third, "cache.size=1 KiB", "array.rows=64")});
  YamlMap cache = created.map("cache");
  cache.byte_size("size", 1, 1 << 20);
  CHECK_THROWS_WITH(cache.integer("ways", 1, 16), "--set cache.size=1 KiB: cache.ways: required key is missing");
  // A required key missing beside a key not yet asked for (maybe it misspelt)
  // is reported by finish(), after the unknown keys.
  YAML::Node fourth = qarch::load_yaml_string("array:\n  rows: 8\n  colz: 8\n", "cfg.yaml");
  YamlMap typo = YamlMap(fourth, "cfg.yaml", "").map("array");
  typo.integer("rows", 1, 64);
  CHECK(typo.integer("cols", 1, 64) == 1);  // a placeholder until finish()
  CHECK_THROWS_WITH(typo.finish(), "cfg.yaml:3: array.colz: unknown key; allowed here: cols, rows");
  // `{rows:8}` is one plain scalar in YAML: the key "rows:8", without a value.
  YAML::Node no_space = qarch::load_yaml_string("array: {rows:8, cols: 8}\n", "cfg.yaml");
  YamlMap glued = YamlMap(no_space, "cfg.yaml", "").map("array");
  glued.integer("rows", 1, 64);
  glued.integer("cols", 1, 64);
  CHECK_THROWS_WITH(glued.finish(), "cfg.yaml:1: array.rows:8: unknown key; allowed here: cols, rows (YAML needs a "
                                    "space after the colon: 'rows: 8')");
  YAML::Node fifth = qarch::load_yaml_string("array:\n  rows: 8\n  dataflow: ws\n", "cfg.yaml");
  YamlMap absent = YamlMap(fifth, "cfg.yaml", "").map("array");
  absent.integer("rows", 1, 64);
  absent.integer("cols", 1, 64);
  absent.string("dataflow");
  CHECK_THROWS_WITH(absent.finish(), "cfg.yaml:2: array.cols: required key is missing");
}

TEST_CASE("a key written without a value is an error, not a silent default") {
  YamlMap root = doc("rows:\ncols: ~\nname:\nflag:\nclock:\narray:\nops:\n");
  CHECK_THROWS_WITH(root.integer("rows", 1, 4096, 8),
                    "cfg.yaml:1: rows: has no value; write one after the colon, or leave the key out for the default");
  CHECK_THROWS_WITH(root.integer("cols", 1, 4096), "cfg.yaml:2: cols: has no value; write one after the colon");
  CHECK_THROWS_WITH(root.string("name", "x"), Catch::StartsWith("cfg.yaml:3: name: has no value"));
  CHECK_THROWS_WITH(root.boolean("flag", true), Catch::StartsWith("cfg.yaml:4: flag: has no value"));
  CHECK_THROWS_WITH(root.quantity("clock", qarch::Dimension::kFrequencyHz, {1e6, 1e11}, 1e9), Catch::StartsWith("cfg.yaml:5: clock: has no value"));
  CHECK_THROWS_WITH(root.optional_map("array"), Catch::StartsWith("cfg.yaml:6: array: has no value"));
  CHECK_THROWS_WITH(root.list_of_maps("ops"), Catch::StartsWith("cfg.yaml:7: ops: has no value"));
  // Absent keys still take the fallback.
  CHECK(root.integer("depth", 1, 64, 16) == 16);
  CHECK_FALSE(root.optional_map("cache").has_value());
}

TEST_CASE("a section or list item that is not a section names its key path") {
  YamlMap root = doc("array: 8\nops:\n  - 5\n  - {m: 1}\n");
  CHECK_THROWS_WITH(root.map("array"), "cfg.yaml:1: array: expected a section (indented 'key: value' lines)");
  CHECK_THROWS_WITH(root.list_of_maps("ops"), Catch::StartsWith("cfg.yaml:3: ops[0]: expected a section"));
}

TEST_CASE("booleans are true or false, as in YAML 1.2 and JSON") {
  YamlMap root = doc("a: yes\nb: 1\nc: true\nd: false\n");
  CHECK_THROWS_WITH(root.boolean("a", false),
                    "cfg.yaml:1: a: 'yes' is not a boolean; allowed: true, false (not yes/no, on/off or 1/0)");
  CHECK_THROWS_WITH(root.boolean("b", false), Catch::StartsWith("cfg.yaml:2: b: '1' is not a boolean"));
  CHECK(root.boolean("c", false));
  CHECK_FALSE(root.boolean("d", true));
}

TEST_CASE("an error about several keys names the one the last --set argument gave, else the first given") {
  YAML::Node root = qarch::load_yaml_string("size: 1 MiB\nline: 64 B\nways: 4\n", "cfg.yaml");
  const std::vector<qarch::SetArgument> sets{qarch::apply_override(root, "ways=2", "array.rows=64"),
                                             qarch::apply_override(root, "line=1 MiB", "array.rows=64")};
  const YamlMap set(root, "cfg.yaml", "", sets);
  CHECK(set.blamed_key({"size", "line", "ways"}) == "line");
  CHECK(set.blamed_key({"size", "ways"}) == "ways");
  const YamlMap file = doc("size: 1 MiB\nline: 64 B\n");
  CHECK(file.blamed_key({"banks", "line", "size"}) == "line");
  CHECK(file.blamed_key({"banks", "ways"}).empty());
}

TEST_CASE("a value ending in ':' is that text where a string belongs, and an error where a number does") {
  // YAML reads "--set key=a:b:" as a section {a:b: null}.
  YAML::Node root = qarch::load_yaml_string("name: x\n", "cfg.yaml");
  std::vector<qarch::SetArgument> sets{qarch::apply_override(root, "name=ro:ba:", "array.rows=64"),
                                       qarch::apply_override(root, "rows=3:", "array.rows=64")};
  YamlMap map(root, "cfg.yaml", "", sets);
  CHECK(map.string("name") == "ro:ba:");
  CHECK_THROWS_WITH(map.integer("rows", 1, 8),
                    "--set rows=3:: rows: '3:' ends with ':', which YAML reads as a section; expected a single value");
}

// `qarch numerics` end to end: run the built binary, check stdout, files and exit codes.
// Golden values: [OFP8] OCP 8-bit FP spec Table 1; [MX] OCP MX v1.0; [ONNX] onnx/onnx
// docs/Operators.md QLinearMatMul and MatMulInteger examples.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/support/run_qarch.h"

#include "tests/numerics/npy_bytes.h"

namespace {

struct Run {
  int exit_code;
  std::string output;  // stdout and stderr
};

Run run_cli(const std::string& args) {
  const qarch::test::CommandResult r = qarch::test::run_qarch(args);
  return {r.exit_code, r.out + r.err};
}

std::string temp_path(const std::string& name) {
  static const std::string dir = qarch::test::make_temp_dir();
  return dir + "/" + name;
}

// Bad input: exit 2 with the message, and no output file written.
void check_refused(const std::string& args, const std::string& message, const std::string& out_path) {
  const Run r = run_cli(args);
  INFO(args << "\n" << r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(message) != std::string::npos);
  CHECK(!std::ifstream(out_path).good());
}

// `qarch numerics ARGS` fails with exit code 2, nothing on stdout and one line on stderr:
// `qarch: error: ` and then `message` (all of it, or its start).
void check_input_error(const std::string& args, const std::string& message) {
  INFO(args);
  const qarch::test::CommandResult r = qarch::test::run_qarch("numerics " + args);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("qarch: error: " + message));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}



}  // namespace

using qarch::test::read_file;
using qarch::test::write_file;

TEST_CASE("numerics table prints every code with NaN and Inf as strings") {
  const Run e4m3 = run_cli("numerics table fp8-e4m3 --json");
  REQUIRE(e4m3.exit_code == 0);
  const nlohmann::json t = nlohmann::json::parse(e4m3.output);
  REQUIRE(t.size() == 256);
  CHECK(t[0] == nlohmann::json({{"code", 0}, {"value", 0.0}}));
  CHECK(t[1]["value"] == std::ldexp(1.0, -9));  // min subnormal S.0000.001 [OFP8]
  CHECK(t[0x7E]["value"] == 448.0);             // max normal S.1111.110 [OFP8]
  CHECK(t[0x7F]["value"] == "nan");             // S.1111.111 [OFP8]
  CHECK(t[0xFE]["value"] == -448.0);
  const nlohmann::json t52 = nlohmann::json::parse(run_cli("numerics table fp8-e5m2 --json").output);
  CHECK(t52[0x7C]["value"] == "inf");
  CHECK(t52[0xFC]["value"] == "-inf");
  CHECK(t52[0x7B]["value"] == 57344.0);
  const nlohmann::json fp4 = nlohmann::json::parse(run_cli("numerics table fp4-e2m1 --json").output);
  CHECK(fp4.size() == 16);
  CHECK(fp4[7]["value"] == 6.0);  // [MX] FP4 max normal
  const Run wide = run_cli("numerics table fp16 --json");
  CHECK(wide.exit_code == 2);
  CHECK(wide.output.find("at most 8 bits") != std::string::npos);
}

TEST_CASE("numerics info prints ranges, and block size and scale format for block formats") {
  const Run r = run_cli("numerics info fp8-e5m2 --json");
  REQUIRE(r.exit_code == 0);
  const nlohmann::json i = nlohmann::json::parse(r.output);
  CHECK(i["max"] == 57344.0);
  CHECK(i["min_normal"] == std::ldexp(1.0, -14));
  CHECK(i["min_subnormal"] == std::ldexp(1.0, -16));
  CHECK(i["bits"] == 8);
  const nlohmann::json mx = nlohmann::json::parse(run_cli("numerics info mxfp4 --json").output);
  CHECK(mx["block_size"] == 32);
  CHECK(mx["scale_format"] == "e8m0");
  CHECK(mx["effective_bits_per_element"] == 4.25);
  CHECK(mx["element_max"] == 6.0);
  const nlohmann::json nv = nlohmann::json::parse(run_cli("numerics info nvfp4 --json").output);
  CHECK(nv["block_size"] == 16);
  CHECK(nv["scale_format"] == "fp8-e4m3");
  const Run unknown = run_cli("numerics info fp9");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output.find("qarch: error: unknown number format 'fp9'") != std::string::npos);
}

TEST_CASE("numerics encode/decode/quantize from the command line") {
  const nlohmann::json e = nlohmann::json::parse(run_cli("numerics encode fp8-e4m3 464 -1.0 --json").output);
  CHECK(e[0]["code"] == 0x7E);  // tie between 448 and 480 goes to even 448
  CHECK(e[1]["code"] == 0xB8);
  const Run strict = run_cli("numerics encode fp8-e4m3 500 --overflow error");
  CHECK(strict.exit_code == 2);
  CHECK(strict.output.find("saturation off") != std::string::npos);
  const nlohmann::json d = nlohmann::json::parse(run_cli("numerics decode fp8-e5m2 0x7C 0b00000001 --json").output);
  CHECK(d[0]["value"] == "inf");
  CHECK(d[1]["value"] == std::ldexp(1.0, -16));
  CHECK(run_cli("numerics decode int4 16").exit_code == 2);
  CHECK(run_cli("numerics encode int8 abc").exit_code == 2);
  const Run huge = run_cli("numerics encode fp8-e4m3 1e400");
  CHECK(huge.exit_code == 2);
  CHECK(huge.output.find("'1e400' overflows a double") != std::string::npos);
  // Below the smallest double the input is the nearest double, 0 here.
  CHECK(nlohmann::json::parse(run_cli("numerics encode fp8-e4m3 1e-400 --json").output)[0]["code"] == 0);
  CHECK(run_cli("numerics quantize mxfp4 0.3 -1.7 5 12").exit_code == 2);  // 4 values, block of 32
  // a 32-element MXFP4 block: scale 2^1, elements 0, -1.0, 2 (tie), 6 [MX 6.3]
  std::string values = "0.3 -1.7 5 12";
  for (int i = 4; i < 32; ++i) values += " 0";
  const Run mx = run_cli("numerics quantize mxfp4 " + values + " --json");
  REQUIRE(mx.exit_code == 0);
  const nlohmann::json m = nlohmann::json::parse(mx.output);
  CHECK(m["scale_codes"][0] == 128);
  CHECK(m["codes"][1] == 0xA);
  CHECK(m["codes"][2] == 0x4);
  CHECK(m["effective_bits_per_element"] == 4.25);
  const Run bad_group = run_cli("numerics quantize int4 1 2 3 --granularity per-group --group-size 2");
  CHECK(bad_group.exit_code == 2);
  CHECK(bad_group.output.find("does not divide") != std::string::npos);
}

TEST_CASE("numerics matmul runs QLinearMatMul and MatMulInteger on .npy files [ONNX]") {
  const std::string a = temp_path("a.npy"), b = temp_path("b.npy"), y = temp_path("y.npy");
  write_file(a, npy_test::npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 4), }",
                                    npy_test::bytes_of({208, 236, 0, 238, 3, 214, 255, 29})));
  write_file(b, npy_test::npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (4, 3), }",
                                    npy_test::bytes_of({152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247})));
  const Run r = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y +
                      " --a-scale 0.0066 --a-zero-point 113 --b-scale 0.00705 --b-zero-point 114"
                      " --y-scale 0.0107 --y-zero-point 118");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("SQNR") != std::string::npos);
  const std::string out = read_file(y);
  CHECK(out.find("'descr': '|u1'") != std::string::npos);
  CHECK(out.find("'shape': (2, 3)") != std::string::npos);
  CHECK(out.substr(out.size() - 6) == npy_test::bytes_of({168, 115, 255, 1, 66, 151}));

  write_file(a, npy_test::npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (4, 3), }",
                                    npy_test::bytes_of({11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0})));
  write_file(b, npy_test::npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 2), }",
                                    npy_test::bytes_of({1, 4, 2, 5, 3, 6})));
  const Run mi = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --a-zero-point 12");
  REQUIRE(mi.exit_code == 0);
  const std::string out2 = read_file(y);
  CHECK(out2.find("'descr': '<i4'") != std::string::npos);
  CHECK(out2.substr(out2.size() - 32) == npy_test::le_int32({-38, -83, -44, -98, -50, -113, -56, -128}));
  // Zero-points are decimal, as every integer option: "012" is not octal 10.
  const Run octal = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --a-zero-point 012");
  CHECK(octal.exit_code == 2);
  CHECK(octal.output.find("--a-zero-point: '012' is not a whole number in decimal (no leading 0)") != std::string::npos);
  const Run plus = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --a-zero-point +12");
  REQUIRE(plus.exit_code == 0);
  CHECK(read_file(y) == out2);
  const Run huge = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --b-zero-point=-2147483649");
  CHECK(huge.exit_code == 2);
  CHECK(huge.output.find("-2147483649 is out of range; allowed: -2147483648..2147483647") != std::string::npos);

  write_file(b, npy_test::npy_bytes("{'descr': '|u1', 'fortran_order': True, 'shape': (3, 2), }",
                                    npy_test::bytes_of({1, 4, 2, 5, 3, 6})));
  const Run fortran = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y);
  CHECK(fortran.exit_code == 2);
  CHECK(fortran.output.find("fortran_order") != std::string::npos);
  const Run partial = run_cli("numerics matmul --a " + a + " --b " + a + " --out " + y + " --a-scale 0.5");
  CHECK(partial.exit_code == 2);
  CHECK(partial.output.find("needs all of") != std::string::npos);
}

TEST_CASE("numerics matmul --format runs float and block-format GEMMs on float32 .npy files") {
  const std::string a = temp_path("fa.npy"), b = temp_path("fb.npy"), y = temp_path("fy.npy");
  // [OFP8] E5M2 holds 2048 and 1 exactly. fp16 accumulation in k order: 2048 + 1 is a tie
  // (ulp 2) -> 2048, twice; fp32 keeps 2050. SQNR = 20 log10(2050 / 2) = 60.21 dB.
  write_file(a, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }",
                                    npy_test::le_float32({2048, 1, 1})));
  write_file(b, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 1), }",
                                    npy_test::le_float32({1, 1, 1})));
  const Run fp16 = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp8-e5m2 --acc fp16");
  INFO(fp16.output);
  REQUIRE(fp16.exit_code == 0);
  CHECK(fp16.output.find("SQNR 60.21 dB") != std::string::npos);
  std::string out = read_file(y);
  CHECK(out.find("'descr': '<f4'") != std::string::npos);
  CHECK(out.substr(out.size() - 4) == npy_test::le_float32({2048}));
  // E8M0 (OCP MX 1.0 5.4.1) is unsigned with no zero: a scale format, not an element format.
  std::remove(y.c_str());
  check_refused("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp8-e5m2 --b-format e8m0",
                "--format e8m0 is a scale format (unsigned powers of two, no zero), not an element format", y);
  const Run fp32 = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp8-e5m2 --acc fp32");
  REQUIRE(fp32.exit_code == 0);
  out = read_file(y);
  CHECK(out.substr(out.size() - 4) == npy_test::le_float32({2050}));
  CHECK(fp32.output.find("SQNR inf dB") != std::string::npos);

  // bad input: an accumulator without IEEE Inf, a block that does not divide K, float input without --format
  const Run acc = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp8-e4m3 --acc fp8-e4m3");
  CHECK(acc.exit_code == 2);
  CHECK(acc.output.find("qarch: error: accumulator 'fp8-e4m3' must be a float format with IEEE Inf/NaN") != std::string::npos);
  const Run mx = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format mxfp8-e4m3");
  CHECK(mx.exit_code == 2);
  CHECK(mx.output.find("does not divide") != std::string::npos);
  const Run no_format = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y);
  CHECK(no_format.exit_code == 2);
  CHECK(no_format.output.find("need --format") != std::string::npos);

  // MXFP8 E4M3, K = 32, exactly representable inputs: the block dot is exact -> 1*1 + ... = 32 * 0.5 = 16
  std::vector<float> ones(32, 1.0f), halves(32, 0.5f);
  write_file(a, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 32), }", npy_test::le_float32(ones)));
  write_file(b, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (32, 1), }", npy_test::le_float32(halves)));
  const Run block = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format mxfp8-e4m3");
  INFO(block.output);
  REQUIRE(block.exit_code == 0);
  out = read_file(y);
  CHECK(out.substr(out.size() - 4) == npy_test::le_float32({16}));
  CHECK(run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format mxfp4 --b-format nvfp4").exit_code == 2);
}

TEST_CASE("numerics matmul says when NVFP4 partial sums overflow an fp16 accumulator [NV]") {
  const std::string a = temp_path("ova.npy"), b = temp_path("ovb.npy"), y = temp_path("ovy.npy");
  // NVFP4 preset on ones(1x16) and ones(16x1): tensor scale t = fp32(1 / (6 * 448)), block scale
  // E4M3(1 / 6 / t) = 448, elements FP4(1 / (448 t)) = 6. Block sum 16 * 6 * 6 * 448 * 448 = 115605504
  // > 65504 (fp16 max) -> +Inf before the tensor scales t_a * t_b = 1 / 2688^2 are applied; the
  // float64 product is 16. 2688^2 = 7225344.
  write_file(a, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 16), }",
                                    npy_test::le_float32(std::vector<float>(16, 1.0f))));
  write_file(b, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (16, 1), }",
                                    npy_test::le_float32(std::vector<float>(16, 1.0f))));
  const Run r = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format nvfp4 --acc fp16");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string out = read_file(y);
  CHECK(out.substr(out.size() - 4) == npy_test::le_float32({INFINITY}));
  CHECK(r.output.find("note: 1 of 1 outputs are inf or nan although the float64 product is finite: the fp16 "
                      "accumulator (largest finite 65504) overflowed; NVFP4 partial sums carry only the block scales") !=
        std::string::npos);
  CHECK(r.output.find("so partial sums are 7.225e+06 times the outputs") != std::string::npos);
  // fp32 holds the block sum: no note
  const Run fp32 = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format nvfp4 --acc fp32");
  REQUIRE(fp32.exit_code == 0);
  CHECK(fp32.output.find("note:") == std::string::npos);
}

TEST_CASE("numerics matmul reports NaN outputs as NaN, not as a 0 error") {
  const std::string a = temp_path("na.npy"), b = temp_path("nb.npy"), y = temp_path("ny.npy");
  // [OFP8] E5M2 has NaN codes, so a NaN input stays NaN: NaN * 1 + 1 * 1 is NaN in any accumulator.
  write_file(a, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                                    npy_test::le_float32({NAN, 1})));
  write_file(b, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }",
                                    npy_test::le_float32({1, 1})));
  const Run r = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp8-e5m2");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("SQNR nan dB, max abs error nan (1 of 1 outputs are NaN)") != std::string::npos);
  // An Inf input saturates to 448 in fp8-e4m3 while the float64 reference stays inf: SQNR nan
  // (inf / inf), error inf. It printed "SQNR -nan dB".
  write_file(a, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                                    npy_test::le_float32({INFINITY, 1})));
  const Run inf = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp8-e4m3");
  INFO(inf.output);
  REQUIRE(inf.exit_code == 0);
  CHECK(inf.output.find("SQNR nan dB, max abs error inf") != std::string::npos);
}

TEST_CASE("numerics matmul takes per-row / per-column QLinearMatMul scales [ONNX opset 21]") {
  const std::string a = temp_path("qa.npy"), b = temp_path("qb.npy"), y = temp_path("qy.npy");
  // hand-derived in test_tflite_kernels.cpp: A - zp rows [10, 20], [20, 30]; B - zp columns [0, 2], [2, 4];
  // acc [[40, 100], [60, 160]] * a_scale_i * b_scale_j = [[20, 100], [15, 80]]
  write_file(a, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", npy_test::bytes_of({10, 20, 30, 40})));
  write_file(b, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", npy_test::bytes_of({1, 2, 3, 4})));
  const Run r = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y +
                      " --a-scale 0.5,0.25 --a-zero-point 0,10 --b-scale 1,2 --b-zero-point 1,0 --y-scale 1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string out = read_file(y);
  CHECK(out.substr(out.size() - 4) == npy_test::bytes_of({20, 100, 15, 80}));
  const Run bad = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --a-scale 0.5,0.25,1 --b-scale 1 --y-scale 1");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("allowed: 1 (per tensor), 2 (per row)") != std::string::npos);
}

TEST_CASE("numerics matmul refuses outputs too large to hold, before allocating them") {
  const std::string a = temp_path("ha.npy"), b = temp_path("hb.npy"), y = temp_path("hy.npy");
  // Broadcast batches: (100000, 1, 1, 1) x (1, 100000, 1, 1) -> 10^10 int32 outputs (40 GB).
  write_file(a, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (100000, 1, 1, 1), }",
                                    std::string(100000, '\1')));
  write_file(b, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (1, 100000, 1, 1), }",
                                    std::string(100000, '\1')));
  check_refused("numerics matmul --a " + a + " --b " + b + " --out " + y,
                "qarch: error: matmul: the output [100000, 100000, 1, 1] has 10000000000 elements; at most 67108864 "
                "(2^26) are computed",
                y);
  // A 2-D float32 GEMM (100000, 1) x (1, 100000) -> 10^10 outputs.
  write_file(a, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 1), }",
                                    npy_test::le_float32(std::vector<float>(100000, 1.0f))));
  write_file(b, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 100000), }",
                                    npy_test::le_float32(std::vector<float>(100000, 1.0f))));
  check_refused("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp32",
                "qarch: error: matmul: the output [100000, 100000] has 10000000000 elements", y);
}

TEST_CASE("numerics matmul refuses QLinearMatMul scales whose multiplier overflows float32") {
  const std::string a = temp_path("ma.npy"), b = temp_path("mb.npy"), y = temp_path("my.npy");
  write_file(a, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", npy_test::bytes_of({0, 0, 1, -1})));
  write_file(b, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", npy_test::bytes_of({1, 1, 1, 1})));
  // Before: exit 0 and a file of zeros (0 * inf = NaN cast to int8).
  check_refused("numerics matmul --a " + a + " --b " + b + " --out " + y + " --a-scale 1e30 --b-scale 1e30 --y-scale 1",
                "qarch: error: the requantization multiplier a_scale * b_scale / y_scale = 1e+30 * 1e+30 / 1 overflows "
                "float32",
                y);
  check_refused("numerics matmul --a " + a + " --b " + b + " --out " + y +
                    " --a-scale 1 --b-scale 1 --y-scale 1e-39 --y-zero-point 5",
                "overflows float32 (largest 3.40282e+38)", y);
}

TEST_CASE("numerics matmul runs MatMulInteger with per-row / per-column zero-points [ONNX]") {
  const std::string a = temp_path("za.npy"), b = temp_path("zb.npy"), y = temp_path("zy.npy");
  // By hand: A - [1, 2] per row = [[0, 1, 2], [2, 3, 4]]; B - [3, -1] per column = [[-2, 1], [-3, 2], [-2, 2]];
  // Y = [[-7, 6], [-21, 16]].
  write_file(a, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }",
                                    npy_test::bytes_of({1, 2, 3, 4, 5, 6})));
  write_file(b, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (3, 2), }",
                                    npy_test::bytes_of({1, 0, 0, 1, 1, 1})));
  const Run r = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --a-zero-point 1,2 --b-zero-point 3,-1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string out = read_file(y);
  CHECK(out.find("'descr': '<i4'") != std::string::npos);
  CHECK(out.substr(out.size() - 16) == npy_test::le_int32({-7, 6, -21, 16}));
  const Run bad = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --a-zero-point 1,2,3");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("qarch: error: A: 3 zero-points; allowed: 1 (per tensor), 2 (per row)") != std::string::npos);
}

TEST_CASE("numerics matmul refuses empty items in comma-separated scales and zero-points, naming them") {
  const std::string a = temp_path("la.npy"), b = temp_path("lb.npy"), y = temp_path("ly.npy");
  write_file(a, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", npy_test::bytes_of({1, 2, 3, 4})));
  write_file(b, npy_test::npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", npy_test::bytes_of({1, 0, 0, 1})));
  const std::string run = "numerics matmul --a " + a + " --b " + b + " --out " + y;
  // Before: the empty items were dropped ("0.5,,0.5" ran as two scales), and "--a-scale ," took the
  // next arguments: "Could not convert: --a-scale = --b-scale,1".
  const std::pair<std::string, std::string> cases[] = {
      {" --a-scale 0.5,,0.5 --b-scale 1 --y-scale 1", "qarch: error: --a-scale '0.5,,0.5': item 2 is empty"},
      {" --a-scale 1 --b-scale ,0.5, --y-scale 1", "qarch: error: --b-scale ',0.5,': item 1 is empty"},
      {" --a-zero-point 1,", "qarch: error: --a-zero-point '1,': item 2 is empty"},
      {" --a-scale , --b-scale 1 --y-scale 1", "qarch: error: --a-scale ',': item 1 is empty"},
      {" --a-scale 1 --b-scale 1 --y-scale 1 --b-zero-point 0,,", "qarch: error: --b-zero-point '0,,': item 2 is empty"},
      {" --a-scale 0.5,x --b-scale 1 --y-scale 1", "qarch: error: --a-scale: 'x' is not a number"},
      {" --a-scale 1e39 --b-scale 1 --y-scale 1", "qarch: error: --a-scale: 1e39 is outside float32 (largest 3.40282e+38)"},
      {" --a-zero-point 1,012", "qarch: error: --a-zero-point: '012' is not a whole number in decimal"},
  };
  for (const auto& [options, message] : cases) check_refused(run + options, message, y);
  // Whole lists still work: per-row zero-points [1, 2] and scales [0.5, 0.25]. By hand:
  // A - zp = [[0, 1], [1, 2]]; times B = identity -> acc [[0, 1], [1, 2]]; * [0.5, 0.25] per row -> [[0, 0.5], [0.25, 0.5]],
  // / y_scale 0.25 -> [[0, 2], [1, 2]].
  const Run ok = run_cli(run + " --a-scale 0.5,0.25 --a-zero-point 1,2 --b-scale 1 --y-scale 0.25");
  INFO(ok.output);
  REQUIRE(ok.exit_code == 0);
  const std::string out = read_file(y);
  CHECK(out.substr(out.size() - 4) == npy_test::bytes_of({0, 2, 1, 2}));
}

TEST_CASE("numerics matmul --format reports the float32 values it writes when the accumulator reaches beyond float32") {
  const std::string a = temp_path("wa.npy"), b = temp_path("wb.npy"), y = temp_path("wy.npy");
  // e8m23-b0 (bias 0) reaches 2^255 = 5.8e76: 1e38 * 1e38 = 1e76 fits the accumulator, but float32
  // (max 3.4e38) holds inf. The float64 product is finite, so the error is infinite: SQNR -inf dB.
  // Before: "SQNR 44.22 dB" describing the accumulator value, with inf in the file.
  write_file(a, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", npy_test::le_float32({1e38f})));
  write_file(b, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", npy_test::le_float32({1e38f})));
  const Run big = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format bf16 --acc e8m23-b0");
  INFO(big.output);
  REQUIRE(big.exit_code == 0);
  std::string out = read_file(y);
  CHECK(out.substr(out.size() - 4) == npy_test::le_float32({INFINITY}));
  CHECK(big.output.find("SQNR -inf dB, max abs error inf") != std::string::npos);
  CHECK(big.output.find("note: 1 of 1 outputs of the e8m23-b0 accumulator do not fit the float32 file: 1 overflowed "
                        "to inf (float32 max 3.40282e+38); the SQNR and max abs error above are of the float32 values "
                        "written") != std::string::npos);
  // e8m23-b250 goes down to 2^-249: 1e-30 * 1e-30 = 1e-60 fits it, float32 (smallest subnormal 1.4e-45)
  // rounds it to 0, so the whole output is error: SQNR 10 log10(1) = 0 dB. Before: "SQNR 150.15 dB".
  write_file(a, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", npy_test::le_float32({1e-30f})));
  write_file(b, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", npy_test::le_float32({1e-30f})));
  const Run small = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp32 --acc e8m23-b250");
  INFO(small.output);
  REQUIRE(small.exit_code == 0);
  out = read_file(y);
  CHECK(out.substr(out.size() - 4) == npy_test::le_float32({0.0f}));
  CHECK(small.output.find("SQNR 0.00 dB") != std::string::npos);
  CHECK(small.output.find("1 below float32's normal range (1.17549e-38) rounded to a subnormal or 0") != std::string::npos);
  // fp32 accumulation: every output fits, no note.
  const Run fp32 = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp32");
  INFO(fp32.output);
  REQUIRE(fp32.exit_code == 0);
  CHECK(fp32.output.find("note:") == std::string::npos);
}

TEST_CASE("numerics matmul --format: element formats carry a NaN input, block formats refuse it naming where it is") {
  const std::string a = temp_path("xa.npy"), b = temp_path("xb.npy"), y = temp_path("xy.npy");
  std::vector<float> column(32, 1.0f);
  column[1] = NAN;
  write_file(a, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 32), }",
                                    npy_test::le_float32(std::vector<float>(32, 1.0f))));
  write_file(b, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (32, 1), }", npy_test::le_float32(column)));
  // [OFP8] E4M3 has NaN (S.1111.111): 1 * NaN makes the output NaN.
  const Run element = run_cli("numerics matmul --a " + a + " --b " + b + " --out " + y + " --format fp8-e4m3");
  INFO(element.output);
  REQUIRE(element.exit_code == 0);
  CHECK(element.output.find("(1 of 1 outputs are NaN)") != std::string::npos);
  // Before: "value nan at [0, 1] is not finite" (the coordinates of B transposed) while the docs said
  // NaN propagates through MXFP8 blocks.
  const std::string y2 = temp_path("xy2.npy");
  check_refused("numerics matmul --a " + a + " --b " + b + " --out " + y2 + " --format mxfp8-e4m3",
                "qarch: error: B[1, 0] is nan: the block format mxfp8-e4m3 takes finite inputs", y2);
}

TEST_CASE("numerics encode and decode print nothing when any value is bad") {
  // The lines of the values before the bad one were printed, then the error.
  for (const char* args : {"numerics encode fp8-e4m3 1 2 abc", "numerics decode fp32 1 2 4294967296",
                          "numerics encode --json fp8-e4m3 1 abc"}) {
    INFO(args);
    const auto r = qarch::test::run_qarch(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  const auto ok = qarch::test::run_qarch("numerics encode fp8-e4m3 1 nan");
  CHECK(ok.out == "1 -> 0x38 0b00111000 = 1\nnan -> 0x7F 0b01111111 = nan\n");
}

TEST_CASE("numerics quantize refuses options that conflict or do not apply, naming them") {
  // Each of these ran, ignoring an option: per-tensor, the MX preset, the file reshaped, -fn winning.
  const std::string in = qarch::test::make_temp_dir() + "/x.npy";
  write_file(in, npy_test::npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 5), }",
                                     npy_test::le_float32(std::vector<float>(20, 1.0f))));
  const std::pair<std::string, std::string> cases[] = {
      {"quantize --group-size 2 int4 1 2 3 4",
       "--group-size conflicts with --granularity per-tensor; it applies to --granularity per-group only"},
      {"quantize --granularity per-tensor --block 2x2 int4 1 2 3 4",
       "--block conflicts with --granularity per-tensor; it applies to --granularity per-block only"},
      {"quantize --channel-axis 1 int4 1 2 3 4", "--channel-axis conflicts with --granularity per-tensor"},
      {"quantize --granularity per-group --group-size 2 mxfp4 1 2 3 4",
       "--granularity conflicts with the block format mxfp4, which fixes its block of 32 and its e8m0 scales"},
      {"quantize --scale-format fp16 nvfp4 1 2 3 4", "--scale-format conflicts with the block format nvfp4"},
      {"quantize --in " + in + " --shape 5x4 int8", "--shape conflicts with --in"},
      {"encode e5m2-ieee-fn 1", "number format 'e5m2-ieee-fn' gives both -ieee and -fn; give at most one of -ieee, -fn, -finite"},
  };
  for (const auto& [args, expected] : cases) check_input_error(args, expected);
  CHECK(qarch::test::run_qarch("numerics quantize --granularity per-group --group-size 2 int4 1 2 3 4").exit_code == 0);
  CHECK(qarch::test::run_qarch("numerics quantize --in " + in + " int8").exit_code == 0);
}

TEST_CASE("numerics quantize refuses the scale format e8m0 as an element format, and info calls it a scale") {
  // quantize e8m0 gave dequantized [6.9e-77, 2.0, 6.9e-77] for -1 2 0: signs and zero lost.
  check_input_error("quantize e8m0 --json -- -1 2 0",
                    "'e8m0' is a scale format (unsigned powers of two, no zero), not an element format; elements are "
                    "an integer (int8, uint4, ...) or float format");
  CHECK(nlohmann::json::parse(run_cli("numerics info e8m0 --json").output)["kind"] == "scale");
  CHECK(run_cli("numerics quantize fp8-e4m3 --scale-format e8m0 1 2").exit_code == 0);
}

TEST_CASE("numerics quantize writes infinities and NaN as the strings table and encode use, never null") {
  // Both printed "dequantized":[null,1.0] and "max_abs_error":null.
  // e8m0 scale 2^(floor(log2 122880) - emax E5M2) = 2^(16 - 15) = 2; -122880 / 2 = -61440 is the tie between
  // 57344 (0x7B, odd) and 65536 (even), which overflows to -Inf without saturation [OFP8].
  const Run inf = run_cli("numerics quantize fp8-e5m2 --scale-format e8m0 --overflow inf-nan --json -- -122880 1");
  REQUIRE(inf.exit_code == 0);
  const nlohmann::json i = nlohmann::json::parse(inf.output);
  CHECK(i["codes"] == nlohmann::json({0xFC, 0x38}));  // 1 / 2 = 0.5 = 2^(14 - 15)
  CHECK(i["dequantized"] == nlohmann::json({"-inf", 1.0}));
  CHECK(i["max_abs_error"] == "inf");
  // scale 2^(8 - 8) = 1; 500 is above the E4M3 rounding limit 464, so NaN [OFP8]
  const nlohmann::json n = nlohmann::json::parse(
      run_cli("numerics quantize fp8-e4m3 --scale-format e8m0 --overflow inf-nan --json -- 500 1").output);
  CHECK(n["dequantized"] == nlohmann::json({"nan", 1.0}));
  CHECK(n["max_abs_error"] == "nan");
  const Run text = run_cli("numerics quantize fp8-e5m2 --scale-format e8m0 --overflow inf-nan -- -122880 1");
  CHECK(text.output.find("null") == std::string::npos);
  CHECK(text.output.find("[\"-inf\",1.0]") != std::string::npos);
}

TEST_CASE("numerics quantize reports scales clamped to their format's range") {
  // Silent before: 1e7 became 8319008 (fp16 scale clamped to 65504) with no word.
  const nlohmann::json j = nlohmann::json::parse(run_cli("numerics quantize int8 --scale-format fp16 --json -- 1e7 -3").output);
  CHECK(j["scales"] == nlohmann::json({65504.0}));
  CHECK(j["scales_clamped_to_max"] == 1);
  CHECK(j["scales_clamped_to_min"] == 0);
  const Run text = run_cli("numerics quantize int8 --scale-format fp8-e4m3 -- 1e6 1");  // 1e6 / 127 > 448
  CHECK(text.exit_code == 0);
  CHECK(text.output.find("note: 1 scale(s) clamped to the largest value of their format (amax / element max is above "
                         "it): values above that scale times the element max saturate\n") != std::string::npos);
  std::string tiny;
  for (int i = 0; i < 16; ++i) tiny += " 1e-44";
  const Run nv = run_cli("numerics quantize nvfp4" + tiny);
  CHECK(nv.output.find("note: 1 scale(s) raised to the smallest positive value of their format") != std::string::npos);
  CHECK(run_cli("numerics quantize int8 1 2").output.find("note:") == std::string::npos);
}

TEST_CASE("numerics encode and quantize explain a value read as an option, and take values after --") {
  // encode fp8-e4m3 -inf said "values is required"; an unknown option was "not expected".
  const std::pair<std::string, std::string> cases[] = {
      {"encode fp8-e4m3 -inf", "'-inf' was read as an option: when a value starts with '-', put -- before the first "
                               "value (qarch numerics encode FORMAT -- -inf ...)"},
      {"quantize int8 1 -nan", "'-nan' was read as an option: when a value starts with '-', put -- before the first "
                               "value (qarch numerics quantize FORMAT -- -nan ...)"},
      {"encode fp8-e4m3 --bogus 1", "'--bogus' is not an option of qarch numerics encode; see qarch numerics encode --help"},
      {"encode fp8-e4m3", "no values: give one or more, e.g. qarch numerics encode fp8-e4m3 1.5"},
  };
  for (const auto& [args, expected] : cases) check_input_error(args, expected);
  // -inf saturates to -448 (0xFE) [OFP8]
  CHECK(qarch::test::run_qarch("numerics encode fp8-e4m3 -- -inf -2").out ==
        "-inf -> 0xFE 0b11111110 = -448\n-2 -> 0xC0 0b11000000 = -2\n");
  CHECK(qarch::test::run_qarch("numerics quantize int8 -- -1 1").exit_code == 0);
  CHECK(qarch::test::run_qarch("numerics encode --help").out.find("put -- before the first value") != std::string::npos);
}

TEST_CASE("numerics info refuses --list with a format") {
  // info fp4-e2m1 --list printed the list and ignored the format.
  check_input_error("info fp4-e2m1 --list",
                    "--list lists every format and describes none: give either --list or the format 'fp4-e2m1', not both\n");
  CHECK(qarch::test::run_qarch("numerics info --list").out.find("fp4-e2m1\n") != std::string::npos);
}

TEST_CASE("numerics encode and quantize refuse --seed without stochastic rounding") {
  // encode fp8-e4m3 1.03 --seed 5 ran with the seed ignored.
  check_input_error("encode fp8-e4m3 1.03 --seed 5",
                    "--seed needs --rounding stochastic (the rounding is nearest-even, which draws no random numbers)\n");
  check_input_error("quantize int8 1 2 --seed 5 --rounding toward-zero",
                    "--seed needs --rounding stochastic (the rounding is toward-zero, which draws no random numbers)\n");
  CHECK(qarch::test::run_qarch("numerics encode fp8-e4m3 1.03 --seed 5 --rounding stochastic").exit_code == 0);
}

TEST_CASE("numerics names the accepted bias range for a generic minifloat's bias out of range") {
  // Both said "unknown number format" with the whole usage.
  for (const std::string bias : {"1000", "-1"}) {
    check_input_error("info e4m3-b" + bias,
                      "number format 'e4m3-b" + bias + "': the bias after -b must be a whole number 0..999 (got '" + bias + "')\n");
  }
}

TEST_CASE("numerics info leaves out min_subnormal for formats without subnormals") {
  // e3m0, e8m0 and int8 reported min_subnormal 0.0, which is no subnormal.
  for (const char* format : {"e3m0", "e8m0", "int8"}) {
    INFO(format);
    const Run json = run_cli(std::string("numerics info --json ") + format);
    REQUIRE(json.exit_code == 0);
    CHECK_FALSE(nlohmann::json::parse(json.output).contains("min_subnormal"));
    CHECK(run_cli(std::string("numerics info ") + format).output.find("min_subnormal") == std::string::npos);
  }
  CHECK_FALSE(nlohmann::json::parse(run_cli("numerics info --json mxint8").output).contains("element_min_subnormal"));
  CHECK(nlohmann::json::parse(run_cli("numerics info --json mxfp4").output)["element_min_subnormal"] == 0.5);  // [MX] FP4 0.0.1
  CHECK(run_cli("numerics info fp8-e4m3").output.find("min_subnormal") != std::string::npos);
}

// qarch dram / qarch cache end to end: the built binary, its stdout and exit code.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/run_qarch.h"

namespace {

struct Run {
  int exit_code;
  std::string out;
};

Run run(const std::string& args) {
  const qarch::test::CommandResult r = qarch::test::run_qarch(args);
  return {r.exit_code, r.out + r.err};
}

// In a folder of its own: tests run in parallel, and other checkouts' tests too.
std::string write_trace(const std::string& name, const std::string& text) {
  return qarch::test::write_temp_file(name + ".trace", text);
}

}  // namespace

TEST_CASE("qarch dram prints bandwidth, latency, row-hit rate and commands as JSON") {
  // Two reads to one DDR4-2400 row, far apart: closed-bank read 16+16+4 = 36
  // cycles, then a row hit 16+4 = 20 cycles; average 28 cycles x 0.8333 ns.
  const std::string trace = write_trace("two", "0x0 READ 0\n0x100 READ 200\n");
  const Run r = run("dram --preset ddr4-2400 --trace " + trace + " --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["avg_read_latency_cycles"].get<double>() == Approx(28.0));
  CHECK(j["avg_read_latency_ns"].get<double>() == Approx(28.0 / 1.2));
  CHECK(j["row_hit_rate"].get<double>() == Approx(0.5));
  CHECK(j["commands"]["activates"].get<int>() == 1);
  // 128 B over cycles 0..220 (last data at 200 + 20).
  CHECK(j["bandwidth_gbps"].get<double>() == Approx(128.0 / (220 / 1.2)));
}

TEST_CASE("qarch dram --set reaches any parameter") {
  const std::string trace = write_trace("one", "0x0 READ 0\n");
  const Run r = run("dram --preset ddr4-2400 --set tRCD=20 --set address_mapping=ro:ba:bg:co --trace " +
                    trace + " --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["avg_read_latency_cycles"].get<double>() == Approx(20 + 16 + 4));
  CHECK(j["address_mapping"] == "ro:ba:bg:co");
}

TEST_CASE("qarch dram --set preset=NAME simulates that preset and labels the output with it") {
  const std::string trace = write_trace("one", "0x0 READ 0\n");
  const Run json = run("dram --preset ddr4-2400 --set preset=hbm2 --trace " + trace + " --json");
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["preset"] == "hbm2");
  CHECK(j["peak_bandwidth_gbps"].get<double>() == Approx(32.0));  // hbm2's, not ddr4-2400's 19.2
  const Run text = run("dram --preset ddr4-2400 --set preset=hbm2 --trace " + trace);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::StartsWith("preset hbm2 (ro:ba:co:bg:pc)") && Catch::Contains("(peak 32.00 GB/s)"));
}

TEST_CASE("qarch dram and cache reject bad input with exit code 2 and the line number") {
  const std::string bad = write_trace("bad", "0x40 READ 0\n0x80 READ 5\n0x10 READ 2\n");
  const std::string garbled = write_trace("garbled", "0x40 READ 0\nhello\n");
  const std::string good = write_trace("good", "0x40 READ 0\n");
  const std::string too_far = write_trace("too_far", "0x40 READ 0\n0x80 READ 9007199254740993\n");
  const std::string long_line = write_trace("long_line", "0x40 READ 0\n0x" + std::string(5000, '0') + " READ 1\n");
  const std::pair<std::string, std::vector<std::string>> cases[] = {
      {"dram --preset ddr4-2400 --trace " + bad, {bad + ":3:", "below the previous"}},
      {"dram --preset ddr4-2400 --trace " + garbled, {garbled + ":2:"}},
      {"dram --preset ddr9 --trace " + bad, {"unknown DRAM preset 'ddr9'", "hbm3"}},
      {"dram --preset ddr4-2400 --set tRAS=3 --trace " + bad, {"--set tRAS=3: dram.tRAS: tRAS 3 < tRCD 16"}},
      {"dram --preset ddr4-2400 --set tRAS= --trace " + bad, {"dram.tRAS: has no value"}},
      // A clock period of 1e300 s printed inf and null latencies.
      {"dram --preset ddr4-2400 --set \"tCK=1e300 s\" --trace " + good,
       {"--set tCK=1e300 s: dram.tCK: '1e300 s' is out of range; allowed: 100 ps .. 100 ns"}},
      {"dram --preset lpddr5-6400 --set channels=2 --trace " + good,
       {"--set channels=2: dram.channels: address_mapping 'ro:ba:co:bg': field 'ch' is missing", "e.g. ro:ba:co:bg:ch"}},
      {"dram --preset hbm2 --trace " + too_far, {too_far + ":2:", "beyond the largest supported cycle"}},
      {"dram --preset ddr4-2400 --trace " + long_line, {long_line + ":2:", "longer than 4096 characters"}},
      {"cache --trace " + long_line, {long_line + ":2:", "longer than 4096 characters"}},
      {"dram --preset ddr4-2400 --request-bytes 0 --trace " + good,
       {"--request-bytes: 0 is out of range; allowed: 1..1048576"}},
      {"cache --size 32KiB --policy mru --trace " + bad, {"allowed: lru, plru, fifo, random"}},
      {"cache --trace " + garbled, {garbled + ":2:"}},
      {"cache --ways abc --trace " + bad, {"--ways abc: 'abc' is not a whole number"}},
      {"cache --seed -1 --trace " + bad, {"--seed -1: -1 is out of range"}},
      {"cache --seed 18446744073709551615 --trace " + good,
       {"--seed 18446744073709551615: 18446744073709551615 is out of range; allowed: 0..9223372036854775807"}},
      {"cache --ways 99999999999999999999 --trace " + good,
       {"--ways 99999999999999999999: 99999999999999999999 is out of range; allowed: 1..1024"}},
      {"dram --preset ddr4-2400 --request-bytes 99999999999 --trace " + good,
       {"--request-bytes: 99999999999 is out of range; allowed: 1..1048576"}},
      {"cache --size 1TB --trace " + good, {"--size 1TB: '1TB' is out of range; allowed: 1 B .. 1 GiB"}},
      {"cache --line 64.5 --trace " + good, {"--line 64.5: '64.5 B' is not a whole number of bytes"}},
      // 2^26 lines of 26 B of model state each: refused before any is allocated.
      {"cache --size 1GiB --line 16 --ways 1 --trace " + good,
       {"--line 16: 1 GiB in 16 B lines is 67108864 lines, whose state (26 B each) needs 1.625 GiB; "
        "the model takes at most 16777216 lines (416 MiB): give a larger line or a smaller size"}},
      // A directory opens as a stream that reads nothing: not an empty trace.
      {"dram --preset ddr4-2400 --trace " + qarch::test::make_temp_dir(), {": is a directory, not a file"}},
      {"cache --trace " + qarch::test::make_temp_dir(), {": is a directory, not a file"}},
  };
  for (const auto& [command, expected] : cases) {
    INFO(command);
    const Run r = run(command);
    CHECK(r.exit_code == 2);
    for (const std::string& text : expected) CHECK_THAT(r.out, Catch::Contains(text));
  }
}

TEST_CASE("qarch dram refuses a refresh interval with no room for an access instead of crawling") {
  // Every row was closed by the next refresh before it could be read: 1000
  // requests ran for a minute.
  const Run r = run("dram --preset ddr4-2400 --set tRFC=1048575 --set tREFI=1048576 --set tRCD=1048576 "
                    "--set tRAS=1048576 --set tRC=1048576 --trace " + write_trace("one", "0x0 READ 0\n0x40 READ 1\n"));
  CHECK(r.exit_code == 2);
  CHECK(r.out == "qarch: error: --set tRC=1048576: dram.tRC: tREFI 1048576 < tRFC 1048575 + tRC 1048576: a refresh "
                 "interval must leave room for one row cycle after the refresh\n");
}

TEST_CASE("qarch dram and cache refuse a trace without requests") {
  // It printed 0 requests at 0 GB/s and a read latency of 0 cycles, exit 0.
  const std::string empty = write_trace("empty", "");
  const std::string comments = write_trace("comments", "# only comments\n\n");
  for (const char* command : {"dram --preset ddr4-2400 --trace ", "cache --trace "}) {
    INFO(command);
    const Run e = run(command + empty + " --json");
    CHECK(e.exit_code == 2);
    CHECK(e.out == "qarch: error: " + empty + ": no requests (the trace is empty)\n");
    const Run c = run(command + comments);
    CHECK(c.exit_code == 2);
    CHECK(c.out == "qarch: error: " + comments + ": no requests (the trace has only blank lines and comments)\n");
  }
}

TEST_CASE("qarch dram reports no read latency for a trace without reads") {
  // A write-only trace gave read latencies of 0 cycles, impossible for any DRAM.
  const std::string trace = write_trace("writes", "0x0 WRITE 0\n0x40 WRITE 1\n");
  const Run json = run("dram --preset ddr4-2400 --json --trace " + trace);
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["writes"] == 2);
  for (const char* key : {"avg_read_latency_cycles", "avg_read_latency_ns", "min_read_latency_cycles",
                          "p50_read_latency_cycles", "p90_read_latency_cycles", "p99_read_latency_cycles",
                          "max_read_latency_cycles"}) {
    INFO(key);
    REQUIRE(j.contains(key));
    CHECK(j[key].is_null());
  }
  CHECK(j["read_latency_histogram_cycles"].empty());
  const Run text = run("dram --preset ddr4-2400 --trace " + trace);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("\nread latency  no reads\n"));
}

TEST_CASE("qarch dram runs the largest trace cycle without ticking through the idle gap") {
  // 2^53 cycles of idle HBM2 are ~4.6e12 refreshes: skipped in closed form.
  const Run r = run("dram --preset hbm2 --json --trace " +
                    write_trace("far", "0x40 READ 0\n0x80 READ 9007199254740992\n"));
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["last_done_cycle"].get<std::uint64_t>() > (std::uint64_t{1} << 53));
  CHECK(j["commands"]["refreshes"].get<std::uint64_t>() >= 2 * ((std::uint64_t{1} << 53) / 3900 - 1));
}

TEST_CASE("qarch cache counts hits, misses and evictions") {
  // Direct-mapped 256 B (4 lines of 64 B): 0 and 256 share set 0.
  const std::string trace = write_trace("cache", "0x0 READ 0\n0x0 READ 1\n0x100 READ 2\n0x0 WRITE 3\n0x40 READ 4\n");
  const Run r = run("cache --size 256B --line 64 --ways 1 --policy lru --trace " + trace + " --json");
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["hits"] == 1);
  CHECK(j["misses"] == 4);
  CHECK(j["evictions"] == 2);
  // Write-back: the WRITE's line (0x0, filled dirty) is never evicted after it.
  CHECK(j["dirty_lines_at_end"] == 1);
  // The text names every counter the JSON has (write_throughs was left out,
  // the one that matters under write-through): the WRITE, a miss written
  // through without allocating, is one, and leaves no dirty line.
  const Run text = run("cache --size 256B --line 64 --ways 1 --policy lru --write-policy wt --trace " + trace);
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("writebacks 0  write_throughs 1  dirty_lines_at_end 0"));
}

TEST_CASE("qarch cache --seed takes any seed up to 2^63 - 1") {
  // Seeds were capped at 2^62 without a word in the docs.
  const std::string trace = write_trace("seed", "0x0 READ 0\n0x100 READ 1\n0x200 READ 2\n");
  const std::string args = "cache --size 256B --line 64 --ways 2 --policy random --trace " + trace + " --seed ";
  CHECK(run(args + "9223372036854775807").exit_code == 0);
  const Run over = run(args + "9223372036854775808");
  CHECK(over.exit_code == 2);
  CHECK(over.out.find("allowed: 0..9223372036854775807") != std::string::npos);
}

TEST_CASE("qarch dram --set with the accelerator config's dram. prefix says to drop it") {
  // It said 'dram.dram: unknown key'.
  const Run r = run("dram --preset ddr4-2400 --trace " + write_trace("prefix", "0x0 READ 0\n") + " --set dram.tRAS=30");
  CHECK(r.exit_code == 2);
  CHECK(r.out == "qarch: error: --set dram.tRAS=30: qarch dram takes DRAM keys without the 'dram.' prefix: "
                 "--set tRAS=30\n");
}

TEST_CASE("qarch dram --set without '=' gives a DRAM key as the example") {
  // The example was --set compute.rows=64, a key of no config at all.
  const Run r = run("dram --preset ddr4-2400 --trace " + write_trace("one", "0x0 READ 0\n") + " --set tRCD");
  CHECK(r.exit_code == 2);
  CHECK(r.out == "qarch: error: --set: tRCD: expected key.path=value, e.g. --set tRCD=18\n");
}

TEST_CASE("qarch dram and cache quote a bad trace line escaped and cut short") {
  // ESC and CR went to the terminal raw (recolouring it, overwriting the
  // message), and a binary file's "line" filled ~600 bytes of the message.
  const std::string escaped = write_trace("esc", "0x0 READ 0\n0x40 READ 1\x1b[31mRED\rOVERWRITE\n");
  std::string binary_text = "0x0 READ 0\n";
  for (int i = 0; i < 600; ++i) binary_text += char(0x80 + i % 0x7f);
  const std::string binary = write_trace("binary", binary_text);
  for (const char* command : {"dram --preset ddr4-2400 --trace ", "cache --trace "}) {
    INFO(command);
    const Run e = run(command + escaped);
    CHECK(e.exit_code == 2);
    CHECK_THAT(e.out, Catch::StartsWith("qarch: error: " + escaped + ":2: unexpected text after the cycle: '0x40 READ 1\\x1b[31mRED\\x0dOVERWRITE'; "));
    CHECK(e.out.find_first_of("\x1b\r") == std::string::npos);
    const Run b = run(command + binary);
    CHECK(b.exit_code == 2);
    CHECK_THAT(b.out, Catch::StartsWith("qarch: error: " + binary + ":2: bad address: '\\x80\\x81"));
    CHECK_THAT(b.out, Catch::Contains("...'; expected"));
    CHECK(b.out.size() < binary.size() + 300);
  }
}

TEST_CASE("qarch cache --help says --banks changes nothing in trace mode") {
  // It offered "banks (sets interleaved over them)", and every value gave the same output.
  const Run r = run("cache --help");
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("banks time accesses (bank conflicts) in qarch run; trace mode counts hits, "
                                    "misses and evictions only"));
}

TEST_CASE("qarch cache errors name the option typed, and blame the one given for a combination") {
  // They named internal keys (cache.size, cache.replacement), and --ways 3
  // blamed cache.size, which the user had not given.
  const std::string trace = write_trace("one", "0x0 READ 0\n");
  const std::pair<std::string, std::string> cases[] = {
      {"--ways 3", "--ways 3: size 32 KiB is not a whole number of sets of 3 ways x 64 B lines (192 B a set)"},
      {"--ways 3 --size 32KiB", "--size 32KiB: size 32 KiB is not a whole number of sets of 3 ways x 64 B lines"},
      {"--policy mru", "--policy mru: 'mru' is not allowed; allowed: lru, plru, fifo, random"},
      {"--size 6KiB --ways 6 --policy plru", "--policy plru: "},
      {"--banks 3", "--banks 3: 3 banks do not divide the 64 sets"},
  };
  for (const auto& [options, expected] : cases) {
    INFO(options);
    const Run r = run("cache --trace " + trace + " " + options);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::StartsWith("qarch: error: " + expected));
  }
}

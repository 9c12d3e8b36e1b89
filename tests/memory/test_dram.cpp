// DRAM timing core: closed-form latencies from the JEDEC timing definitions,
// address mapping bit layouts from timing_params.md, counters, and the errors
// bad configs and traces must give.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "models/memory/dram_address_map.h"
#include "models/memory/dram_config.h"
#include "models/memory/dram_trace.h"

using namespace qarch::memory;
using qarch::InputError;

namespace {

std::vector<MemoryTraceRecord> parse(const std::string& text) {
  std::istringstream in(text);
  return parse_memory_trace(in, "t.trace");
}

DramConfig load(const std::string& yaml) {
  qarch::YamlMap m(qarch::load_yaml_string(yaml, "acc.yaml"), "acc.yaml", "dram");
  return load_dram_config(m);
}

}  // namespace

TEST_CASE("isolated reads cost tRCD+CL+burst (closed bank), CL+burst (hit), tRP+tRCD+CL+burst (conflict)") {
  // DDR4-2400R: tRCD = CL = tRP = 16, burst = BL8/2 = 4 cycles.
  const DramConfig c = dram_preset("ddr4-2400");
  SECTION("closed bank") {
    const auto r = replay_memory_trace(c, parse("0x0 READ 0\n"));
    CHECK(r.avg_read_latency_cycles == 16 + 16 + 4);
    CHECK(r.counters.activates == 1);
    CHECK(r.counters.row_misses == 1);
  }
  SECTION("row hit after the first access") {
    const auto r = replay_memory_trace(c, parse("0x0 READ 0\n0x100 READ 200\n"));
    CHECK(r.max_read_latency_cycles == 36);
    CHECK(r.min_read_latency_cycles == 16 + 4);
    CHECK(r.counters.row_hits == 1);
    CHECK(r.row_hit_rate == Approx(0.5));
  }
  SECTION("row conflict in the same bank") {
    // Row field starts at bit 17 in both DDR4 mappings (timing_params.md).
    const auto r = replay_memory_trace(c, parse("0x0 READ 0\n0x20000 READ 200\n"));
    CHECK(r.max_read_latency_cycles == 16 + 16 + 16 + 4);
    CHECK(r.counters.precharges == 1);
    CHECK(r.counters.activates == 2);
  }
  SECTION("closed page policy re-activates every access") {
    DramConfig closed = c;
    closed.page_policy = PagePolicy::kClosed;
    const auto r = replay_memory_trace(closed, parse("0x0 READ 0\n0x100 READ 200\n"));
    CHECK(r.min_read_latency_cycles == 36);
    CHECK(r.counters.activates == 2);
    CHECK(r.counters.precharges == 2);
  }
  SECTION("a write's data ends at WR + CWL + burst") {
    const auto r = replay_memory_trace(c, parse("0x0 WRITE 0\n"));
    CHECK(r.last_done_cycle == 16 + 12 + 4);
    CHECK(r.reads == 0);
    CHECK(r.counters.write_bursts == 1);
  }
}

TEST_CASE("the first burst of a rank other than 0 does not wait a rank switch: no burst came before it") {
  // ddr4-2400 with 2 ranks ("ro:ra:ba:co:bg": the rank is bit 17), tRTRS 8,
  // and CL = CWL = tRCD = 1 so that tRTRS is longer than the read latency. A
  // lone read: ACT at 0, RD at tRCD = 1, data 1 + CL + burst 4 = cycle 6, for
  // rank 1 as for rank 0. The channel used to start as if rank 0 had just used
  // the bus: rank 1's first RD waited until 8 - CL = 7 (a fuzzer against the
  // naive controller found it).
  DramConfig c = dram_preset("ddr4-2400");
  c.ranks = 2;
  c.address_mapping = "ro:ra:ba:co:bg";
  c.timing.tRTRS = 8;
  c.timing.CL = c.timing.CWL = c.timing.tRCD = c.timing.tRCDWR = 1;
  CHECK(replay_memory_trace(c, parse("0x20000 READ 0\n")).avg_read_latency_cycles == 6);
  CHECK(replay_memory_trace(c, parse("0x0 READ 0\n")).avg_read_latency_cycles == 6);
  // A switch does wait: rank 0's read, then rank 1's, accepted a cycle later
  // (one request per clock). Its ACT and RD could go at 1 and 2, but its data
  // starts tRTRS after rank 0's ends at 6, at 14: RD at 13, end at 18, 17
  // cycles after its acceptance (9 without the switch).
  CHECK(replay_memory_trace(c, parse("0x0 READ 0\n0x20040 READ 0\n")).max_read_latency_cycles == 17);
}

TEST_CASE("a write latency longer than CL + burst + 2 delays only the write's own data") {
  // Ramulator's read-to-write gap CL + burst + 2 - CWL is negative here:
  // the write's data already starts after the read's, so no gap applies.
  DramConfig c = dram_preset("ddr4-2400");
  c.timing.CWL = 100;
  SECTION("a read then a write in another bank group") {
    // ACT (read) at 0; the write arrives at 1, its ACT waits tRRD_S = 4, its
    // WR tRCD = 16 more (also RD at 16 + tCCD_S); data ends at WR + CWL + burst.
    const auto r = replay_memory_trace(c, parse("0x0 READ 0\n0x40 WRITE 1\n"));
    CHECK(r.max_read_latency_cycles == 16 + 16 + 4);
    CHECK(r.last_done_cycle == 4 + 16 + 100 + 4);
  }
  SECTION("a read then writes to other rows finish (this hung)") {
    c.timing.CWL = 200;
    const auto r =
        replay_memory_trace(c, parse("0x35eb56180 READ 0\n0x242650640 WRITE 2\n0x1dd933140 WRITE 6\n"));
    CHECK(r.requests == 3);
    CHECK(r.counters.write_bursts == 2);
    CHECK(r.last_done_cycle >= 6 + 16 + 200 + 4);
  }
}

TEST_CASE("read latencies of 8192 cycles and more have their own histogram bins and percentiles") {
  // CL = 9000: the first read costs tRCD + CL + burst = 9020 cycles; the
  // second, a row hit arriving at 200, CL + burst = 9004.
  DramConfig c = dram_preset("ddr4-2400");
  c.timing.CL = 9000;
  const auto r = replay_memory_trace(c, parse("0x0 READ 0\n0x100 READ 200\n"));
  CHECK(r.min_read_latency_cycles == 9004);
  CHECK(r.max_read_latency_cycles == 9020);
  CHECK(r.p50_read_latency_cycles == 9004);
  CHECK(r.p90_read_latency_cycles == 9020);
  CHECK(r.p99_read_latency_cycles == 9020);
  using Bins = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
  CHECK(r.read_latency_histogram == Bins{{9004, 1}, {9020, 1}});
}

TEST_CASE("every channel refreshes until the last completion, used or not") {
  // Two DDR4-2400 channels, requests in channel 0 only: at cycle 0 and at
  // 5 tREFI + 400 = 47200, after the fifth refresh (46800 + tRFC 312) has
  // closed the bank: done at 47200 + tRCD + CL + burst = 47236. Each channel
  // refreshes at tREFI, 2 tREFI, ... 5 tREFI = 46800.
  DramConfig c = dram_preset("ddr4-2400");
  c.channels = 2;
  c.address_mapping = "ch:ro:ba:co:bg";
  const auto r = replay_memory_trace(c, parse("0x0 READ 0\n0x100 READ 47200\n"));
  REQUIRE(r.last_done_cycle == 47236);
  CHECK(r.counters.refreshes == 2 * 5);
}

TEST_CASE("HBM2 64-byte requests are two 32-byte bursts and the latency runs to the second") {
  DramConfig c = dram_preset("hbm2");
  c.address_mapping = "ro:ba:bg:pc:co";  // both halves in one bank: RD, then RD + tCCD_L
  const auto r = replay_memory_trace(c, parse("0x0 READ 0\n"));
  CHECK(r.counters.read_bursts == 2);
  CHECK(r.avg_read_latency_cycles == 14 + 4 + 14 + 2);  // tRCD + tCCD_L + CL + burst
}

TEST_CASE("lpddr5 BL32 in bank-group mode: the same bank group's next column command waits tCCD_L = 8 CK") {
  // A BL32 burst is 4 CK but moves as two 16-beat halves with a gap another
  // bank group can fill, so the same bank group waits 8 CK (gem5
  // LPDDR5_6400_1x16_BG_BL32: tCCD_L 10 ns = 8 CK at 800 MHz). Two reads of
  // one row of bank group 0 (ro:ba:co:bg, 64 B bursts: 0x100 is column
  // burst 1 of group 0): ACT 0, RD 15 (tRCD) and 23, done 23 + CL 20 +
  // burst 4 = 47. The preset had tCCD_L 4 (done at 43): a stream within one
  // bank group ran at twice the rate.
  const auto r = replay_memory_trace(dram_preset("lpddr5-6400"), parse("0x0 READ 0\n0x100 READ 0\n"));
  CHECK(r.last_done_cycle == 47);
  // lpddr5x-8533: the same 8 CK.
  const auto x = replay_memory_trace(dram_preset("lpddr5x-8533"), parse("0x0 READ 0\n0x100 READ 0\n"));
  CHECK(x.last_done_cycle == 20 + 8 + 27 + 4);  // tRCD + tCCD_L + CL + burst
}

TEST_CASE("ddr5-4800 writes to one bank group wait tCCD_L_WR (20 ns), reads tCCD_L (5 ns)") {
  // JESD79-5 / Ramulator 2.1 DDR5_4800AN: nCCDL_WR 48, nCCDL 12. Two
  // requests to one row of bank group 0 (ro:ba:co:bg, 64 B bursts, 8 bank
  // groups: 0x200 is column burst 1 of group 0): ACT 0, the first column
  // command at tRCD 34, the second tCCD_L(_WR) later; done + CWL 32 or CL 34,
  // + burst 8.
  const DramConfig c = dram_preset("ddr5-4800");
  CHECK(replay_memory_trace(c, parse("0x0 WRITE 0\n0x200 WRITE 0\n")).last_done_cycle == 34 + 48 + 32 + 8);
  CHECK(replay_memory_trace(c, parse("0x0 READ 0\n0x200 READ 0\n")).last_done_cycle == 34 + 12 + 34 + 8);
}

TEST_CASE("a request takes every burst that holds one of its bytes") {
  // 64 B bursts (DDR4, BL8 x 64 bit): a 64 B request at 0x20 covers
  // 0x20..0x5f, bytes of the bursts at 0x0 and 0x40; at 0x40, one burst.
  const auto unaligned = replay_memory_trace(dram_preset("ddr4-2400"), parse("0x20 READ 0\n"));
  CHECK(unaligned.counters.read_bursts == 2);
  CHECK(unaligned.bytes == 64);
  const auto aligned = replay_memory_trace(dram_preset("ddr4-2400"), parse("0x40 WRITE 0\n"));
  CHECK(aligned.counters.write_bursts == 1);
  // 32 B bursts (HBM2): a 64 B request at 0x10 covers three.
  CHECK(replay_memory_trace(dram_preset("hbm2"), parse("0x10 READ 0\n")).counters.read_bursts == 3);
  // A 100 B request at 0x0 of 64 B bursts: two.
  CHECK(replay_memory_trace(dram_preset("ddr4-2400"), parse("0x0 READ 0\n"), 100).counters.read_bursts == 2);
}

TEST_CASE("a read that waits behind more requests than the queues hold still has its latency counted") {
  // 30 writes to different rows of one bank, a read (another bank), 140 more
  // such writes, all at cycle 0: write drain keeps the read waiting while far
  // more than the queues' 64 entries of later requests finish.
  std::string text;
  for (int i = 0; i < 170; ++i) {
    if (i == 30) text += fmt::format("{:#x} READ 0\n", (7 << 17) | 0x40);
    text += fmt::format("{:#x} WRITE 0\n", (2 * i) << 17);
  }
  const auto r = replay_memory_trace(dram_preset("ddr4-2400"), parse(text));
  REQUIRE(r.reads == 1);
  REQUIRE(r.read_latency_histogram.size() == 1);
  CHECK(r.read_latency_histogram[0].second == 1);
  CHECK(r.min_read_latency_cycles == r.max_read_latency_cycles);
  CHECK(r.avg_read_latency_cycles == double(r.max_read_latency_cycles));
  // The front end keeps the 32-entry write queue full until the last write is
  // in, so write drain lasts until at least 170 - 32 writes have left it; each
  // needs an ACT in the same bank, tRC = 55 cycles after the one before.
  CHECK(r.max_read_latency_cycles > 100 * 55);
  CHECK(r.max_read_latency_cycles <= r.last_done_cycle);
}

TEST_CASE("every read of a long mixed trace is in the latency histogram") {
  std::vector<MemoryTraceRecord> trace(20000);
  std::uint64_t x = 12345;
  std::uint64_t reads = 0;
  for (auto& rec : trace) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    rec.address = (x >> 20) & ~std::uint64_t{63};
    rec.is_write = (x >> 62) == 0;  // one in four
    reads += !rec.is_write;
  }
  for (const char* preset : {"ddr4-2400", "lpddr5-6400", "hbm2"}) {
    CAPTURE(preset);
    const auto r = replay_memory_trace(dram_preset(preset), trace);
    std::uint64_t counted = 0;
    for (const auto& bin : r.read_latency_histogram) counted += bin.second;
    CHECK(r.reads == reads);
    CHECK(counted == reads);
  }
}

TEST_CASE("streaming bandwidth stays below the peak and above 90 % of it with bank-group interleave") {
  // Peak 19.2 GB/s; refresh-limited 19.2 x (1 - 312/9360) = 18.56 GB/s.
  const DramConfig c = dram_preset("ddr4-2400");
  CHECK(c.peak_bandwidth_gbps() == Approx(19.2));
  std::vector<MemoryTraceRecord> seq(20000);
  for (std::size_t i = 0; i < seq.size(); ++i) seq[i].address = i * 64;
  const auto r = replay_memory_trace(c, seq);
  CHECK(r.bandwidth_gbps <= 18.56);
  CHECK(r.bandwidth_gbps >= 0.9 * 18.56);
  CHECK(r.counters.refreshes >= 1);
}

TEST_CASE("address mappings slice the bits listed in timing_params.md") {
  DramConfig c = dram_preset("ddr4-2400");
  c.address_mapping = "ro:ba:co:bg";  // [7:6] BG, [14:8] column, [16:15] bank, [31:17] row
  DramAddressMap rbcg(c);
  DramAddress a = rbcg.decode((0x5ull << 17) | (2ull << 15) | (3ull << 8) | (1ull << 6));
  CHECK(a.row == 5);
  CHECK(a.bank == 2);
  CHECK(a.column == 3);
  CHECK(a.bank_group == 1);
  CHECK(rbcg.capacity_bytes() == (4ull << 30));
  // Beyond the capacity wraps, as the reference replay drivers do.
  CHECK(rbcg.decode((4ull << 30) + 64).bank_group == 1);

  c.address_mapping = "ro:ba:bg:co";  // [12:6] column, [14:13] BG
  DramAddressMap rbgc(c);
  a = rbgc.decode((3ull << 13) | (5ull << 6));
  CHECK(a.bank_group == 3);
  CHECK(a.column == 5);

  c.address_hash = AddressHash::kXor;
  DramAddressMap hashed(c);
  a = hashed.decode((1ull << 17) | (2ull << 15));  // row 1, bank 2 -> bank 2 ^ 1
  CHECK(a.bank == 3);
}

TEST_CASE("HBM2 mappings put the pseudo-channel where timing_params.md does, and channels and ranks take their own bits") {
  // timing_params.md, HBM2 one channel: rbgc = [4:0] byte, [9:5] column,
  // [10] PC, [12:11] BG, [14:13] bank, [29:15] row; rbcg = [4:0] byte, [5] PC,
  // [7:6] BG, [12:8] column, [14:13] bank, [29:15] row.
  DramConfig c = dram_preset("hbm2");
  c.address_mapping = "ro:ba:bg:pc:co";
  DramAddress a = DramAddressMap(c).decode((9ull << 15) | (2ull << 13) | (3ull << 11) | (1ull << 10) | (17ull << 5));
  CHECK(a.row == 9);
  CHECK(a.bank == 2);
  CHECK(a.bank_group == 3);
  CHECK(a.pseudo_channel == 1);
  CHECK(a.column == 17);
  CHECK(DramAddressMap(c).capacity_bytes() == (1ull << 30));
  c.address_mapping = "ro:ba:co:bg:pc";
  a = DramAddressMap(c).decode((9ull << 15) | (2ull << 13) | (17ull << 8) | (3ull << 6) | (1ull << 5));
  CHECK(a.row == 9);
  CHECK(a.bank == 2);
  CHECK(a.column == 17);
  CHECK(a.bank_group == 3);
  CHECK(a.pseudo_channel == 1);
  // The two 32 B halves of a 64 B line sit in different pseudo-channels.
  CHECK(DramAddressMap(c).decode(0x40).pseudo_channel == 0);
  CHECK(DramAddressMap(c).decode(0x60).pseudo_channel == 1);

  // Four channels and two ranks of ddr4-2400 (64 B bursts: 6 offset bits):
  // "ro:ra:ba:co:ch:bg" = [7:6] BG, [9:8] channel, [16:10] column, [18:17]
  // bank, [19] rank, [34:20] row.
  DramConfig d = dram_preset("ddr4-2400");
  d.channels = 4;
  d.ranks = 2;
  d.address_mapping = "ro:ra:ba:co:ch:bg";
  a = DramAddressMap(d).decode((5ull << 20) | (1ull << 19) | (2ull << 17) | (3ull << 10) | (2ull << 8) | (1ull << 6));
  CHECK(a.row == 5);
  CHECK(a.rank == 1);
  CHECK(a.bank == 2);
  CHECK(a.column == 3);
  CHECK(a.channel == 2);
  CHECK(a.bank_group == 1);
  CHECK(DramAddressMap(d).capacity_bytes() == 4 * 2 * (4ull << 30));
}

TEST_CASE("every preset is consistent and has the documented peak bandwidth") {
  for (const auto& name : dram_preset_names()) {
    INFO(name);
    const DramConfig c = dram_preset(name);
    CHECK_NOTHROW(validate_dram_config(c));
    CHECK(c.burst_bytes() >= 32);
  }
  // Peak = bus width x data rate (JEDEC): DDR4-3200 64 bit 25.6 GB/s,
  // DDR5-4800 32-bit sub-channel 19.2 GB/s, LPDDR4-3200 32 bit 12.8 GB/s,
  // LPDDR5-6400 x16 12.8 GB/s, LPDDR5X-8533 x16 17.07 GB/s, HBM2 one channel
  // 32 GB/s, HBM3 16 channels x 64 bit x 6.4 Gb/s = 819.2 GB/s.
  CHECK(dram_preset("ddr4-3200").peak_bandwidth_gbps() == Approx(25.6));
  CHECK(dram_preset("ddr5-4800").peak_bandwidth_gbps() == Approx(19.2));
  CHECK(dram_preset("lpddr4-3200").peak_bandwidth_gbps() == Approx(12.8));
  CHECK(dram_preset("lpddr5-6400").peak_bandwidth_gbps() == Approx(12.8));
  CHECK(dram_preset("lpddr5x-8533").peak_bandwidth_gbps() == Approx(17.066).epsilon(0.001));
  CHECK(dram_preset("hbm2").peak_bandwidth_gbps() == Approx(32.0));
  CHECK(dram_preset("hbm3").peak_bandwidth_gbps() == Approx(819.2));
}

TEST_CASE("dram config: preset plus overrides, with errors naming file, line and key") {
  const DramConfig c = load("preset: ddr4-2400\ntRCD: 18\naddress_mapping: ro:ba:bg:co\n");
  CHECK(c.timing.tRCD == 18);
  CHECK(c.timing.tRCDWR == 18);  // follows tRCD when the preset had them equal
  CHECK(c.timing.CL == 16);
  CHECK(c.address_mapping == "ro:ba:bg:co");

  CHECK_THROWS_WITH(load("preset: ddr9\n"),
                    Catch::Contains("acc.yaml:1: dram.preset") && Catch::Contains("ddr4-2400"));
  // Writes to one bank group no sooner than to another: tCCD_L_WR at least
  // tCCD_S; it follows tCCD_L when only that is set.
  CHECK_THROWS_WITH(load("preset: ddr5-4800\ntCCD_L_WR: 7\n"),
                    "acc.yaml:2: dram.tCCD_L_WR: tCCD_L_WR 7 < tCCD_S 8");
  CHECK(load("preset: ddr4-2400\ntCCD_L: 9\n").timing.tCCD_L_WR == 9);
  CHECK(load("preset: ddr5-4800\ntCCD_L: 16\n").timing.tCCD_L_WR == 48);
  CHECK_THROWS_WITH(load("preset: ddr4-2400\ntRAS: 10\n"),
                    Catch::Contains("acc.yaml:2: dram.tRAS") && Catch::Contains("tRAS 10 < tRCD 16"));
  CHECK_THROWS_WITH(load("preset: ddr4-2400\naddress_mapping: ro:ba:co\n"),
                    Catch::Contains("acc.yaml:2: dram.address_mapping") &&
                        Catch::Contains("field 'bg' is missing"));
  // A preset's mapping lists the fields of its own organisation: more
  // channels or ranks need a mapping with their field, and the count is blamed.
  CHECK_THROWS_WITH(load("preset: lpddr5-6400\nchannels: 2\n"),
                    "acc.yaml:2: dram.channels: address_mapping 'ro:ba:co:bg': field 'ch' is missing but the device "
                    "has 2 of them; the mapping must list every field whose count is above 1, e.g. ro:ba:co:bg:ch");
  CHECK_THROWS_WITH(load("preset: hbm2\nranks: 2\n"), Catch::StartsWith("acc.yaml:2: dram.ranks: "));
  // Several fields missing: all are named, so the example works (it named
  // only 'ch', and that mapping then failed on 'pc').
  CHECK_THROWS_WITH(load("preset: hbm3\naddress_mapping: ro:ba:co:bg\n"),
                    "acc.yaml:2: dram.address_mapping: address_mapping 'ro:ba:co:bg': fields 'ch' (16), 'pc' (2) are "
                    "missing (the device's counts in brackets); the mapping must list every field whose count is "
                    "above 1, e.g. ro:ba:co:bg:ch:pc");
  CHECK(load("preset: hbm3\naddress_mapping: ro:ba:co:bg:ch:pc\n").capacity_bytes() == dram_preset("hbm3").capacity_bytes());
  CHECK_THROWS_WITH(load("preset: lpddr5-6400\nchannels: 2\naddress_mapping: ro:ba:co\n"),
                    Catch::StartsWith("acc.yaml:3: dram.address_mapping: "));
  CHECK(load("preset: lpddr5-6400\nchannels: 2\naddress_mapping: ro:ba:co:bg:ch\n").capacity_bytes() ==
        2 * dram_preset("lpddr5-6400").capacity_bytes());
  CHECK_THROWS_WITH(load("preset: ddr4-2400\naddress_mapping: ro:ba:co:bg:xx\n"),
                    Catch::Contains("unknown field 'xx'"));
  CHECK_THROWS_WITH(load("preset: ddr4-2400\nrows: 1000\n"),
                    Catch::Contains("dram.rows") && Catch::Contains("power of two"));
  CHECK_THROWS_WITH(load("preset: ddr4-2400\ntRFC: 99999\n"), Catch::Contains("acc.yaml:2: dram.tRFC") && Catch::Contains("tREFI 9360 <= tRFC 99999"));
  CHECK_THROWS_WITH(load("preset: hbm2\ntCCD_S: 1\n"), Catch::Contains("shorter than a burst"));
  CHECK_THROWS_WITH(load("preset: ddr4-2400\ntRCDD: 3\n"),
                    Catch::Contains("acc.yaml:2: dram.tRCDD: unknown key") && Catch::Contains(" tCK, "));
  // A consistency error points at the key the user wrote, not at the preset.
  CHECK_THROWS_WITH(load("preset: ddr4-2400\ncolumns: 4\n"),
                    Catch::Contains("acc.yaml:2: dram.columns: burst_length 8 is larger than the 4 columns per row"));
  CHECK_THROWS_WITH(load("preset: ddr4-2400\nburst_length: 1\n"),
                    Catch::Contains("acc.yaml:2: dram.burst_length: burst_length 1 is not a whole number of clocks"));
  CHECK_THROWS_WITH(load("preset: ddr4-2400\nbank_groups: 64\n"),
                    Catch::Contains("acc.yaml:2: dram.bank_groups: 256 banks per channel"));
  CHECK_THROWS_WITH(load("preset: ddr4-2400\ntCK: 0 ns\n"), Catch::Contains("acc.yaml:2: dram.tCK: '0 ns' is out of range; allowed: 100 ps .. 100 ns"));
  CHECK_THROWS_WITH(load("preset: ddr4-2400\naddress_mapping:\n"),
                    Catch::Contains("acc.yaml:2: dram.address_mapping: has no value"));
  CHECK(load("preset: ddr4-2400\ntCK: 0.5 ns\n").tCK_ns == Approx(0.5));
  CHECK(load("preset: ddr4-2400\n").tCK_ns == Approx(1.0 / 1.2));
  CHECK_THROWS_WITH(dram_preset("ddr3"), Catch::Contains("unknown DRAM preset 'ddr3'") &&
                                             Catch::Contains("lpddr5x-8533"));
}

TEST_CASE("a row must stay open until it can be written, as until it can be read") {
  // tRCDWR above tRAS was accepted (tRCD above tRAS was not).
  CHECK_THROWS_WITH(load("preset: ddr4-2400\ntRCDWR: 1000\n"),
                    "acc.yaml:2: dram.tRCDWR: tRAS 39 < tRCDWR 1000: a row must stay open at least until it can be "
                    "written");
  CHECK(load("preset: ddr4-2400\ntRCDWR: 39\n").timing.tRCDWR == 39);
}

TEST_CASE("a refresh interval must leave room for a read and a write row cycle after the refresh") {
  // With tREFI - tRFC below a row cycle a replay served each request after
  // ~10^6 refreshes: in effect a hang.
  CHECK_THROWS_WITH(load("preset: ddr4-2400\ntRFC: 9306\n"),
                    "acc.yaml:2: dram.tRFC: tREFI 9360 < tRFC 9306 + tRC 55: a refresh interval must leave room for "
                    "one row cycle after the refresh");
  CHECK(load("preset: ddr4-2400\ntRFC: 9294\n").timing.tRFC == 9294);  // 9360 - 66, the write row cycle
  CHECK_THROWS_WITH(load("preset: ddr4-2400\ntRFC: 9295\n"),
                    "acc.yaml:2: dram.tRFC: tREFI 9360 < tRFC 9295 + write row cycle 66 (tRCDWR 16 + CWL 12 + "
                    "burst 4 + tWR 18 + tRP 16): a refresh interval must leave room for one write row cycle after "
                    "the refresh");
  CHECK_THROWS_WITH(load("preset: ddr4-2400\ntWR: 9100\n"), Catch::StartsWith("acc.yaml:2: dram.tWR: tREFI 9360 < "));
  // Several ranks or pseudo-channels refresh in turn on the one row command
  // bus (PREA and REF, a cycle each). 16 units at tREFI 15 were refreshed for
  // ever and their reads never served (a fuzzer found it). hbm2, 4 pseudo-
  // channels x 4 ranks: 15 < tRFC 2 + write row cycle (tRCDWR 1 + CWL 5 + burst
  // 2 + tWR 2 + tRP 2 = 12) + 2 x 15; one unit alone would fit (15 >= 2 + 12).
  CHECK_THROWS_WITH(load("preset: hbm2\npseudo_channels: 4\nranks: 4\nbank_groups: 1\naddress_mapping: ro:ba:co:pc:ra\n"
                         "tRCD: 1\ntRCDWR: 1\ntRP: 2\ntRAS: 1\ntRC: 3\ntWR: 2\ntRFC: 2\ntREFI: 15\n"),
                    "acc.yaml:13: dram.tREFI: tREFI 15 < tRFC 2 + row cycle 12 + 30 row-bus cycles for the PREA and REF "
                    "of the other 15 ranks and pseudo-channels: a refresh interval must leave each of them room for a "
                    "row cycle after its refresh");
  // ddr4-2400 with 4 ranks: tREFI 9360 - 3 x 2 - 66 = 9288 is the largest tRFC.
  CHECK(load("preset: ddr4-2400\nranks: 4\naddress_mapping: ro:ra:ba:co:bg\ntRFC: 9288\n").timing.tRFC == 9288);
  CHECK_THROWS_WITH(load("preset: ddr4-2400\nranks: 4\naddress_mapping: ro:ra:ba:co:bg\ntRFC: 9289\n"),
                    Catch::StartsWith("acc.yaml:4: dram.tRFC: tREFI 9360 < tRFC 9289 + row cycle 66 + 6 row-bus cycles"));
}

TEST_CASE("bus_width_bits errors state the one allowed range, 8..1024") {
  // 0 was "out of range; allowed: 1..1024", while 1..7 were "must be at least 8".
  CHECK_THROWS_WITH(load("preset: ddr4-2400\nbus_width_bits: 0\n"),
                    "acc.yaml:2: dram.bus_width_bits: 0 is out of range; allowed: 8..1024");
  CHECK_THROWS_WITH(load("preset: ddr4-2400\nbus_width_bits: 4\n"),
                    "acc.yaml:2: dram.bus_width_bits: 4 is out of range; allowed: 8..1024");
  CHECK_THROWS_WITH(load("preset: ddr4-2400\nbus_width_bits: 24\n"),
                    "acc.yaml:2: dram.bus_width_bits: 24 is not allowed; allowed: a power of two in 8..1024");
  DramConfig narrow = dram_preset("ddr4-2400");
  narrow.bus_width_bits = 4;
  CHECK_THROWS_WITH(validate_dram_config(narrow),
                    "dram.bus_width_bits: 4 is not allowed; allowed: a power of two in 8..1024");
}

TEST_CASE("set overrides (qarch dram --set) reach the preset node") {
  YAML::Node node = qarch::load_yaml_string("preset: hbm2", "--preset");
  qarch::apply_override(node, "address_mapping=ro:ba:bg:pc:co", "tRP=20");
  qarch::apply_override(node, "tRP=20", "tRP=20");
  qarch::YamlMap m(node, "--set", "dram");
  const DramConfig c = load_dram_config(m);
  CHECK(c.address_mapping == "ro:ba:bg:pc:co");
  CHECK(c.timing.tRP == 20);
}

TEST_CASE("trace lines that do not parse or go back in time are errors with the line number") {
  CHECK(parse("# comment\n\n0x40 READ 0\n0x80 WRITE 3\n").size() == 2);
  CHECK_THROWS_WITH(parse("0x40 READ 0\n0x80 FETCH 3\n"),
                    Catch::StartsWith("t.trace:2:") && Catch::Contains("not READ or WRITE"));
  CHECK_THROWS_WITH(parse("0x40 READ 5\n0x80 READ 3\n"),
                    Catch::StartsWith("t.trace:2:") && Catch::Contains("below the previous"));
  CHECK_THROWS_WITH(parse("0xZZ READ 0\n"), Catch::StartsWith("t.trace:1:") && Catch::Contains("bad address"));
  CHECK_THROWS_WITH(parse("0x40 READ\n"), Catch::StartsWith("t.trace:1:") && Catch::Contains("missing cycle"));
  CHECK_THROWS_WITH(parse("0x40 READ 7 extra\n"), Catch::Contains("unexpected text"));
  CHECK_THROWS_WITH(MemoryTraceReader("/nonexistent/x.trace"), Catch::Contains("cannot open"));
  CHECK(parse("0x40 READ 9007199254740992\n").size() == 1);  // 2^53, the largest cycle
  CHECK_THROWS_WITH(parse("0x40 READ 0\n0x40 READ 9007199254740993\n"),
                    Catch::StartsWith("t.trace:2:") && Catch::Contains("beyond the largest supported cycle"));
  CHECK_THROWS_WITH(parse(std::string("0x40 READ 0\n0x80 READ 1\0\n", 25)),
                    Catch::StartsWith("t.trace:2:") && Catch::Contains("NUL byte") &&
                        Catch::Contains("'0x80 READ 1\\x00'; expected"));
  CHECK_THROWS_WITH(parse("0x40 READX 5\n"), Catch::Contains("not READ or WRITE"));
  CHECK_THROWS_WITH(parse("0x40 READ \r\n"), Catch::Contains("missing cycle"));
  // The address is hexadecimal with or without "0x", as DRAMSim3 reads it.
  const auto bare = parse("40 READ 0\nff WRITE 1\n0XaB READ 2\n");
  REQUIRE(bare.size() == 3);
  CHECK(bare[0].address == 0x40);
  CHECK(bare[1].address == 0xff);
  CHECK(bare[2].address == 0xab);
}

TEST_CASE("vertical tabs and form feeds separate a trace line's fields as spaces do") {
  // DRAMSim3 reads its fields with stream extraction, whose whitespace
  // includes \v and \f; they were refused as a bad address.
  const auto records = parse("0x40\vWRITE\f3\n\f0x80 READ\v5\v\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].address == 0x40);
  CHECK(records[0].is_write);
  CHECK(records[0].cycle == 3);
  CHECK(records[1].address == 0x80);
  CHECK(records[1].cycle == 5);
}

TEST_CASE("a trace that starts with a UTF-8 byte-order mark reads as without it") {
  // Windows editors write EF BB BF first; it was refused as a bad address
  // quoting a line that looked valid (the mark is invisible).
  const auto with_mark = parse("\xEF\xBB\xBF" "0x40 WRITE 3\n0x80 READ 5\n");
  REQUIRE(with_mark.size() == 2);
  CHECK(with_mark[0].address == 0x40);
  CHECK(with_mark[0].is_write);
  CHECK(with_mark[0].cycle == 3);
  CHECK(with_mark[1].address == 0x80);
  // Only before the first line: elsewhere it is not whitespace.
  CHECK_THROWS_WITH(parse("0x0 READ 0\n\xEF\xBB\xBF" "0x40 READ 1\n"), Catch::Contains("t.trace:2: bad address"));
}

TEST_CASE("the trace reader streams long traces in blocks, in order, with the right line numbers") {
  // 300 000 lines (about 6 MB: several of the reader's 1 MiB reads and many
  // of its record blocks), line i = address 64 i, a write every third, cycle
  // i / 2; CRLF endings and a comment every 1000 lines, no final newline.
  const int lines = 300000;
  std::string text;
  for (int i = 0; i < lines; ++i) {
    if (i % 1000 == 999) text += "# comment\r\n";
    text += fmt::format("0x{:x} {} {}\r\n", std::uint64_t(i) * 64, i % 3 == 2 ? "WRITE" : "READ", i / 2);
  }
  text.resize(text.size() - 2);
  SECTION("every record, in order") {
    std::istringstream in(text);
    MemoryTraceReader reader(in, "long.trace");
    MemoryTraceRecord r;
    int n = 0;
    bool in_order = true;
    while (reader.next(r)) {
      in_order = in_order && r.address == std::uint64_t(n) * 64 && r.is_write == (n % 3 == 2) &&
                 r.cycle == std::uint64_t(n / 2);
      ++n;
    }
    CHECK(in_order);
    CHECK(n == lines);
    CHECK(reader.bytes_parsed() == text.size() + 1);  // the missing final newline counted as read
    CHECK_FALSE(reader.next(r));
  }
  SECTION("a bad line far into the trace: the records before it, then its line number") {
    // Line 250 000 of the file (comments count) is record 249 751.
    const int bad_line = 250000;
    std::size_t at = 0;
    for (int i = 1; i < bad_line; ++i) at = text.find('\n', at) + 1;
    std::string broken = text;
    broken.replace(at, broken.find('\r', at) - at, "0x40 FETCH 1");
    std::istringstream in(broken);
    MemoryTraceReader reader(in, "long.trace");
    MemoryTraceRecord r;
    int n = 0;
    CHECK_THROWS_WITH(
        [&] {
          while (reader.next(r)) ++n;
        }(),
        Catch::StartsWith("long.trace:250000:") && Catch::Contains("not READ or WRITE"));
    CHECK(n == bad_line - 1 - (bad_line - 1) / 1001);
  }
  SECTION("a reader dropped half way stops its parser") {
    std::istringstream in(text);
    MemoryTraceReader reader(in, "long.trace");
    MemoryTraceRecord r;
    for (int i = 0; i < 10; ++i) REQUIRE(reader.next(r));
  }  // the destructor joins the parser thread: a hang here fails the test by its timeout
}

TEST_CASE("a trace line longer than any valid one is an error, not a memory hog") {
  CHECK_THROWS_WITH(parse("0x40 READ 0\n" + std::string(10000, '0') + " READ 1\n"),
                    Catch::StartsWith("t.trace:2:") && Catch::Contains("longer than 4096 characters"));
}

TEST_CASE("a long idle gap costs no time and shifts nothing but the refresh count") {
  // An idle channel refreshes once per tREFI per rank or pseudo-channel and
  // nothing else. So moving the second request K tREFI later must give the
  // same latency and commands, K x units more REFs and a last completion
  // K tREFI later. The short gap runs event by event; the long one (10^9
  // periods) would take hours that way.
  for (const char* preset : {"ddr4-2400", "hbm2", "lpddr5-6400"}) {
    for (const PagePolicy policy : {PagePolicy::kOpen, PagePolicy::kClosed}) {
      DramConfig c = dram_preset(preset);
      c.page_policy = policy;
      const std::uint64_t refi = std::uint64_t(c.timing.tREFI);
      const std::uint64_t units = std::uint64_t(c.pseudo_channels * c.ranks);
      const std::uint64_t k = 1000000000;
      // After the gap: a read that meets the refresh (it waits for tRFC), one
      // just after it, one well clear of it and one that meets the next.
      const std::uint64_t rfc = std::uint64_t(c.timing.tRFC);
      auto trace = [&](std::uint64_t gap) {
        return std::vector<MemoryTraceRecord>{{0x40, false, 0},          {0x12340, true, 5},
                                              {0x40, false, gap},        {0x987640, false, gap + rfc - 3},
                                              {0x5550, false, gap + 3 * rfc}, {0x777740, false, gap + refi}};
      };
      const std::uint64_t gap = 2 * refi + 3;  // below the skip threshold
      const DramReplayResult near = replay_memory_trace(c, trace(gap));
      const DramReplayResult far = replay_memory_trace(c, trace(gap + k * refi));
      INFO(preset << (policy == PagePolicy::kOpen ? " open" : " closed"));
      CHECK(far.counters.refreshes == near.counters.refreshes + k * units);
      CHECK(far.last_done_cycle == near.last_done_cycle + k * refi);
      CHECK(far.read_latency_histogram == near.read_latency_histogram);
      CHECK(near.max_read_latency_cycles > std::uint64_t(c.timing.tRFC));  // the refresh was met
      CHECK(far.counters.activates == near.counters.activates);
      CHECK(far.counters.precharges == near.counters.precharges);
      CHECK(far.counters.row_hits == near.counters.row_hits);
      CHECK(near.counters.refreshes >= 2 * units);
    }
  }
}

TEST_CASE("dram_parameter_keys are the keys load_dram_config reads besides preset") {
  // The accelerator loader names them when dram.preset is missing; this keeps the list whole.
  std::vector<std::string> keys = dram_parameter_keys();
  keys.push_back("preset");
  std::sort(keys.begin(), keys.end());
  CHECK_THROWS_WITH(load("preset: hbm2\nnot_a_key: 1\n"),
                    fmt::format("acc.yaml:2: dram.not_a_key: unknown key; allowed here: {}", fmt::join(keys, ", ")));
}

#include "models/memory/dram_config.h"

#include <cmath>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "models/memory/dram_address_map.h"

namespace qarch::memory {
namespace {

// Each preset names its source. Where ../shared/reference/dram/timing_params.md
// describes the device (ddr4-2400, lpddr4-3200, hbm2), the values are exactly
// the ones the three reference simulators were configured with.
DramConfig make_ddr4_2400() {
  // timing_params.md section 1: DDR4-2400R 16-16-16, 8 x8 4 Gb devices, one
  // rank, 64-bit channel (JESD79-4 speed bin DDR4-2400R; Ramulator 2
  // DDR4_2400R; DRAMSim3 DDR4_4Gb_x8_2400 with CL/tRCD/tRP 17->16).
  DramConfig c;
  c.preset = "ddr4-2400";
  c.tCK_ns = 1.0 / 1.2;
  c.bank_groups = 4;
  c.banks_per_group = 4;
  c.rows = 32768;
  c.columns = 1024;
  c.bus_width_bits = 64;
  c.burst_length = 8;
  c.timing = {16, 12, 16, 16, 16, 39, 55, 4, 6, 26, 4, 6, 6, 18, 3, 9, 9, 312, 9360, 1};
  c.address_mapping = "ro:ba:co:bg";
  return c;
}

DramConfig make_ddr4_3200() {
  // JESD79-4 DDR4-3200AA 22-22-22, x8 8 Gb devices (tRFC1 350 ns), one rank,
  // 64-bit channel. Cycle values as in Ramulator 2 DDR4_3200AA with its x8
  // tables for tRRD_S/L and tFAW.
  DramConfig c;
  c.preset = "ddr4-3200";
  c.tCK_ns = 0.625;
  c.bank_groups = 4;
  c.banks_per_group = 4;
  c.rows = 65536;
  c.columns = 1024;
  c.bus_width_bits = 64;
  c.burst_length = 8;
  c.timing = {22, 16, 22, 22, 22, 52, 74, 4, 8, 34, 4, 8, 8, 24, 4, 12, 12, 560, 12480, 1};
  c.address_mapping = "ro:ba:co:bg";
  return c;
}

DramConfig make_ddr5_4800() {
  // JESD79-5 DDR5-4800AN 34-34-34, x8 16 Gb devices (8 bank groups x 4
  // banks, 64 Ki rows, 1 Ki columns), one rank, one 32-bit sub-channel, BL16.
  // tRAS 32 ns, tWR 30 ns, tRTP 7.5 ns, tCCD_L/tRRD_L max(8 nCK, 5 ns),
  // tFAW 32 nCK (1 KiB page), tWTR_S/L max(4 nCK, 2.5 ns)/max(16 nCK, 10 ns),
  // tRFC1 295 ns (16 Gb), tREFI 3.9 us; CWL = CL - 2. Writes to one bank
  // group wait tCCD_L_WR 20 ns = 48 nCK (Ramulator 2.1 DDR5_4800AN nCCDL_WR;
  // JESD79-5's tCCD_L_WR2, 10 ns, applies to writes needing no on-die ECC
  // read-modify-write: --set tCCD_L_WR=24). ACT, RD and WR are two-cycle
  // commands on the DDR5 CA bus.
  DramConfig c;
  c.preset = "ddr5-4800";
  c.tCK_ns = 1.0 / 2.4;
  c.bank_groups = 8;
  c.banks_per_group = 4;
  c.rows = 65536;
  c.columns = 1024;
  c.bus_width_bits = 32;
  c.burst_length = 16;
  c.timing = {34, 32, 34, 34, 34, 77, 111, 8, 12, 32, 8, 12, 48, 72, 6, 24, 18, 708, 9360, 2};
  c.act_command_cycles = 2;
  c.cas_command_cycles = 2;
  c.address_mapping = "ro:ba:co:bg";
  return c;
}

DramConfig make_lpddr4_3200() {
  // timing_params.md section 2 (the DRAMSim3 = DRAMSys set, JEDEC JESD209-4):
  // two x16 dies ganged into a 32-bit channel, BL16 = 64 B, 8 banks, 1-cycle
  // commands and no tDQSCK as in DRAMSim3.
  DramConfig c;
  c.preset = "lpddr4-3200";
  c.tCK_ns = 0.625;
  c.bank_groups = 1;
  c.banks_per_group = 8;
  c.rows = 65536;
  c.columns = 1024;
  c.bus_width_bits = 32;
  c.burst_length = 16;
  c.timing = {28, 14, 29, 29, 29, 68, 97, 16, 16, 64, 8, 8, 8, 29, 16, 16, 12, 448, 6246, 1};
  c.address_mapping = "ro:ba:co";
  return c;
}

DramConfig make_lpddr5_6400() {
  // LPDDR5-6400 (JESD209-5), bank-group mode (4 x 4 banks), 16 Gb x16
  // channel, BL32 = 64 B; CK = 800 MHz with 8 data beats per CK (WCK 4:1).
  // Cycle values of Ramulator 2.0's LPDDR5_6400 preset (RL 20, WL 11, tRCD 15,
  // tRPpb 15, tRAS 34, tWR 28, tRTP 4, tRRD 4, tFAW 16, tWTR_S/L 5/10,
  // tRFCab 280 ns, tREFI 3906 ns; Ramulator 2.1 and gem5 use RL 17, 2.1 WL 9);
  // tRC = tRAS + tRPpb (Ramulator's nRC 30 is below its own tRAS). A BL32
  // burst is 4 CK, but in bank-group mode it moves as two 16-beat halves
  // with a gap another bank group can fill: the same bank group waits
  // tCCD_L = 8 CK (gem5 LPDDR5_6400_1x16_BG_BL32; Ramulator 2.1 has 2 x BL/n
  // with BL16).
  DramConfig c;
  c.preset = "lpddr5-6400";
  c.tCK_ns = 1.25;
  c.bank_groups = 4;
  c.banks_per_group = 4;
  c.rows = 65536;
  c.columns = 1024;
  c.bus_width_bits = 16;
  c.burst_length = 32;
  c.data_beats_per_clock = 8;
  c.timing = {20, 11, 15, 15, 15, 34, 49, 4, 4, 16, 4, 8, 8, 28, 5, 10, 4, 224, 3125, 2};
  c.address_mapping = "ro:ba:co:bg";
  return c;
}

DramConfig make_lpddr5x_8533() {
  // LPDDR5X-8533: the lpddr5-6400 preset's nanosecond values (JESD209-5 core
  // timings do not scale with the data rate) rounded up to the 1066.7 MHz CK;
  // RL/WL scaled the same way, an approximation of the JESD209-5B tables.
  DramConfig c = make_lpddr5_6400();
  c.preset = "lpddr5x-8533";
  c.tCK_ns = 0.9375;
  c.timing = {27, 15, 20, 20, 20, 45, 65, 6, 6, 22, 4, 8, 8, 37, 7, 14, 8, 299, 4167, 2};
  return c;
}

DramConfig make_hbm2() {
  // timing_params.md section 3: one HBM2 channel at 2 Gb/s/pin in
  // pseudo-channel mode (2 x 64 bit, BL4 = 32 B), 4 x 4 banks per PC, 32 Ki
  // rows, 1 KiB page per PC; Ramulator 2 HBM2_4Gb / HBM2_2000Mbps timings.
  // Row and column command buses are separate, ACT takes two cycles.
  DramConfig c;
  c.preset = "hbm2";
  c.tCK_ns = 1.0;
  c.pseudo_channels = 2;
  c.bank_groups = 4;
  c.banks_per_group = 4;
  c.rows = 32768;
  c.columns = 128;
  c.bus_width_bits = 64;
  c.burst_length = 4;
  c.timing = {14, 5, 14, 12, 14, 34, 48, 4, 4, 15, 2, 4, 4, 16, 6, 8, 5, 260, 3900, 1};
  c.split_command_bus = true;
  c.act_command_cycles = 2;
  c.address_mapping = "ro:ba:co:bg:pc";
  return c;
}

DramConfig make_hbm3() {
  // HBM3 (JESD238) at 6.4 Gb/s/pin: 16 channels x 2 pseudo-channels x 32 bit,
  // BL8 = 32 B, CK 1.6 GHz with 4 beats per CK, 4 x 4 banks per PC, 1 KiB
  // page. Core array timings are the hbm2 preset's nanosecond values rounded
  // up to the 0.625 ns CK (an approximation: JESD238's tables were not at
  // hand); tRFC 260 ns (4 Gb per PC), tREFI 3.9 us.
  DramConfig c;
  c.preset = "hbm3";
  c.tCK_ns = 0.625;
  c.channels = 16;
  c.pseudo_channels = 2;
  c.bank_groups = 4;
  c.banks_per_group = 4;
  c.rows = 16384;
  c.columns = 256;
  c.bus_width_bits = 32;
  c.burst_length = 8;
  c.data_beats_per_clock = 4;
  c.timing = {23, 8, 23, 20, 23, 55, 77, 7, 7, 24, 2, 4, 4, 26, 10, 13, 8, 416, 6240, 1};
  c.split_command_bus = true;
  c.act_command_cycles = 2;
  c.address_mapping = "ro:ba:co:bg:ch:pc";
  return c;
}

struct PresetEntry {
  const char* name;
  DramConfig (*make)();
};

const PresetEntry kPresets[] = {
    {"ddr4-2400", make_ddr4_2400},     {"ddr4-3200", make_ddr4_3200},
    {"ddr5-4800", make_ddr5_4800},     {"lpddr4-3200", make_lpddr4_3200},
    {"lpddr5-6400", make_lpddr5_6400}, {"lpddr5x-8533", make_lpddr5x_8533},
    {"hbm2", make_hbm2},               {"hbm3", make_hbm3},
};

bool is_power_of_two(std::int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// A data bus of whole bytes (a burst is bus_width_bits / 8 x burst_length bytes).
constexpr int kMinBusWidthBits = 8;
constexpr int kMaxBusWidthBits = 1024;

// `keys`: the parameter(s) involved, most likely culprit first.
using FailFn = std::function<void(const std::vector<std::string>& keys, const std::string& message)>;

void check_config(const DramConfig& c, const FailFn& fail) {
  const auto& t = c.timing;
  auto pow2 = [&](const char* key, std::int64_t v) {
    if (!is_power_of_two(v)) fail({key}, fmt::format("{} is not a power of two", v));
  };
  pow2("channels", c.channels);
  pow2("pseudo_channels", c.pseudo_channels);
  pow2("ranks", c.ranks);
  pow2("bank_groups", c.bank_groups);
  pow2("banks_per_group", c.banks_per_group);
  pow2("rows", c.rows);
  pow2("columns", c.columns);
  pow2("burst_length", c.burst_length);
  if (c.bus_width_bits < kMinBusWidthBits || c.bus_width_bits > kMaxBusWidthBits || !is_power_of_two(c.bus_width_bits)) {
    fail({"bus_width_bits"}, fmt::format("{} is not allowed; allowed: a power of two in {}..{}", c.bus_width_bits,
                                         kMinBusWidthBits, kMaxBusWidthBits));
  }
  if (c.burst_length > c.columns) {
    fail({"burst_length", "columns"}, fmt::format("burst_length {} is larger than the {} columns per row",
                                             c.burst_length, c.columns));
  }
  if (c.burst_length % c.data_beats_per_clock != 0) {
    fail({"burst_length", "data_beats_per_clock"},
         fmt::format("burst_length {} is not a whole number of clocks at {} beats per clock",
                     c.burst_length, c.data_beats_per_clock));
  }
  if (c.banks_per_channel() > 64) {
    fail({"banks_per_group", "bank_groups", "ranks", "pseudo_channels"}, fmt::format("{} banks per channel (pseudo_channels x ranks x "
                                        "bank_groups x banks_per_group); at most 64 are supported",
                                        c.banks_per_channel()));
  }
  if (t.tRAS < t.tRCD) fail({"tRAS", "tRCD"}, fmt::format("tRAS {} < tRCD {}: a row must stay open at least until it can be read", t.tRAS, t.tRCD));
  if (t.tRAS < t.tRCDWR) fail({"tRAS", "tRCDWR"}, fmt::format("tRAS {} < tRCDWR {}: a row must stay open at least until it can be written", t.tRAS, t.tRCDWR));
  if (t.tRC < t.tRAS) fail({"tRC", "tRAS"}, fmt::format("tRC {} < tRAS {}", t.tRC, t.tRAS));
  if (t.tRC < t.tRP) fail({"tRC", "tRP"}, fmt::format("tRC {} < tRP {}", t.tRC, t.tRP));
  if (t.tRRD_L < t.tRRD_S) fail({"tRRD_L", "tRRD_S"}, fmt::format("tRRD_L {} < tRRD_S {}", t.tRRD_L, t.tRRD_S));
  if (t.tCCD_L < t.tCCD_S) fail({"tCCD_L", "tCCD_S"}, fmt::format("tCCD_L {} < tCCD_S {}", t.tCCD_L, t.tCCD_S));
  if (t.tCCD_L_WR < t.tCCD_S) fail({"tCCD_L_WR", "tCCD_S"}, fmt::format("tCCD_L_WR {} < tCCD_S {}", t.tCCD_L_WR, t.tCCD_S));
  if (t.tWTR_L < t.tWTR_S) fail({"tWTR_L", "tWTR_S"}, fmt::format("tWTR_L {} < tWTR_S {}", t.tWTR_L, t.tWTR_S));
  if (t.tCCD_S < c.burst_cycles()) {
    fail({"tCCD_S", "burst_length", "data_beats_per_clock"}, fmt::format("tCCD_S {} is shorter than a burst ({} cycles): data would overlap",
                               t.tCCD_S, c.burst_cycles()));
  }
  if (t.tFAW < t.tRRD_S) fail({"tFAW", "tRRD_S"}, fmt::format("tFAW {} < tRRD_S {}", t.tFAW, t.tRRD_S));
  if (t.tREFI <= t.tRFC) fail({"tREFI", "tRFC"}, fmt::format("tREFI {} <= tRFC {}: the device would never leave refresh", t.tREFI, t.tRFC));
  // With less, every row opened after a refresh is closed by the next one before
  // its access: each request waits through ~10^6 refreshes (a replay "hangs").
  if (t.tREFI < t.tRFC + t.tRC) {
    fail({"tREFI", "tRFC", "tRC"}, fmt::format("tREFI {} < tRFC {} + tRC {}: a refresh interval must leave room for "
                                             "one row cycle after the refresh",
                                             t.tREFI, t.tRFC, t.tRC));
  }
  const int write_row_cycle = t.tRCDWR + t.CWL + c.burst_cycles() + t.tWR + t.tRP;
  if (t.tREFI < t.tRFC + write_row_cycle) {
    fail({"tREFI", "tRFC", "tRCDWR", "CWL", "tWR", "tRP", "burst_length", "data_beats_per_clock"},
         fmt::format("tREFI {} < tRFC {} + write row cycle {} (tRCDWR {} + CWL {} + burst {} + tWR {} + tRP {}): a "
                     "refresh interval must leave room for one write row cycle after the refresh",
                     t.tREFI, t.tRFC, write_row_cycle, t.tRCDWR, t.CWL, c.burst_cycles(), t.tWR, t.tRP));
  }
  // Every rank and pseudo-channel of a channel is due for refresh at the same
  // cycle, and their PREA and REF take the one row command bus in turn: the
  // last one's refresh ends 2 x (units - 1) cycles after a lone unit's. With
  // less room its requests are never served (16 units at tREFI 15 refreshed
  // forever).
  const int units = c.pseudo_channels * c.ranks;
  const int row_cycle = std::max(t.tRC, write_row_cycle);
  if (units > 1 && t.tREFI < t.tRFC + row_cycle + 2 * (units - 1)) {
    fail({"tREFI", "tRFC", "ranks", "pseudo_channels"},
         fmt::format("tREFI {} < tRFC {} + row cycle {} + {} row-bus cycles for the PREA and REF of the other {} "
                     "ranks and pseudo-channels: a refresh interval must leave each of them room for a row cycle "
                     "after its refresh",
                     t.tREFI, t.tRFC, row_cycle, 2 * (units - 1), units - 1));
  }
  if (c.write_low_watermark >= c.write_high_watermark) {
    fail({"write_low_watermark", "write_high_watermark"},
         fmt::format("write_low_watermark {} is not below write_high_watermark {}: writes drain from above the "
                     "high watermark until below the low one",
                     c.write_low_watermark, c.write_high_watermark));
  }
  try {
    DramAddressMap map(c);
  } catch (const InputError& e) {
    // A field the mapping leaves out is the mapping's fault or its count's.
    const std::string count_key = unmapped_count_key(c);
    fail(count_key.empty() ? std::vector<std::string>{"address_mapping"}
                           : std::vector<std::string>{"address_mapping", count_key},
         e.what());
  }
}

}  // namespace

std::uint64_t DramConfig::capacity_bytes() const {
  return std::uint64_t(channels) * banks_per_channel() * std::uint64_t(rows) *
         std::uint64_t(bursts_per_row()) * std::uint64_t(burst_bytes());
}

double DramConfig::peak_bandwidth_gbps() const {
  // bytes per burst / burst time, per data bus.
  return channels * pseudo_channels * burst_bytes() / (burst_cycles() * tCK_ns);
}

const std::vector<std::string>& dram_preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& p : kPresets) n.emplace_back(p.name);
    return n;
  }();
  return names;
}

const std::vector<std::string>& dram_parameter_keys() {
  static const std::vector<std::string> keys{
      "tCK", "channels", "pseudo_channels", "ranks", "bank_groups", "banks_per_group", "rows", "columns",
      "bus_width_bits", "burst_length", "data_beats_per_clock", "CL", "CWL", "tRCD", "tRCDWR", "tRP", "tRAS", "tRC",
      "tRRD_S", "tRRD_L", "tFAW", "tCCD_S", "tCCD_L", "tCCD_L_WR", "tWR", "tWTR_S", "tWTR_L", "tRTP", "tRFC", "tREFI", "tRTRS",
      "split_command_bus", "act_command_cycles", "cas_command_cycles", "page_policy", "read_queue_depth",
      "write_queue_depth", "write_high_watermark", "write_low_watermark", "address_mapping", "address_hash"};
  return keys;
}

DramConfig dram_preset(const std::string& name) {
  for (const auto& p : kPresets) {
    if (name == p.name) return p.make();
  }
  throw InputError(fmt::format("unknown DRAM preset '{}'; allowed: {}", name,
                               fmt::join(dram_preset_names(), ", ")));
}

void validate_dram_config(const DramConfig& config) {
  check_config(config, [](const std::vector<std::string>& keys, const std::string& message) {
    throw InputError("dram." + keys.front() + ": " + message);
  });
}

DramConfig load_dram_config(YamlMap& m) {
  const std::string name = m.choice("preset", dram_preset_names());
  DramConfig c = dram_preset(name);
  const bool rcdwr_follows = c.timing.tRCDWR == c.timing.tRCD;
  const bool ccd_l_wr_follows = c.timing.tCCD_L_WR == c.timing.tCCD_L;

  // DRAM clocks of 10 MHz (LPDDR4's slowest, JESD209-4) to 10 GHz: qarch run
  // keeps the period in whole picoseconds (SystemC), under 0.5 % off from 100 ps.
  const double tCK_s = m.quantity("tCK", Dimension::kTimeSeconds, {100e-12, 100e-9}, 0.0);  // 0: not given
  if (tCK_s > 0) c.tCK_ns = tCK_s * 1e9;
  auto count = [&](const char* key, int& field, int max, int min = 1) {
    field = int(m.integer(key, min, max, field));
  };
  count("channels", c.channels, 1024);
  count("pseudo_channels", c.pseudo_channels, 8);
  count("ranks", c.ranks, 16);
  count("bank_groups", c.bank_groups, 64);
  count("banks_per_group", c.banks_per_group, 64);
  count("rows", c.rows, 1 << 24);
  count("columns", c.columns, 1 << 16);
  count("bus_width_bits", c.bus_width_bits, kMaxBusWidthBits, kMinBusWidthBits);
  count("burst_length", c.burst_length, 64);
  count("data_beats_per_clock", c.data_beats_per_clock, 16);

  auto cycles = [&](const char* key, int& field, int min = 1) {
    field = int(m.integer(key, min, 1 << 20, field));
  };
  DramTiming& t = c.timing;
  cycles("CL", t.CL);
  cycles("CWL", t.CWL);
  cycles("tRCD", t.tRCD);
  if (rcdwr_follows) t.tRCDWR = t.tRCD;
  cycles("tRCDWR", t.tRCDWR);
  cycles("tRP", t.tRP);
  cycles("tRAS", t.tRAS);
  cycles("tRC", t.tRC);
  cycles("tRRD_S", t.tRRD_S);
  cycles("tRRD_L", t.tRRD_L);
  cycles("tFAW", t.tFAW);
  cycles("tCCD_S", t.tCCD_S);
  cycles("tCCD_L", t.tCCD_L);
  if (ccd_l_wr_follows) t.tCCD_L_WR = t.tCCD_L;
  cycles("tCCD_L_WR", t.tCCD_L_WR);
  cycles("tWR", t.tWR);
  cycles("tWTR_S", t.tWTR_S);
  cycles("tWTR_L", t.tWTR_L);
  cycles("tRTP", t.tRTP);
  cycles("tRFC", t.tRFC);
  cycles("tREFI", t.tREFI);
  cycles("tRTRS", t.tRTRS, 0);

  c.split_command_bus = m.boolean("split_command_bus", c.split_command_bus);
  cycles("act_command_cycles", c.act_command_cycles);
  cycles("cas_command_cycles", c.cas_command_cycles);
  c.page_policy = m.choice("page_policy", {"open", "closed"},
                           c.page_policy == PagePolicy::kOpen ? "open" : "closed") == "open"
                      ? PagePolicy::kOpen
                      : PagePolicy::kClosed;
  count("read_queue_depth", c.read_queue_depth, 4096);
  count("write_queue_depth", c.write_queue_depth, 4096);
  c.write_high_watermark = m.number("write_high_watermark", 0.0, 1.0, c.write_high_watermark);
  c.write_low_watermark = m.number("write_low_watermark", 0.0, 1.0, c.write_low_watermark);
  c.address_mapping = m.string("address_mapping", c.address_mapping);
  c.address_hash = m.choice("address_hash", {"none", "xor"},
                            c.address_hash == AddressHash::kXor ? "xor" : "none") == "xor"
                       ? AddressHash::kXor
                       : AddressHash::kNone;
  m.finish();
  check_config(c, [&](const std::vector<std::string>& keys, const std::string& message) {
    // Point at an involved key the user wrote, else at the preset line.
    const std::string key = m.blamed_key(keys);
    if (!key.empty()) m.fail(key, message);
    m.fail("preset", message + " (values from preset '" + name + "')");
  });
  return c;
}

}  // namespace qarch::memory

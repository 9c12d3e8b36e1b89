#pragma once
// DRAM device + controller parameters as one plain struct, the named presets,
// and the loader from a YAML `dram:` section (`preset:` plus overrides of any
// parameter). Timing values are in DRAM clock cycles (tCK), as in JEDEC
// speed-bin tables and in DRAMSim3 / Ramulator / DRAMSys configurations.
#include <cstdint>
#include <string>
#include <vector>

namespace qarch {
class YamlMap;
}

namespace qarch::memory {

enum class PagePolicy { kOpen, kClosed };
enum class AddressHash { kNone, kXor };

struct DramTiming {
  int CL = 0;      // read latency: RD to first data beat
  int CWL = 0;     // write latency: WR to first data beat
  int tRCD = 0;    // ACT to RD
  int tRCDWR = 0;  // ACT to WR (HBM has a separate, shorter one; = tRCD elsewhere)
  int tRP = 0;     // PRE to ACT, same bank
  int tRAS = 0;    // ACT to PRE, same bank
  int tRC = 0;     // ACT to ACT, same bank
  int tRRD_S = 0;  // ACT to ACT, different bank group
  int tRRD_L = 0;  // ACT to ACT, same bank group
  int tFAW = 0;    // window holding at most four ACTs per rank / pseudo-channel
  int tCCD_S = 0;  // column to column, different bank group
  int tCCD_L = 0;  // column to column, same bank group
  int tCCD_L_WR = 0;  // write to write, same bank group (DDR5: longer; = tCCD_L elsewhere)
  int tWR = 0;     // end of write data to PRE
  int tWTR_S = 0;  // end of write data to RD, different bank group
  int tWTR_L = 0;  // end of write data to RD, same bank group
  int tRTP = 0;    // RD to PRE
  int tRFC = 0;    // all-bank refresh cycle time
  int tREFI = 0;   // refresh interval
  int tRTRS = 0;   // rank-to-rank data-bus switch
};

struct DramConfig {
  std::string preset;  // name it was built from ("" when built by hand)
  double tCK_ns = 0;

  // Organisation (row/column counts per device). A pseudo-channel (HBM) has its own banks and data bus but
  // shares the channel's command buses; DDR/LPDDR have pseudo_channels = 1.
  int channels = 1;
  int pseudo_channels = 1;
  int ranks = 1;
  int bank_groups = 1;
  int banks_per_group = 1;
  int rows = 0;
  int columns = 0;             // device columns per row (one data beat each)
  int bus_width_bits = 0;      // data bus per channel or pseudo-channel
  int burst_length = 0;        // data beats per burst (BL)
  int data_beats_per_clock = 2;  // 2 for DDR clocking; LPDDR5 moves 8 per CK

  DramTiming timing;

  // Command bus. HBM has separate row and column command buses, and its ACT
  // occupies two command cycles (JESD235).
  bool split_command_bus = false;
  int act_command_cycles = 1;
  int cas_command_cycles = 1;  // DDR5 RD/WR are two-cycle commands

  // Controller.
  PagePolicy page_policy = PagePolicy::kOpen;
  int read_queue_depth = 32;   // bursts, per channel
  int write_queue_depth = 32;
  double write_high_watermark = 0.8;  // enter write drain above this fill
  double write_low_watermark = 0.2;   // leave write drain below this fill
  std::string address_mapping;        // e.g. "ro:ba:co:bg", MSB to LSB above the burst offset
  AddressHash address_hash = AddressHash::kNone;

  int burst_bytes() const { return bus_width_bits / 8 * burst_length; }
  int burst_cycles() const { return burst_length / data_beats_per_clock; }
  int bursts_per_row() const { return columns / burst_length; }
  int banks_per_channel() const {
    return pseudo_channels * ranks * bank_groups * banks_per_group;
  }
  std::uint64_t capacity_bytes() const;
  // All channels, data bus only (no refresh, no turnarounds).
  double peak_bandwidth_gbps() const;
};

const std::vector<std::string>& dram_preset_names();
// Throws InputError naming the known presets.
DramConfig dram_preset(const std::string& name);

// The keys of a `dram:` section with a preset other than `preset` itself:
// the timing and organisation parameters load_dram_config reads.
const std::vector<std::string>& dram_parameter_keys();

// Reads `preset:` (required) and overrides of any parameter from a `dram:`
// section, then validates; errors name file, line and key.
DramConfig load_dram_config(YamlMap& map);

// Checks consistency (tRAS >= tRCD, powers of two, a complete address
// mapping, ...); throws InputError naming the parameter.
void validate_dram_config(const DramConfig& config);

}  // namespace qarch::memory

#pragma once
// UFS flash timing core for streaming weights and experts: a command queue of
// bounded depth, parallel flash units (dies/planes) that each serve one
// non-sequential command for the array latency, and one link that moves the
// data at the sequential bandwidth. A command that starts in the logical block
// (`page`) where the previous one ended, or in the next, is served from
// read-ahead / write buffering without array time, so sequential transfers
// run at the link bandwidth and random 4 KiB reads at min(queue depth,
// parallel units) / latency.
#include <cstdint>
#include <string>
#include <vector>

namespace qarch {
class YamlMap;
}

namespace qarch::memory {

struct FlashConfig {
  std::string preset;
  double seq_read_gbps = 0;   // link-limited sequential read, GB/s (1e9 B/s)
  double seq_write_gbps = 0;
  double read_latency_ns = 0;   // array + firmware time of a random read command
  double write_latency_ns = 0;  // of a random write command
  int parallel_units = 1;       // commands the array serves at once
  int queue_depth = 32;         // UFS command queue
  int page_bytes = 4096;        // logical block: counted, and the unit of sequential detection
};

const std::vector<std::string>& flash_preset_names();  // ufs3.1, ufs4.0
FlashConfig flash_preset(const std::string& name);     // InputError if unknown
// Keys: preset (required), seq_read_bandwidth, seq_write_bandwidth,
// read_latency, write_latency, parallel_units, queue_depth, page.
FlashConfig load_flash_config(YamlMap& map);

struct FlashCounters {
  std::uint64_t read_commands = 0;
  std::uint64_t write_commands = 0;
  // Logical blocks (`page`) the commands touched; a command that starts in the
  // block the previous one of its direction ended in does not count it again.
  std::uint64_t pages_read = 0;
  std::uint64_t pages_written = 0;
  std::uint64_t sequential_commands = 0;
};

class Flash {
 public:
  explicit Flash(const FlashConfig& config);
  // Issues a command at `time_ns` (non-decreasing); returns its completion time.
  double access(std::uint64_t address, std::uint64_t bytes, bool is_write, double time_ns);
  const FlashCounters& counters() const { return counters_; }
  const FlashConfig& config() const { return config_; }

 private:
  FlashConfig config_;
  std::vector<double> queue_done_;  // completion time per queue slot
  std::vector<double> unit_free_;
  double link_free_ = 0;
  // Per direction (read, write): the block after the last one the previous
  // command touched.
  std::uint64_t next_block_[2] = {~std::uint64_t{0}, ~std::uint64_t{0}};
  FlashCounters counters_;
};

}  // namespace qarch::memory

#include "models/memory/flash.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/input_error.h"
#include "common/yaml_reader.h"

namespace qarch::memory {
namespace {

FlashConfig make_ufs31() {
  // UFS 3.1 (JESD220E, 2 lanes HS-G4): Samsung 512 GB eUFS 3.1 (press
  // release, March 2020): 2100 MB/s sequential read, 1200 MB/s sequential
  // write, 100K / 70K random read / write IOPS. Random read latency 80 us
  // is an assumption (no datasheet at hand); parallel_units = IOPS x latency
  // (Little's law) = 100K x 80 us = 8.
  FlashConfig c;
  c.preset = "ufs3.1";
  c.seq_read_gbps = 2.1;
  c.seq_write_gbps = 1.2;
  c.read_latency_ns = 80e3;
  c.write_latency_ns = 115e3;  // 70K IOPS x 115 us = 8 units
  c.parallel_units = 8;
  c.queue_depth = 32;
  return c;
}

FlashConfig make_ufs40() {
  // UFS 4.0 (JESD220F, 2 lanes HS-G5): Samsung UFS 4.0 (press release, May
  // 2022): 4200 MB/s sequential read, 2800 MB/s sequential write. Random
  // latencies and parallelism are assumptions: 60 us / 80 us and 12 units
  // (200K / 150K IOPS at full queue).
  FlashConfig c;
  c.preset = "ufs4.0";
  c.seq_read_gbps = 4.2;
  c.seq_write_gbps = 2.8;
  c.read_latency_ns = 60e3;
  c.write_latency_ns = 80e3;
  c.parallel_units = 12;
  c.queue_depth = 32;
  return c;
}

}  // namespace

const std::vector<std::string>& flash_preset_names() {
  static const std::vector<std::string> names = {"ufs3.1", "ufs4.0"};
  return names;
}

FlashConfig flash_preset(const std::string& name) {
  if (name == "ufs3.1") return make_ufs31();
  if (name == "ufs4.0") return make_ufs40();
  throw InputError(fmt::format("unknown flash preset '{}'; allowed: {}", name,
                               fmt::join(flash_preset_names(), ", ")));
}

FlashConfig load_flash_config(YamlMap& m) {
  FlashConfig c = flash_preset(m.choice("preset", flash_preset_names()));
  c.seq_read_gbps = m.quantity("seq_read_bandwidth", Dimension::kBandwidthBps, kMemoryBandwidthRange,
                               c.seq_read_gbps * 1e9) / 1e9;
  c.seq_write_gbps = m.quantity("seq_write_bandwidth", Dimension::kBandwidthBps, kMemoryBandwidthRange,
                                c.seq_write_gbps * 1e9) / 1e9;
  c.read_latency_ns = m.quantity("read_latency", Dimension::kTimeSeconds, kMemoryLatencyRange,
                                 c.read_latency_ns * 1e-9) * 1e9;
  c.write_latency_ns = m.quantity("write_latency", Dimension::kTimeSeconds, kMemoryLatencyRange,
                                  c.write_latency_ns * 1e-9) * 1e9;
  c.parallel_units = int(m.integer("parallel_units", 1, 1024, c.parallel_units));
  c.queue_depth = int(m.integer("queue_depth", 1, 256, c.queue_depth));
  c.page_bytes = int(m.byte_size("page", 1, 1 << 30, std::uint64_t(c.page_bytes)));
  m.finish();
  return c;
}

Flash::Flash(const FlashConfig& config)
    : config_(config), queue_done_(config.queue_depth, 0.0), unit_free_(config.parallel_units, 0.0) {}

double Flash::access(std::uint64_t address, std::uint64_t bytes, bool is_write, double time_ns) {
  // A free queue slot (the earliest to complete).
  auto slot = std::min_element(queue_done_.begin(), queue_done_.end());
  double t = std::max(time_ns, *slot);
  // UFS addresses logical blocks (`page`): a command that starts in the block
  // the previous one of its direction ended in (still in the device's buffer)
  // or in the block after continues the stream; byte gaps inside a block
  // (operands placed 64 B apart) do not break it.
  const std::uint64_t block = config_.page_bytes;
  const std::uint64_t first_block = address / block;
  const std::uint64_t next_block = next_block_[is_write];
  const bool sequential = first_block == next_block || first_block + 1 == next_block;
  // (address + bytes may be 2^64)
  next_block_[is_write] = bytes == 0 ? address / block + (address % block != 0) : (address + bytes - 1) / block + 1;
  if (sequential) {
    ++counters_.sequential_commands;
  } else {
    auto unit = std::min_element(unit_free_.begin(), unit_free_.end());
    t = std::max(t, *unit) + (is_write ? config_.write_latency_ns : config_.read_latency_ns);
    *unit = t;
  }
  const double gbps = is_write ? config_.seq_write_gbps : config_.seq_read_gbps;
  link_free_ = std::max(t, link_free_) + double(bytes) / gbps;  // bytes / (GB/s) = ns
  *slot = link_free_;
  // Blocks the command spans (up to next_block_, the block after its last);
  // the one the previous command ended in (next_block - 1) was already read
  // (or written) and is not counted again.
  const std::uint64_t pages =
      bytes == 0 ? 0 : next_block_[is_write] - first_block - (first_block + 1 == next_block ? 1 : 0);
  if (is_write) {
    ++counters_.write_commands;
    counters_.pages_written += pages;
  } else {
    ++counters_.read_commands;
    counters_.pages_read += pages;
  }
  return link_free_;
}

}  // namespace qarch::memory

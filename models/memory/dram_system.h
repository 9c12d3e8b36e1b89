#pragma once
// All channels of a DRAM configuration behind one address map. Channels are
// independent, so each runs its events lazily up to the cycle of the next
// burst that reaches it.
#include <cstdint>
#include <vector>

#include "models/memory/dram_address_map.h"
#include "models/memory/dram_channel.h"
#include "models/memory/dram_config.h"

namespace qarch::memory {

class DramSystem {
 public:
  // Validates the config (InputError on inconsistency).
  DramSystem(const DramConfig& config, DramBurstSink* sink);

  const DramConfig& config() const { return config_; }
  const DramAddressMap& address_map() const { return map_; }

  // Accepts the burst holding `address` at the first cycle >= `cycle` at which
  // its channel's queue has room (one cycle after the command that frees a
  // slot, as a cycle-ticked front end retrying each cycle would see it);
  // returns that cycle.
  std::uint64_t accept_burst(std::uint64_t address, bool is_write, std::uint64_t cycle,
                             std::uint64_t tag);
  // The same for a burst already decoded with address_map().
  std::uint64_t accept_burst(const DramAddress& address, bool is_write, std::uint64_t cycle,
                             std::uint64_t tag);
  // Runs every channel until its queues are empty.
  void drain();
  // The end of the latest data burst of any channel so far.
  std::uint64_t last_data_end_cycle() const;
  const DramChannel& channel(int channel) const { return channels_[std::size_t(channel)]; }
  // Logs the commands of `channel` (DramChannel::set_command_log).
  void set_command_log(int channel, std::vector<DramCommand>* log) {
    channels_[std::size_t(channel)].set_command_log(log);
  }
  // Runs every channel's events before `cycle`: once drained, the refreshes
  // an idle channel keeps issuing, so that every channel's counters cover
  // the same time.
  void run_until(std::uint64_t cycle);
  DramCounters counters() const;

 private:
  DramConfig config_;
  DramAddressMap map_;
  std::vector<DramChannel> channels_;
};

}  // namespace qarch::memory

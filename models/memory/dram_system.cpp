#include "models/memory/dram_system.h"

#include <algorithm>

namespace qarch::memory {
namespace {

const DramConfig& validated(const DramConfig& c) {
  validate_dram_config(c);
  return c;
}

}  // namespace

DramSystem::DramSystem(const DramConfig& config, DramBurstSink* sink)
    : config_(validated(config)), map_(config_) {
  channels_.reserve(config_.channels);
  for (int i = 0; i < config_.channels; ++i) channels_.emplace_back(config_, sink);
}

std::uint64_t DramSystem::accept_burst(std::uint64_t address, bool is_write,
                                       std::uint64_t cycle, std::uint64_t tag) {
  return accept_burst(map_.decode(address), is_write, cycle, tag);
}

std::uint64_t DramSystem::accept_burst(const DramAddress& a, bool is_write, std::uint64_t cycle,
                                       std::uint64_t tag) {
  DramChannel& ch = channels_[a.channel];
  cycle = std::max(cycle, ch.now());  // the channel may have run past a late caller
  for (;;) {
    ch.run_until(cycle);
    if (ch.has_room(is_write)) break;
    cycle = ch.next_event_cycle() + 1;
  }
  ch.enqueue(a, is_write, cycle, tag);
  return cycle;
}

void DramSystem::drain() {
  for (auto& ch : channels_) {
    while (!ch.empty()) ch.run_next_event();
  }
}

std::uint64_t DramSystem::last_data_end_cycle() const {
  std::uint64_t last = 0;
  for (const auto& ch : channels_) last = std::max(last, ch.last_data_end_cycle());
  return last;
}

void DramSystem::run_until(std::uint64_t cycle) {
  for (auto& ch : channels_) ch.run_until(cycle);
}

DramCounters DramSystem::counters() const {
  DramCounters sum;
  for (const auto& ch : channels_) sum += ch.counters();
  return sum;
}

}  // namespace qarch::memory

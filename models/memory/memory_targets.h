#pragma once
// SystemC TLM-2.0 loosely-timed targets around the plain-C++ timing cores.
// Contract (all three):
//  * b_transport(payload, delay) serves READ and WRITE commands of any length
//    starting at sc_time_stamp() + delay: it advances the timing core and adds
//    the time until the last byte is transferred to `delay` (LT style, no
//    wait()); the initiator's quantum keeper decides when to sync.
//  * Requests are served in call order; a call stamped earlier than the
//    previous one is treated as arriving at the previous one's time (the cores
//    need non-decreasing time; LT initiators within one quantum may skew).
//  * Data is stored (SparseMemory), so reads return what was written; byte
//    enables and streaming width are not supported (TLM_BYTE_ENABLE_ERROR /
//    TLM_BURST_ERROR responses), nor bytes at or past 2^64
//    (TLM_ADDRESS_ERROR). transport_dbg moves data without timing.
//  * A long transfer is split into bursts (DRAM) or lines (cache) that enter
//    the core back to back, so one large b_transport sees streaming bandwidth.
//  * DramTarget keeps the calls of an LT initiator outstanding together, as
//    a DMA engine or cache with several transactions in flight: a call's
//    bursts join the controller's queues at their own time, behind the
//    earlier calls' bursts still queued, and the call's completion is found
//    by running a copy of the channel (the channel itself runs only as far
//    as accepting bursts needs). So back-to-back calls stream as one long
//    transfer would; a call's completion does not see bursts that arrive
//    after it (the LT approximation). A call that waits for its delay
//    before the next one still sees unloaded latency.
//  * A WRITE carrying a PostedWrite extension (transaction_extensions.h) is posted: nothing waits for it.
//    DramTarget only enqueues its bursts (its delay is their acceptance) and
//    leaves them in the controller's write queue, which drains them at its
//    watermarks or when no read is queued, overlapped with later calls.
//  * A call carrying a CompletesWithNext extension is one of a batch whose
//    initiator only needs the batch's completion (a DMA waits for the last
//    of its outstanding transfers). DramTarget only enqueues its bursts (its
//    delay is their acceptance) and reports their completion with the next
//    call without the extension, whose delay covers every burst of the
//    batch: a batch of small calls is timed as one call of all their bytes
//    would be, and the channel copy runs once per batch, not once per call.
//    The other targets ignore it (their delays are completions already).
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/memory/cache.h"
#include "models/memory/dram_channel.h"
#include "models/memory/dram_config.h"
#include "models/memory/dram_system.h"
#include "models/memory/flash.h"
#include "models/memory/sparse_memory.h"
#include "models/memory/transaction_extensions.h"

namespace qarch::memory {

struct TransferCounters {
  std::uint64_t read_bytes = 0;
  std::uint64_t write_bytes = 0;
  std::uint64_t transactions = 0;
};

class DramTarget : public sc_core::sc_module, private DramBurstSink {
 public:
  tlm_utils::simple_target_socket<DramTarget> socket;

  DramTarget(sc_core::sc_module_name name, const DramConfig& config);
  // What the DRAM has done once every burst queued so far is served, with
  // idle channels refreshing until simulation time `now` if that is later.
  // Read from a copy of the channels: calls still outstanding are left to
  // the channels, so asking mid-stream changes no later timing.
  DramCounters dram_counters_at(const sc_core::sc_time& now) const;
  // When every burst queued so far has moved its data, posted writes
  // included (from a copy of the channels, as dram_counters_at).
  sc_core::sc_time drained_at() const;
  const TransferCounters& transfer_counters() const { return transfers_; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& payload);
  void burst_done(std::uint64_t tag, std::uint64_t done_cycle, bool is_write) override;

  DramSystem dram_;
  sc_core::sc_time tck_;
  int pseudo_channels_;
  // Per (channel, pseudo-channel): the first memory clock its front end is free.
  std::vector<std::uint64_t> port_free_cycle_;
  std::uint64_t last_cycle_ = 0;  // of the last burst accepted: bursts enter in order
  // Bursts of the call (or batch of CompletesWithNext calls) being served
  // not yet done, per channel. Their tag is first_tag_ + channel, first_tag_
  // advancing by the channel count after each completion found (64 bits: it
  // never wraps), so that the channel completing an earlier call's bursts
  // later, however much later, counts them for no call; posted bursts have
  // kPostedTag.
  static constexpr std::uint64_t kPostedTag = ~std::uint64_t{0};
  std::uint64_t first_tag_ = 0;
  std::vector<std::uint64_t> pending_bursts_;
  std::uint64_t transfer_done_cycle_ = 0;  // of the call's (batch's) bursts done so far
  bool batch_open_ = false;                // CompletesWithNext calls are waiting
  // The copy of a channel run ahead to find a call's completion.
  std::optional<DramChannel> lookahead_;
  SparseMemory data_;
  TransferCounters transfers_;
};

// A cache in front of a downstream target (DRAM, flash, another cache): hits
// cost the hit latency, misses go out of `downstream` as line-sized,
// timing-only b_transport calls; write-backs and write-throughs are posted
// (PostedWrite) and go out after the call's fills, consecutive lines as one
// call; data moves with transport_dbg downstream.
class CacheTarget : public sc_core::sc_module, private CacheDownstream {
 public:
  tlm_utils::simple_target_socket<CacheTarget> socket;
  tlm_utils::simple_initiator_socket<CacheTarget> downstream;

  CacheTarget(sc_core::sc_module_name name, const CacheConfig& config, sc_core::sc_time clock_period);
  const CacheCounters& cache_counters() const { return cache_.counters(); }
  std::uint64_t dirty_lines() const { return cache_.dirty_lines(); }
  const TransferCounters& transfer_counters() const { return transfers_; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& payload);
  std::uint64_t transfer(std::uint64_t address, std::uint64_t bytes, bool is_write, std::uint64_t cycle) override;
  std::uint64_t transfer_downstream(std::uint64_t address, std::uint64_t bytes, bool is_write,
                                    std::uint64_t cycle);

  struct BufferedWrite {
    std::uint64_t address = 0, bytes = 0, cycle = 0;
  };
  Cache cache_;
  sc_core::sc_time period_;
  std::uint64_t last_cycle_ = 0;
  // Downstream writes (write-backs, write-throughs) of the call being served,
  // sent when its lookups and fills are done.
  std::vector<BufferedWrite> posted_writes_;
  TransferCounters transfers_;
};

class FlashTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<FlashTarget> socket;

  FlashTarget(sc_core::sc_module_name name, const FlashConfig& config);
  const FlashCounters& flash_counters() const { return flash_.counters(); }
  const TransferCounters& transfer_counters() const { return transfers_; }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& payload);

  Flash flash_;
  double last_ns_ = 0;
  SparseMemory data_;
  TransferCounters transfers_;
};

}  // namespace qarch::memory

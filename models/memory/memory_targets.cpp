#include "models/memory/memory_targets.h"

#include <algorithm>
#include <cmath>

namespace qarch::memory {
namespace {

// The last byte a payload touches (a payload of no bytes: its address).
std::uint64_t last_byte(const tlm::tlm_generic_payload& p) {
  return p.get_address() + std::max<std::uint64_t>(p.get_data_length(), 1) - 1;
}

// Checks what every target supports; false (with the response set) if not.
bool supported(tlm::tlm_generic_payload& p) {
  if (p.get_byte_enable_ptr() != nullptr) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  if (p.get_streaming_width() < p.get_data_length()) {
    p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (!p.is_read() && !p.is_write()) {
    p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  // Every byte must lie below 2^64.
  if (last_byte(p) < p.get_address()) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  return true;
}

// A payload without a data pointer is timing-only (the engine's DMA moves no
// bytes): it is timed and counted, and no data is stored.
void move_data(SparseMemory& store, tlm::tlm_generic_payload& p) {
  if (p.get_data_ptr() == nullptr) return;
  if (p.is_write()) store.write(p.get_address(), p.get_data_ptr(), p.get_data_length());
  else store.read(p.get_address(), p.get_data_ptr(), p.get_data_length());
}

void count(TransferCounters& c, const tlm::tlm_generic_payload& p) {
  ++c.transactions;
  (p.is_write() ? c.write_bytes : c.read_bytes) += p.get_data_length();
}

// The clock cycle a transaction starting at `start` is seen in (the next edge).
std::uint64_t cycle_at(const sc_core::sc_time& start, const sc_core::sc_time& period) {
  return std::uint64_t(std::ceil(start / period - 1e-9));
}

}  // namespace

// --- DramTarget --------------------------------------------------------------

DramTarget::DramTarget(sc_core::sc_module_name name, const DramConfig& config)
    : sc_module(name),
      socket("socket"),
      dram_(config, this),
      tck_(config.tCK_ns, sc_core::SC_NS),
      pseudo_channels_(config.pseudo_channels),
      port_free_cycle_(std::size_t(config.channels) * std::size_t(config.pseudo_channels), 0),
      pending_bursts_(std::size_t(config.channels), 0) {
  socket.register_b_transport(this, &DramTarget::b_transport);
  socket.register_transport_dbg(this, &DramTarget::transport_dbg);
}

void DramTarget::burst_done(std::uint64_t tag, std::uint64_t done_cycle, bool) {
  const std::uint64_t channel = tag - first_tag_;  // wraps for earlier calls' tags
  if (tag == kPostedTag || channel >= pending_bursts_.size()) return;
  --pending_bursts_[channel];
  transfer_done_cycle_ = std::max(transfer_done_cycle_, done_cycle);
}

void DramTarget::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!supported(p)) return;
  const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  std::uint64_t cycle = std::max(cycle_at(start, tck_), last_cycle_);
  const std::uint64_t burst = std::uint64_t(dram_.config().burst_bytes());
  const std::uint64_t first = p.get_address() / burst * burst;
  const std::uint64_t last = last_byte(p) / burst * burst;
  const bool posted = p.is_write() && p.get_extension<PostedWrite>() != nullptr;
  const bool completes_with_next = !posted && p.get_extension<CompletesWithNext>() != nullptr;
  const auto channels = std::uint32_t(pending_bursts_.size());
  if (!posted && !batch_open_) transfer_done_cycle_ = 0;
  // Bursts enter in address order; each pseudo-channel's front end takes one
  // per memory clock, so bursts to different (pseudo-)channels enter in the
  // same clock, as from a DMA engine with a port per channel. Accepting a
  // burst runs its channel only as far as a queue slot needs.
  for (std::uint64_t a = first;; a += burst) {
    const DramAddress d = dram_.address_map().decode(a);
    std::uint64_t& port_free = port_free_cycle_[d.channel * std::uint64_t(pseudo_channels_) + d.pseudo_channel];
    if (!posted) ++pending_bursts_[d.channel];
    cycle = dram_.accept_burst(d, p.is_write(), std::max(cycle, port_free),
                               posted ? kPostedTag : first_tag_ + d.channel);
    port_free = cycle + 1;
    if (a == last) break;  // (a + burst may be 2^64)
  }
  last_cycle_ = cycle;
  if (!posted) batch_open_ = completes_with_next;  // a posted write leaves a batch open
  // Posted, or completing with a later call: done when accepted (the
  // controller's queues hold the bursts).
  std::uint64_t done_cycle = cycle;
  if (!posted && !completes_with_next) {
    // A copy of each channel with bursts of this call (and of the batch it
    // ends) still queued runs until they are done; the channel itself stays
    // where accepting left it, so the next call's bursts join its queues at
    // their own time.
    for (std::uint32_t c = 0; c < channels; ++c) {
      if (pending_bursts_[c] == 0) continue;
      lookahead_ = dram_.channel(int(c));
      while (pending_bursts_[c] > 0) lookahead_->run_next_event();
    }
    // The channel completes these bursts again later: under a new tag, they
    // count for no call.
    first_tag_ += channels;
    done_cycle = transfer_done_cycle_;
  }
  const sc_core::sc_time done = tck_ * double(done_cycle);
  delay += done > start ? done - start : sc_core::SC_ZERO_TIME;
  move_data(data_, p);
  count(transfers_, p);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

DramCounters DramTarget::dram_counters_at(const sc_core::sc_time& now) const {
  // The copy's completions reach burst_done() under earlier calls' tags (or
  // kPostedTag): they count for no call.
  DramSystem served = dram_;
  served.drain();
  served.run_until(cycle_at(now, tck_));
  return served.counters();
}

sc_core::sc_time DramTarget::drained_at() const {
  DramSystem served = dram_;
  served.drain();
  return tck_ * double(served.last_data_end_cycle());
}

unsigned int DramTarget::transport_dbg(tlm::tlm_generic_payload& p) {
  move_data(data_, p);
  return p.get_data_length();
}

// --- CacheTarget -------------------------------------------------------------

CacheTarget::CacheTarget(sc_core::sc_module_name name, const CacheConfig& config,
                         sc_core::sc_time clock_period)
    : sc_module(name), socket("socket"), downstream("downstream"), cache_(config, this),
      period_(clock_period) {
  socket.register_b_transport(this, &CacheTarget::b_transport);
  socket.register_transport_dbg(this, &CacheTarget::transport_dbg);
}

std::uint64_t CacheTarget::transfer(std::uint64_t address, std::uint64_t bytes, bool is_write, std::uint64_t cycle) {
  if (!is_write) return transfer_downstream(address, bytes, false, cycle);
  // Posted: nothing waits for a write-back or write-through. Consecutive
  // writes merge into one transfer.
  if (!posted_writes_.empty() && posted_writes_.back().address + posted_writes_.back().bytes == address) {
    posted_writes_.back().bytes += bytes;
  } else {
    posted_writes_.push_back({address, bytes, cycle});
  }
  return cycle;
}

std::uint64_t CacheTarget::transfer_downstream(std::uint64_t address, std::uint64_t bytes, bool is_write,
                                               std::uint64_t cycle) {
  // Timing only (no data pointer): b_transport already moved the data
  // downstream with transport_dbg.
  tlm::tlm_generic_payload p;
  p.set_command(is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  p.set_address(address);
  p.set_data_ptr(nullptr);
  p.set_data_length(unsigned(bytes));
  p.set_streaming_width(unsigned(bytes));
  if (is_write) p.set_extension(new PostedWrite);  // freed with the payload
  const sc_core::sc_time at = period_ * double(cycle);
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  sc_core::sc_time delay = at > now ? at - now : sc_core::SC_ZERO_TIME;
  downstream->b_transport(p, delay);
  return cycle_at(now + delay, period_);
}

void CacheTarget::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!supported(p)) return;
  const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  std::uint64_t cycle = std::max(cycle_at(start, period_), last_cycle_);
  last_cycle_ = cycle;
  const std::uint64_t line = std::uint64_t(cache_.config().line_bytes);
  const std::uint64_t last = last_byte(p) / line * line;
  std::uint64_t done = cycle;
  for (std::uint64_t a = p.get_address() / line * line;; a += line) {
    // The bytes of this line the call moves (its first and last lines may be
    // partial; a call of no bytes moves none).
    const std::uint64_t bytes =
        p.get_data_length() == 0 ? 0 : std::min(last_byte(p), a + (line - 1)) - std::max<std::uint64_t>(p.get_address(), a) + 1;
    done = std::max(done, cache_.access(std::max<std::uint64_t>(p.get_address(), a), p.is_write(), cycle, bytes).done_cycle);
    ++cycle;  // one line per cycle into the cache
    if (a == last) break;  // (a + line may be 2^64)
  }
  // Write-backs go after the call's fills, as from a write-back buffer: a
  // dirty victim shares its set with the line that evicted it, and so its
  // DRAM bank when the set bits cover the bank bits; sent alone before each
  // fill, they reopened that bank's row twice per line.
  for (const BufferedWrite& w : posted_writes_) transfer_downstream(w.address, w.bytes, true, w.cycle);
  posted_writes_.clear();
  const sc_core::sc_time finish = period_ * double(done);
  delay += finish > start ? finish - start : sc_core::SC_ZERO_TIME;
  downstream->transport_dbg(p);
  count(transfers_, p);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int CacheTarget::transport_dbg(tlm::tlm_generic_payload& p) {
  return downstream->transport_dbg(p);
}

// --- FlashTarget -------------------------------------------------------------

FlashTarget::FlashTarget(sc_core::sc_module_name name, const FlashConfig& config)
    : sc_module(name), socket("socket"), flash_(config) {
  socket.register_b_transport(this, &FlashTarget::b_transport);
  socket.register_transport_dbg(this, &FlashTarget::transport_dbg);
}

void FlashTarget::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!supported(p)) return;
  const double start_ns = (sc_core::sc_time_stamp() + delay).to_seconds() * 1e9;
  last_ns_ = std::max(last_ns_, start_ns);
  const double done_ns = flash_.access(p.get_address(), p.get_data_length(), p.is_write(), last_ns_);
  delay += sc_core::sc_time(done_ns - start_ns, sc_core::SC_NS);
  move_data(data_, p);
  count(transfers_, p);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int FlashTarget::transport_dbg(tlm::tlm_generic_payload& p) {
  move_data(data_, p);
  return p.get_data_length();
}

}  // namespace qarch::memory

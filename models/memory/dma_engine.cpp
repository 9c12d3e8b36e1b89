#include "models/memory/dma_engine.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "models/memory/transaction_extensions.h"

namespace qarch::memory {

DmaEngine::DmaEngine(sc_core::sc_module_name name, int port_count, std::uint64_t burst_bytes)
    : sc_core::sc_module(name), burst_bytes_(burst_bytes), bursts_(static_cast<std::size_t>(port_count), 0) {
  // A TLM payload's length is an unsigned int.
  if (burst_bytes == 0 || burst_bytes > std::numeric_limits<unsigned>::max()) {
    throw std::invalid_argument("DmaEngine: burst size " + std::to_string(burst_bytes) + " B; allowed: 1 .. 2^32 - 1 B");
  }
  for (int i = 0; i < port_count; ++i) {
    ports.push_back(std::make_unique<Socket>(("port_" + std::to_string(i)).c_str()));
  }
  // The quantum bounds how far an initiator may run ahead of simulated time.
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
}

sc_core::sc_time DmaEngine::issue(const std::vector<Request>& requests) {
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  sc_core::sc_time last_completion = sc_core::SC_ZERO_TIME;
  payload_.set_data_ptr(nullptr);
  payload_.set_byte_enable_ptr(nullptr);
  // Only the batch's last completion matters: every call but each port's
  // last one is marked CompletesWithNext (freed with the payload if a call
  // throws).
  std::vector<std::size_t> last_request(ports.size(), requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].bytes > 0) last_request[static_cast<std::size_t>(requests[i].port)] = i;
  }
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const Request& r = requests[i];
    if (r.bytes > 0 && r.address + (r.bytes - 1) < r.address) {
      SC_REPORT_ERROR("DmaEngine", "a transfer runs past the last address (2^64 - 1)");
    }
    payload_.set_command(r.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    for (std::uint64_t done = 0; done < r.bytes;) {
      // Transactions end on multiples of the burst size, as a DMA splits a
      // transfer at aligned boundaries: an unaligned start does not make
      // every transaction straddle a DRAM burst that its neighbour fetches again.
      const std::uint64_t address = r.address + done;
      const std::uint64_t chunk = std::min(burst_bytes_ - address % burst_bytes_, r.bytes - done);
      const bool port_last = i == last_request[static_cast<std::size_t>(r.port)] && done + chunk == r.bytes;
      const bool marked = payload_.get_extension<CompletesWithNext>() != nullptr;
      if (!port_last && !marked) payload_.set_extension(new CompletesWithNext);
      if (port_last && marked) payload_.release_extension<CompletesWithNext>();
      payload_.set_address(address);
      payload_.set_data_length(static_cast<unsigned>(chunk));
      payload_.set_streaming_width(static_cast<unsigned>(chunk));
      payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      // Every burst is issued at the keeper's local time: the target's own
      // queue serialises them.
      sc_core::sc_time delay = keeper.get_local_time();
      (*ports[static_cast<std::size_t>(r.port)])->b_transport(payload_, delay);
      if (payload_.is_response_error()) SC_REPORT_ERROR("DmaEngine", "memory target returned an error");
      last_completion = std::max(last_completion, delay);
      ++bursts_[static_cast<std::size_t>(r.port)];
      done += chunk;
    }
  }
  return sc_core::sc_time_stamp() + last_completion;
}

}  // namespace qarch::memory

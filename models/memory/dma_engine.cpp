#include "models/memory/dma_engine.h"

#include <algorithm>
#include <string>

namespace qarch::memory {

DmaEngine::DmaEngine(sc_core::sc_module_name name, int port_count, std::uint64_t burst_bytes)
    : sc_core::sc_module(name), burst_bytes_(burst_bytes), bursts_(static_cast<std::size_t>(port_count), 0) {
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
  for (const Request& r : requests) {
    payload_.set_command(r.write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    for (std::uint64_t done = 0; done < r.bytes;) {
      const std::uint64_t chunk = std::min(burst_bytes_, r.bytes - done);
      payload_.set_address(r.address + done);
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

#include "models/memory/dram_stand_in.h"

#include <algorithm>

namespace qarch::memory {

DramStandIn::DramStandIn(sc_core::sc_module_name name, double bandwidth_bytes_per_s,
                         sc_core::sc_time latency)
    : sc_core::sc_module(name),
      socket("socket"),
      seconds_per_byte_(bandwidth_bytes_per_s > 0 ? 1.0 / bandwidth_bytes_per_s : 0.0),
      latency_(latency) {
  socket.register_b_transport(this, &DramStandIn::b_transport);
}

void DramStandIn::b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  const std::uint64_t bytes = payload.get_data_length();
  const sc_core::sc_time arrival = sc_core::sc_time_stamp() + delay;
  const sc_core::sc_time start = std::max(arrival, busy_until_);
  busy_until_ = start + sc_core::sc_time(static_cast<double>(bytes) * seconds_per_byte_, sc_core::SC_SEC);
  delay = busy_until_ + latency_ - sc_core::sc_time_stamp();
  if (payload.is_read()) {
    activity_.read_bytes += bytes;
  } else {
    activity_.write_bytes += bytes;
  }
  ++activity_.transactions;
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace qarch::memory

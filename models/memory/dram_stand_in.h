#pragma once
// The foundation's DRAM: a bandwidth and a latency behind a TLM-2.0 target
// socket (loosely timed). Requests are served in arrival order at the
// configured bandwidth; each completes `latency` after its data has
// streamed. Bandwidth 0 means unlimited. The full DRAM model (issue 5)
// replaces this module behind the same socket.
#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace qarch::memory {

struct DramStandInActivity {
  std::uint64_t read_bytes = 0;
  std::uint64_t write_bytes = 0;
  std::uint64_t transactions = 0;
};

class DramStandIn : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<DramStandIn> socket;

  DramStandIn(sc_core::sc_module_name name, double bandwidth_bytes_per_s, sc_core::sc_time latency);

  const DramStandInActivity& activity() const { return activity_; }
  // When the last request so far completes (zero before the first): a
  // posted write's initiator does not wait for it, the run's end does.
  sc_core::sc_time drained_at() const {
    return activity_.transactions > 0 ? busy_until_ + latency_ : sc_core::SC_ZERO_TIME;
  }

 private:
  void b_transport(tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);

  double seconds_per_byte_;  // 0 = unlimited bandwidth
  sc_core::sc_time latency_;
  sc_core::sc_time busy_until_ = sc_core::SC_ZERO_TIME;
  DramStandInActivity activity_;
};

}  // namespace qarch::memory

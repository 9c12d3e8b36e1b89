#pragma once
// DMA between DRAM and the scratchpads: splits transfers into bursts and
// issues them over TLM-2.0, loosely timed: each burst carries the issuer's
// local time offset (a quantum keeper's) and the target annotates when it
// completes. Bursts and transfers are pipelined: the caller does not wait
// for one transfer before issuing the next, and the target serialises them
// at its bandwidth, so latency is paid once per stream, not per burst or per
// tile. Transactions end on multiples of the burst size (a transfer from an
// unaligned address starts with a shorter one), and all but each port's
// last transaction of one issue() carry CompletesWithNext: only the batch's
// completion is needed. Payloads carry no data: the models are timing-only.
#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

namespace qarch::memory {

class DmaEngine : public sc_core::sc_module {
 public:
  using Socket = tlm_utils::simple_initiator_socket_tagged<DmaEngine>;
  // One initiator socket per port (e.g. ifmap, filter, ofmap streams).
  std::vector<std::unique_ptr<Socket>> ports;

  DmaEngine(sc_core::sc_module_name name, int port_count, std::uint64_t burst_bytes);

  struct Request {
    int port = 0;
    std::uint64_t address = 0;
    std::uint64_t bytes = 0;
    bool write = false;
  };
  // Issues every burst of every request now and returns the absolute time at
  // which the last one completes (requests on different ports proceed in
  // parallel). The caller waits for that time when it needs the data.
  sc_core::sc_time issue(const std::vector<Request>& requests);

  // Bursts issued so far on one port.
  std::uint64_t bursts(int port) const { return bursts_[static_cast<std::size_t>(port)]; }

 private:
  std::uint64_t burst_bytes_;
  std::vector<std::uint64_t> bursts_;  // per port
  tlm::tlm_generic_payload payload_;
};

}  // namespace qarch::memory

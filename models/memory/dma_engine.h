#pragma once
// DMA between DRAM and the scratchpads: splits a transfer into bursts and
// issues them over TLM-2.0 (loosely timed, with a quantum keeper). Bursts are
// pipelined: all are issued at once and the target serialises them at its
// bandwidth, so a transfer costs latency + bytes / bandwidth, not a latency
// per burst. Payloads carry no data: the models are timing-only.
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

  // Moves `bytes` over `port`; returns when the last burst has completed.
  // Must be called from an SC_THREAD.
  void transfer(int port, std::uint64_t address, std::uint64_t bytes, bool write);

  std::uint64_t bursts() const { return bursts_; }

 private:
  std::uint64_t burst_bytes_;
  std::uint64_t bursts_ = 0;
  tlm::tlm_generic_payload payload_;
};

}  // namespace qarch::memory

#pragma once
// Several initiators onto one target port (e.g. the DMA's weights port,
// through its weight cache, and its data port onto one DRAM): each call is
// passed on unchanged, in the order the calls arrive, with no latency of its
// own. The target serialises them at its own rate, as it does one port's calls.
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace qarch::memory {

class Interconnect : public sc_core::sc_module {
 public:
  using InputSocket = tlm_utils::simple_target_socket_tagged<Interconnect>;
  std::vector<std::unique_ptr<InputSocket>> inputs;
  tlm_utils::simple_initiator_socket<Interconnect> output;

  Interconnect(sc_core::sc_module_name name, int input_count);

 private:
  void b_transport(int input, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  unsigned int transport_dbg(int input, tlm::tlm_generic_payload& payload);
};

}  // namespace qarch::memory

#include "models/memory/interconnect.h"

#include <string>

namespace qarch::memory {

Interconnect::Interconnect(sc_core::sc_module_name name, int input_count) : sc_core::sc_module(name), output("output") {
  for (int i = 0; i < input_count; ++i) {
    inputs.push_back(std::make_unique<InputSocket>(("input_" + std::to_string(i)).c_str()));
    inputs.back()->register_b_transport(this, &Interconnect::b_transport, i);
    inputs.back()->register_transport_dbg(this, &Interconnect::transport_dbg, i);
  }
}

void Interconnect::b_transport(int, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  output->b_transport(payload, delay);
}

unsigned int Interconnect::transport_dbg(int, tlm::tlm_generic_payload& payload) {
  return output->transport_dbg(payload);
}

}  // namespace qarch::memory

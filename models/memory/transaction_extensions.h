#pragma once
// TLM-2.0 extensions by which an initiator tells a memory target how much of
// a call's timing it needs (the contract is in memory_targets.h).
#include <tlm>

namespace qarch::memory {

// A posted write: nothing waits for it. CacheTarget posts its write-backs
// and write-throughs.
struct PostedWrite : tlm::tlm_extension<PostedWrite> {
  tlm::tlm_extension_base* clone() const override { return new PostedWrite(*this); }
  void copy_from(const tlm::tlm_extension_base&) override {}
};

// A call whose completion the initiator does not need on its own: the next
// call without it reports the completion of both. DmaEngine puts it on every
// call but the last of each port in one issue().
struct CompletesWithNext : tlm::tlm_extension<CompletesWithNext> {
  tlm::tlm_extension_base* clone() const override { return new CompletesWithNext(*this); }
  void copy_from(const tlm::tlm_extension_base&) override {}
};

}  // namespace qarch::memory

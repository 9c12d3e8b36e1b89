#include "models/memory/sparse_memory.h"

#include <algorithm>
#include <cstring>

namespace qarch::memory {

void SparseMemory::read(std::uint64_t address, unsigned char* out, std::uint64_t bytes) const {
  while (bytes > 0) {
    const std::uint64_t offset = address % kPageBytes;
    const std::uint64_t n = std::min(bytes, kPageBytes - offset);
    auto it = pages_.find(address / kPageBytes);
    if (it == pages_.end()) std::memset(out, 0, n); else std::memcpy(out, it->second.get() + offset, n);
    address += n;
    out += n;
    bytes -= n;
  }
}

void SparseMemory::write(std::uint64_t address, const unsigned char* in, std::uint64_t bytes) {
  while (bytes > 0) {
    const std::uint64_t offset = address % kPageBytes;
    const std::uint64_t n = std::min(bytes, kPageBytes - offset);
    auto& page = pages_[address / kPageBytes];
    if (!page) page = std::make_unique<unsigned char[]>(kPageBytes);  // zeroed
    std::memcpy(page.get() + offset, in, n);
    address += n;
    in += n;
    bytes -= n;
  }
}

}  // namespace qarch::memory

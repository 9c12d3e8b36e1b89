#pragma once
// Backing store for the TLM targets' data: 4 KiB pages allocated on first
// write; unwritten bytes read as zero. Timing lives in the timing cores.
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace qarch::memory {

class SparseMemory {
 public:
  void read(std::uint64_t address, unsigned char* out, std::uint64_t bytes) const;
  void write(std::uint64_t address, const unsigned char* in, std::uint64_t bytes);

 private:
  static constexpr std::uint64_t kPageBytes = 4096;
  std::unordered_map<std::uint64_t, std::unique_ptr<unsigned char[]>> pages_;
};

}  // namespace qarch::memory

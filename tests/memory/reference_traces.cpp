#include "tests/memory/reference_traces.h"

#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>

namespace qarch::memory::testing {
namespace {

// MT19937 seeded as CPython's random.seed(int) does (init_by_array over the
// seed's 32-bit words; the seeds here fit in one word).
class PythonMt19937 {
 public:
  explicit PythonMt19937(std::uint32_t seed) {
    init_genrand(19650218u);
    const std::uint32_t key[1] = {seed};
    int i = 1, j = 0;
    for (int k = kN; k > 0; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + key[j] + std::uint32_t(j);
      ++i;
      ++j;
      if (i >= kN) {
        mt_[0] = mt_[kN - 1];
        i = 1;
      }
      if (j >= 1) j = 0;
    }
    for (int k = kN - 1; k > 0; --k) {
      mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) - std::uint32_t(i);
      ++i;
      if (i >= kN) {
        mt_[0] = mt_[kN - 1];
        i = 1;
      }
    }
    mt_[0] = 0x80000000u;
  }
  // random.getrandbits(k) for k <= 32.
  std::uint32_t getrandbits(int k) { return next() >> (32 - k); }

 private:
  static constexpr int kN = 624;
  void init_genrand(std::uint32_t s) {
    mt_[0] = s;
    for (index_ = 1; index_ < kN; ++index_) {
      mt_[index_] = 1812433253u * (mt_[index_ - 1] ^ (mt_[index_ - 1] >> 30)) + std::uint32_t(index_);
    }
  }
  std::uint32_t next() {
    if (index_ >= kN) {
      for (int k = 0; k < kN; ++k) {
        const std::uint32_t y = (mt_[k] & 0x80000000u) | (mt_[(k + 1) % kN] & 0x7fffffffu);
        mt_[k] = mt_[(k + 397) % kN] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
      }
      index_ = 0;
    }
    std::uint32_t y = mt_[index_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }
  std::uint32_t mt_[kN];
  int index_ = kN;
};

}  // namespace

std::vector<MemoryTraceRecord> reference_trace(const std::string& pattern, bool saturated) {
  // gen_traces.py constants.
  constexpr std::uint64_t kLine = 64, kFourGiB = std::uint64_t{1} << 32;
  constexpr std::uint32_t kBaseSeed = 20240611;
  int offset;
  if (pattern == "seq_read") offset = 1;
  else if (pattern == "rand_read") offset = 2;
  else if (pattern == "stride_read") offset = 3;
  else if (pattern == "seq_write") offset = 4;
  else if (pattern == "mix_2r1w") offset = 5;
  else throw std::invalid_argument("unknown reference pattern " + pattern);
  const int n = saturated ? 200000 : 10000;
  const std::uint64_t gap = saturated ? 0 : 200;
  PythonMt19937 rng(kBaseSeed + std::uint32_t(offset) + (saturated ? 0u : 1000u));
  std::vector<MemoryTraceRecord> out(n);
  for (int i = 0; i < n; ++i) {
    MemoryTraceRecord& r = out[i];
    r.cycle = std::uint64_t(i) * gap;
    const std::uint64_t k = std::uint64_t(i);
    if (pattern == "seq_read" || pattern == "seq_write") {
      r.address = (k * kLine) % kFourGiB;
      r.is_write = pattern == "seq_write";
    } else if (pattern == "rand_read") {
      r.address = std::uint64_t(rng.getrandbits(26)) << 6;
    } else if (pattern == "stride_read") {
      r.address = (k * 4096) % kFourGiB;
    } else {
      r.address = std::uint64_t(rng.getrandbits(26)) << 6;
      r.is_write = i % 3 == 2;
    }
  }
  return out;
}

std::string reference_trace_text(const std::vector<MemoryTraceRecord>& trace) {
  std::string s;
  s.reserve(trace.size() * 24);
  for (const auto& r : trace) {
    s += fmt::format("0x{:X} {} {}\n", r.address, r.is_write ? "WRITE" : "READ", r.cycle);
  }
  return s;
}

}  // namespace qarch::memory::testing

namespace qarch::memory::testing {

DramConfig reference_config(const std::string& config_name) {
  const std::size_t at = config_name.find("|map=");
  if (at == std::string::npos) throw std::invalid_argument("no |map= in " + config_name);
  const std::string device = config_name.substr(0, at);
  const std::string map = config_name.substr(at + 5);
  const bool rbgc = map == "Ro:Ba:Bg:Co";
  if (!rbgc && map != "Ro:Ba:Co:Bg" && map != "Ro:Ba:Co") {
    throw std::invalid_argument("unknown mapping in " + config_name);
  }
  DramConfig c;
  if (device == "DDR4-2400R_4Gb_x8_1rank_64bit") {
    c = dram_preset("ddr4-2400");
    c.address_mapping = rbgc ? "ro:ba:bg:co" : "ro:ba:co:bg";
  } else if (device == "LPDDR4-3200_2x16ganged_32bit_8bank" && map == "Ro:Ba:Co") {
    c = dram_preset("lpddr4-3200");
    c.address_mapping = "ro:ba:co";
  } else if (device == "HBM2-2Gbps_1channel_2PC_128bit") {
    c = dram_preset("hbm2");
    // timing_params.md: rbgc = [10] PC between column and BG; rbcg = PC lowest.
    c.address_mapping = rbgc ? "ro:ba:bg:pc:co" : "ro:ba:co:bg:pc";
  } else {
    throw std::invalid_argument("unknown reference configuration " + config_name);
  }
  return c;
}

DramConfig one_channel_preset(const std::string& preset) {
  DramConfig c = dram_preset(preset);
  if (c.channels > 1) {
    c.channels = 1;
    for (const char* field : {":ch", "ch:"}) {
      const auto p = c.address_mapping.find(field);
      if (p != std::string::npos) c.address_mapping.erase(p, 3);
    }
  }
  validate_dram_config(c);
  return c;
}

const char* command_name(const DramCommand& command) {
  switch (command.kind) {
    case DramCommand::Kind::kActivate: return "ACT";
    case DramCommand::Kind::kPrecharge: return "PRE";
    case DramCommand::Kind::kPrechargeAll: return "PREA";
    case DramCommand::Kind::kRefresh: return "REF";
    case DramCommand::Kind::kRead: return command.auto_precharge ? "RDA" : "RD";
    case DramCommand::Kind::kWrite: return command.auto_precharge ? "WRA" : "WR";
  }
  return "?";
}

}  // namespace qarch::memory::testing

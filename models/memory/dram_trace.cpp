#include "models/memory/dram_trace.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <boost/histogram.hpp>
#include <fmt/format.h>

#include "common/input_error.h"
#include "models/memory/dram_system.h"

namespace qarch::memory {
namespace {

bool parse_u64(const char*& p, int base, std::uint64_t& out) {
  const char* start = p;
  std::uint64_t v = 0;
  for (;; ++p) {
    int d;
    const char ch = *p;
    if (ch >= '0' && ch <= '9') d = ch - '0';
    else if (base == 16 && ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
    else if (base == 16 && ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
    else break;
    if (v > (~std::uint64_t{0} - d) / std::uint64_t(base)) return false;  // overflow
    v = v * base + d;
  }
  out = v;
  return p != start;
}

void skip_space(const char*& p) {
  while (*p == ' ' || *p == '\t' || *p == '\r') ++p;
}

// The one place the replay's per-request bookkeeping lives: a pool of
// request records, the burst tag being the record's index. A record is
// reused only once its request has finished: the scheduler reorders, so a
// request may still wait after any number of later ones have finished.
class ReplaySink : public DramBurstSink {
 public:
  struct Request {
    std::uint64_t accept_cycle;
    std::uint64_t done_cycle;
    int remaining;
    bool is_write;
  };

  // A record for a new request (`bursts` of them still to finish).
  std::uint32_t start(int bursts, bool is_write) {
    std::uint32_t tag;
    if (free_.empty()) {
      tag = std::uint32_t(requests_.size());
      requests_.emplace_back();
    } else {
      tag = free_.back();
      free_.pop_back();
    }
    requests_[tag] = Request{0, 0, bursts, is_write};
    return tag;
  }
  Request& at(std::uint32_t tag) { return requests_[tag]; }

  void burst_done(std::uint32_t tag, std::uint64_t done_cycle, bool is_write) override {
    Request& r = requests_[tag];
    r.done_cycle = std::max(r.done_cycle, done_cycle);
    if (--r.remaining == 0) {
      finish(r);
      free_.push_back(tag);
    }
  }
  void finish(const Request& r) {
    last_done = std::max(last_done, r.done_cycle);
    if (r.is_write) return;
    const std::uint64_t latency = r.done_cycle - r.accept_cycle;
    latency_sum += latency;
    ++read_count;
    min_latency = std::min(min_latency, latency);
    max_latency = std::max(max_latency, latency);
    histogram(double(latency));
  }

  std::uint64_t last_done = 0;
  std::uint64_t latency_sum = 0;
  std::uint64_t read_count = 0;
  std::uint64_t min_latency = ~std::uint64_t{0};
  std::uint64_t max_latency = 0;
  // 1-cycle bins up to 8192 cycles; longer latencies land in the overflow bin.
  decltype(boost::histogram::make_histogram(boost::histogram::axis::integer<>(0, 8192))) histogram =
      boost::histogram::make_histogram(boost::histogram::axis::integer<>(0, 8192));

 private:
  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_;  // records of finished requests
};

}  // namespace

std::vector<MemoryTraceRecord> parse_memory_trace(std::istream& in, const std::string& origin) {
  std::vector<MemoryTraceRecord> out;
  std::string line;
  int line_no = 0;
  std::uint64_t previous_cycle = 0;
  auto fail = [&](const std::string& why) {
    throw InputError(SourceRef{origin, line_no, ""},
                     fmt::format("{}: '{}'; expected '0xADDRESS READ|WRITE CYCLE' "
                                 "(DRAMSim3 trace format, cycles in memory clocks, non-decreasing)",
                                 why, line));
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find('\0') != std::string::npos) fail("NUL byte in the line (is this a text file?)");
    const char* p = line.c_str();
    skip_space(p);
    if (*p == '\0' || *p == '#') continue;
    MemoryTraceRecord r;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
      p += 2;
      base = 16;
    }
    if (!parse_u64(p, base, r.address) || (*p != ' ' && *p != '\t')) fail("bad address");
    skip_space(p);
    if (std::strncmp(p, "READ", 4) == 0) {
      p += 4;
    } else if (std::strncmp(p, "WRITE", 5) == 0) {
      r.is_write = true;
      p += 5;
    } else {
      fail("operation is not READ or WRITE");
    }
    if (*p != ' ' && *p != '\t') fail("missing cycle");
    skip_space(p);
    if (!parse_u64(p, 10, r.cycle)) fail("bad cycle");
    if (r.cycle > kMaxTraceCycle) {
      fail(fmt::format("cycle {} is beyond the largest supported cycle {} (2^53)", r.cycle, kMaxTraceCycle));
    }
    skip_space(p);
    if (*p != '\0') fail("unexpected text after the cycle");
    if (!out.empty() && r.cycle < previous_cycle) {
      fail(fmt::format("cycle {} is below the previous line's cycle {}", r.cycle, previous_cycle));
    }
    previous_cycle = r.cycle;
    out.push_back(r);
  }
  return out;
}

std::vector<MemoryTraceRecord> read_memory_trace_file(const std::string& path) {
  std::ifstream in(path);
  if (!in || std::filesystem::is_directory(path)) throw InputError(SourceRef{path, 0, ""}, "cannot open trace file");
  std::vector<MemoryTraceRecord> trace = parse_memory_trace(in, path);
  if (in.bad()) throw InputError(SourceRef{path, 0, ""}, "cannot read trace file");
  return trace;
}

DramReplayResult replay_memory_trace(const DramConfig& config, const std::vector<MemoryTraceRecord>& trace,
                                     int request_bytes, const std::function<void(std::uint64_t)>& progress) {
  if (request_bytes <= 0 || request_bytes > kMaxRequestBytes) {
    throw InputError(fmt::format("request size {} B is out of range; allowed: 1..{} B", request_bytes,
                                 kMaxRequestBytes));
  }
  const int burst_bytes = config.burst_bytes();
  const int bursts = std::max(1, (request_bytes + burst_bytes - 1) / burst_bytes);
  ReplaySink sink;
  DramSystem dram(config, &sink);

  std::uint64_t next_free_cycle = 0;  // one new request per memory clock
  std::uint64_t id = 0;
  DramReplayResult result;
  for (const MemoryTraceRecord& r : trace) {
    std::uint64_t cycle = std::max(r.cycle, next_free_cycle);
    const std::uint32_t tag = sink.start(bursts, r.is_write);
    for (int b = 0; b < bursts; ++b) {
      cycle = dram.accept_burst(r.address + std::uint64_t(b) * burst_bytes, r.is_write, cycle, tag);
      if (b == 0) sink.at(tag).accept_cycle = cycle;
    }
    next_free_cycle = cycle + 1;
    ++id;
    if (progress && id % kReplayProgressRequests == 0) progress(id);
    if (r.is_write) ++result.writes; else ++result.reads;
  }
  dram.drain();

  result.requests = trace.size();
  result.bytes = result.requests * std::uint64_t(request_bytes);
  result.last_done_cycle = sink.last_done;
  result.tCK_ns = config.tCK_ns;
  if (sink.last_done > 0) {
    result.bandwidth_gbps = double(result.bytes) / (double(sink.last_done) * config.tCK_ns);
  }
  if (sink.read_count > 0) {
    result.avg_read_latency_cycles = double(sink.latency_sum) / double(sink.read_count);
    result.avg_read_latency_ns = result.avg_read_latency_cycles * config.tCK_ns;
    result.min_read_latency_cycles = sink.min_latency;
    result.max_read_latency_cycles = sink.max_latency;
    // Percentile = smallest latency with at least p of the reads at or below it.
    const double targets[3] = {0.50, 0.90, 0.99};
    std::uint64_t* outs[3] = {&result.p50_read_latency_cycles, &result.p90_read_latency_cycles,
                              &result.p99_read_latency_cycles};
    std::uint64_t cumulative = 0;
    int next = 0;
    for (auto&& bin : boost::histogram::indexed(sink.histogram, boost::histogram::coverage::all)) {
      const auto count = std::uint64_t(*bin);
      if (count == 0) continue;
      const std::uint64_t latency =
          bin.index() >= 8192 ? sink.max_latency : std::uint64_t(bin.bin());
      cumulative += count;
      result.read_latency_histogram.emplace_back(latency, count);
      while (next < 3 && double(cumulative) >= targets[next] * double(sink.read_count)) {
        *outs[next++] = latency;
      }
    }
  }
  result.counters = dram.counters();
  const std::uint64_t columns = result.counters.row_hits + result.counters.row_misses;
  if (columns > 0) result.row_hit_rate = double(result.counters.row_hits) / double(columns);
  return result;
}

}  // namespace qarch::memory

#include "models/memory/dram_trace.h"

#include <algorithm>
#include <array>
#include <climits>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include <boost/histogram.hpp>
#include <fmt/format.h>

#include "common/input_error.h"
#include "common/input_file.h"
#include "models/memory/dram_system.h"

namespace qarch::memory {
namespace {

// Digit values, 16 for a character that is not a hexadecimal digit.
constexpr std::array<std::uint8_t, 256> kDigitValue = [] {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = 16;
  for (int c = '0'; c <= '9'; ++c) t[c] = std::uint8_t(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = std::uint8_t(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = std::uint8_t(c - 'A' + 10);
  return t;
}();

// An unsigned number in base 10 or 16 at p (p moves past it); false if there
// is no digit or it is above 2^64 - 1.
template <unsigned base>
bool parse_u64(const char*& p, std::uint64_t& out) {
  const char* start = p;
  constexpr std::uint64_t limit = ~std::uint64_t{0} / base;  // largest value that may take another digit
  std::uint64_t v = 0;
  for (unsigned d; (d = kDigitValue[static_cast<unsigned char>(*p)]) < base; ++p) {
    if (v > limit || v * base > ~std::uint64_t{0} - d) return false;
    v = v * base + d;
  }
  out = v;
  return p != start;
}

// Whitespace within a line, as DRAMSim3's stream extraction (isspace) reads
// it: space, tab, vertical tab, form feed, carriage return.
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

void skip_space(const char*& p) {
  while (is_space(*p)) ++p;
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

  void burst_done(std::uint64_t tag, std::uint64_t done_cycle, bool is_write) override {
    Request& r = requests_[std::size_t(tag)];
    r.done_cycle = std::max(r.done_cycle, done_cycle);
    if (--r.remaining == 0) {
      finish(r);
      free_.push_back(std::uint32_t(tag));
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
    if (latency < kDenseLatencyBins) {
      histogram(double(latency));
    } else {
      ++long_latencies[latency];
    }
  }

  std::uint64_t last_done = 0;
  std::uint64_t latency_sum = 0;
  std::uint64_t read_count = 0;
  std::uint64_t min_latency = ~std::uint64_t{0};
  std::uint64_t max_latency = 0;
  // 1-cycle bins: a dense histogram below kDenseLatencyBins cycles, where
  // nearly every read lands, and a sparse one (latency -> reads) above.
  static constexpr int kDenseLatencyBins = 8192;
  decltype(boost::histogram::make_histogram(boost::histogram::axis::integer<>(0, kDenseLatencyBins))) histogram =
      boost::histogram::make_histogram(boost::histogram::axis::integer<>(0, kDenseLatencyBins));
  std::map<std::uint64_t, std::uint64_t> long_latencies;

 private:
  std::vector<Request> requests_;
  std::vector<std::uint32_t> free_;  // records of finished requests
};

}  // namespace

namespace {

// Bytes read from the trace at a time; a line may not be longer than
// kMaxTraceLineBytes (a valid one is at most about 50).
constexpr std::size_t kTraceReadBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxTraceLineBytes = 4096;
// Records the parser thread hands over at a time, and how many such blocks
// it may be ahead of the caller.
constexpr std::size_t kRecordsPerBlock = 8192;
constexpr std::size_t kBlocksAhead = 4;

// The text of a trace, line by line, into records (one thread).
class TraceLineParser {
 public:
  TraceLineParser(std::istream& in, std::string origin)
      : in_(in), origin_(std::move(origin)), buffer_(kTraceReadBytes + kMaxTraceLineBytes + 1) {}
  bool next(MemoryTraceRecord& record);
  std::uint64_t parsed_bytes() const { return parsed_bytes_; }

 private:
  bool next_line(char*& begin, char*& end);
  void parse_line(char* begin, char* end, MemoryTraceRecord& record);
  [[noreturn]] void fail(const std::string& message) const;

  std::istream& in_;
  std::string origin_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // unparsed bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
  bool at_eof_ = false;
  std::uint64_t parsed_bytes_ = 0;
  std::uint64_t line_no_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t previous_cycle_ = 0;
};

void TraceLineParser::fail(const std::string& message) const {
  if (line_no_ > std::uint64_t(INT_MAX)) {
    throw InputError(SourceRef{origin_, 0, ""}, fmt::format("line {}: {}", line_no_, message));
  }
  throw InputError(SourceRef{origin_, int(line_no_), ""}, message);
}

// The next line in buffer_ as [begin, end), end at its '\n' (or at the end
// of the data for a last line without one); false at the end of the trace.
bool TraceLineParser::next_line(char*& begin, char*& end) {
  for (;;) {
    char* const data = buffer_.data();
    char* const nl = static_cast<char*>(std::memchr(data + begin_, '\n', end_ - begin_));
    const std::size_t line_end = nl ? std::size_t(nl - data) : end_;
    if (line_end - begin_ > kMaxTraceLineBytes) {
      ++line_no_;
      fail(fmt::format("line longer than {} characters (is this a text file?); expected "
                       "'0xADDRESS READ|WRITE CYCLE'",
                       kMaxTraceLineBytes));
    }
    if (nl) {
      begin = data + begin_;
      end = nl;
      begin_ = std::size_t(nl - data) + 1;
      return true;
    }
    if (at_eof_) {
      if (begin_ == end_) return false;
      begin = data + begin_;  // a last line without '\n'
      end = data + end_;
      begin_ = end_;
      return true;
    }
    // Keep the partial line, then read more after it.
    std::memmove(data, data + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    in_.read(data + end_, std::streamsize(kTraceReadBytes));
    end_ += std::size_t(in_.gcount());
    if (in_.bad()) throw InputError(SourceRef{origin_, 0, ""}, "cannot read trace file");
    if (in_.eof()) at_eof_ = true;
  }
}

bool TraceLineParser::next(MemoryTraceRecord& record) {
  char* begin;
  char* end;
  while (next_line(begin, end)) {
    ++line_no_;
    parsed_bytes_ += std::uint64_t(end - begin) + 1;
    *end = '\0';  // the '\n', or the spare byte after the data
    // A UTF-8 byte-order mark, as Windows editors write, before the first line.
    if (line_no_ == 1 && end - begin >= 3 && std::memcmp(begin, "\xEF\xBB\xBF", 3) == 0) begin += 3;
    const char* p = begin;
    skip_space(p);
    if ((*p == '\0' && p == end) || *p == '#') continue;
    parse_line(begin, end, record);
    ++records_;
    return true;
  }
  // Results of no requests (0 B at 0 GB/s) would look like a measurement.
  if (records_ == 0) {
    throw InputError(SourceRef{origin_, 0, ""}, line_no_ == 0 ? "no requests (the trace is empty)"
                                                              : "no requests (the trace has only blank lines and comments)");
  }
  return false;
}

void TraceLineParser::parse_line(char* begin, char* end, MemoryTraceRecord& r) {
  auto bad = [&](const std::string& why) {
    const std::string line(begin, end);
    const bool has_nul = line.find('\0') != std::string::npos;
    fail(fmt::format("{}: '{}'; expected '0xADDRESS READ|WRITE CYCLE' "
                     "(DRAMSim3 trace format: address in hexadecimal, cycles in memory clocks, non-decreasing)",
                     has_nul ? std::string("NUL byte in the line (is this a text file?)") : why, quoted_excerpt(line)));
  };
  const char* p = begin;
  skip_space(p);
  r = MemoryTraceRecord{};
  // The address is hexadecimal, "0x" optional, as DRAMSim3 reads it (std::hex).
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
  if (!parse_u64<16>(p, r.address) || !is_space(*p)) bad("bad address");
  skip_space(p);
  if (p[0] == 'R' && p[1] == 'E' && p[2] == 'A' && p[3] == 'D') {
    p += 4;
  } else if (p[0] == 'W' && p[1] == 'R' && p[2] == 'I' && p[3] == 'T' && p[4] == 'E') {
    r.is_write = true;
    p += 5;
  }
  const char* const after_operation = p;
  skip_space(p);
  if (p == end) bad("missing cycle");
  if (p == after_operation) bad("operation is not READ or WRITE");
  if (!parse_u64<10>(p, r.cycle)) bad("bad cycle");
  if (r.cycle > kMaxTraceCycle) {
    bad(fmt::format("cycle {} is beyond the largest supported cycle {} (2^53)", r.cycle, kMaxTraceCycle));
  }
  skip_space(p);
  if (p != end) bad("unexpected text after the cycle");
  if (r.cycle < previous_cycle_) {
    bad(fmt::format("cycle {} is below the previous line's cycle {}", r.cycle, previous_cycle_));
  }
  previous_cycle_ = r.cycle;
}

}  // namespace

// The parser thread and the blocks it hands over.
struct MemoryTraceReader::Parser {
  struct Block {
    std::vector<MemoryTraceRecord> records;
    std::uint64_t parsed_bytes = 0;
    std::exception_ptr error;  // after the records
    bool last = false;
  };

  Parser(std::unique_ptr<std::istream> owned, std::istream& in, std::string origin)
      : owned_stream(std::move(owned)), lines(in, std::move(origin)) {}
  ~Parser() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    changed.notify_all();
    if (thread.joinable()) thread.join();
  }
  void run();

  std::unique_ptr<std::istream> owned_stream;
  TraceLineParser lines;  // the parser thread's only
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Block> ready;                            // parsed, not handed out yet
  std::vector<std::vector<MemoryTraceRecord>> spare;  // storage of handed-out blocks
  bool stop = false;
  // The caller's side only.
  std::exception_ptr error;
  bool finished = false;
  std::thread thread;
};

void MemoryTraceReader::Parser::run() {
  for (bool last = false; !last;) {
    Block block;
    {
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait(lock, [this] { return stop || ready.size() < kBlocksAhead; });
      if (stop) return;
      if (!spare.empty()) {
        block.records = std::move(spare.back());
        spare.pop_back();
      }
    }
    block.records.clear();
    block.records.reserve(kRecordsPerBlock);
    try {
      MemoryTraceRecord record;
      while (block.records.size() < kRecordsPerBlock && lines.next(record)) block.records.push_back(record);
      last = block.records.size() < kRecordsPerBlock;
    } catch (...) {
      block.error = std::current_exception();
      last = true;
    }
    block.parsed_bytes = lines.parsed_bytes();
    block.last = last;
    {
      std::lock_guard<std::mutex> lock(mutex);
      ready.push_back(std::move(block));
    }
    changed.notify_all();
  }
}

namespace {

std::unique_ptr<std::istream> open_trace(const std::string& path) {
  return std::make_unique<std::ifstream>(open_input_file(path));
}

}  // namespace

MemoryTraceReader::MemoryTraceReader(const std::string& path)
    : MemoryTraceReader(open_trace(path), nullptr, path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) size_bytes_ = std::filesystem::file_size(path, ec);
}

MemoryTraceReader::MemoryTraceReader(std::istream& in, std::string origin)
    : MemoryTraceReader(nullptr, &in, std::move(origin)) {}

MemoryTraceReader::MemoryTraceReader(std::unique_ptr<std::istream> owned, std::istream* borrowed,
                                     std::string origin) {
  std::istream& stream = owned ? *owned : *borrowed;
  parser_ = std::make_unique<Parser>(std::move(owned), stream, std::move(origin));
  parser_->thread = std::thread([parser = parser_.get()] { parser->run(); });
}

MemoryTraceReader::~MemoryTraceReader() = default;

bool MemoryTraceReader::next_block() {
  Parser& p = *parser_;
  for (;;) {
    if (p.error) std::rethrow_exception(std::exchange(p.error, nullptr));
    if (p.finished) return false;
    Parser::Block block;
    {
      std::unique_lock<std::mutex> lock(p.mutex);
      p.changed.wait(lock, [&p] { return !p.ready.empty(); });
      block = std::move(p.ready.front());
      p.ready.pop_front();
      p.spare.push_back(std::move(records_));
    }
    p.changed.notify_all();
    records_ = std::move(block.records);
    position_ = 0;
    parsed_bytes_ = block.parsed_bytes;
    p.error = block.error;
    p.finished = block.last;
    if (!records_.empty()) return true;
  }
}

std::vector<MemoryTraceRecord> parse_memory_trace(std::istream& in, const std::string& origin) {
  MemoryTraceReader reader(in, origin);
  std::vector<MemoryTraceRecord> out;
  MemoryTraceRecord r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

struct DramReplay::State {
  State(const DramConfig& config, int request_bytes)
      : dram(config, &sink),
        request_bytes(request_bytes),
        burst_bytes(config.burst_bytes()),
        burst_shift(__builtin_ctzll(burst_bytes)) {}
  ReplaySink sink;
  DramSystem dram;
  int request_bytes;
  std::uint64_t burst_bytes;  // a power of two (validate_dram_config)
  int burst_shift;
  std::uint64_t next_free_cycle = 0;  // one new request per memory clock
  DramReplayResult result;
};

DramReplay::DramReplay(const DramConfig& config, int request_bytes) {
  if (request_bytes <= 0 || request_bytes > kMaxRequestBytes) {
    throw InputError(fmt::format("request size {} B is out of range; allowed: 1..{} B", request_bytes,
                                 kMaxRequestBytes));
  }
  state_ = std::make_unique<State>(config, request_bytes);
}

DramReplay::~DramReplay() = default;

void DramReplay::issue(const MemoryTraceRecord& r) {
  State& s = *state_;
  std::uint64_t cycle = std::max(r.cycle, s.next_free_cycle);
  // The bursts holding [address, address + request bytes).
  const std::uint64_t offset = r.address & (s.burst_bytes - 1);
  const std::uint64_t first = r.address - offset;
  const int bursts = int((offset + std::uint64_t(s.request_bytes) + s.burst_bytes - 1) >> s.burst_shift);
  const std::uint32_t tag = s.sink.start(bursts, r.is_write);
  for (int b = 0; b < bursts; ++b) {
    cycle = s.dram.accept_burst(first + std::uint64_t(b) * s.burst_bytes, r.is_write, cycle, tag);
    if (b == 0) s.sink.at(tag).accept_cycle = cycle;
  }
  s.next_free_cycle = cycle + 1;
  if (r.is_write) ++s.result.writes; else ++s.result.reads;
}

DramReplayResult DramReplay::finish() {
  State& s = *state_;
  s.dram.drain();
  ReplaySink& sink = s.sink;
  s.dram.run_until(sink.last_done);  // commands before the last completion, in every channel
  const DramConfig& config = s.dram.config();
  DramReplayResult result = s.result;
  result.requests = result.reads + result.writes;
  result.bytes = result.requests * std::uint64_t(s.request_bytes);
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
    auto& bins = result.read_latency_histogram;
    for (auto&& bin : boost::histogram::indexed(sink.histogram)) {
      if (*bin != 0) bins.emplace_back(std::uint64_t(bin.bin()), std::uint64_t(*bin));
    }
    bins.insert(bins.end(), sink.long_latencies.begin(), sink.long_latencies.end());
    std::uint64_t cumulative = 0;
    int next = 0;
    for (const auto& [latency, count] : bins) {
      cumulative += count;
      while (next < 3 && double(cumulative) >= targets[next] * double(sink.read_count)) {
        *outs[next++] = latency;
      }
    }
  }
  result.counters = s.dram.counters();
  const std::uint64_t columns = result.counters.row_hits + result.counters.row_misses;
  if (columns > 0) result.row_hit_rate = double(result.counters.row_hits) / double(columns);
  return result;
}

DramReplayResult replay_memory_trace(const DramConfig& config, const std::vector<MemoryTraceRecord>& trace,
                                     int request_bytes) {
  DramReplay replay(config, request_bytes);
  for (const MemoryTraceRecord& r : trace) replay.issue(r);
  return replay.finish();
}

}  // namespace qarch::memory

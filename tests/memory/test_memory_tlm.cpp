// The TLM-2.0 targets: LT timing equals the timing cores' (a DMA-like
// initiator streaming through DramTarget gets the bandwidth trace mode gives
// for the same sequential pattern), data round trips, cache hits save time.
#include <catch2/catch.hpp>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/memory/dma_engine.h"
#include "models/memory/interconnect.h"
#include "models/memory/dram_stand_in.h"
#include "models/memory/dram_trace.h"
#include "models/memory/memory_targets.h"
#include "models/memory/transaction_extensions.h"

using namespace qarch::memory;

namespace {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket;
  std::function<void(Initiator&)> body;
  SC_HAS_PROCESS(Initiator);
  explicit Initiator(sc_core::sc_module_name n) : sc_module(n), socket("socket") { SC_THREAD(run); }
  void run() { body(*this); }

  // One LT call at the current local time, without waiting; `delay` gets the
  // annotated completion (`data` null: timing only).
  // `completes_with_next`: the call carries CompletesWithNext.
  tlm::tlm_response_status issue(bool write, std::uint64_t address, unsigned char* data, std::uint64_t bytes,
                                 sc_core::sc_time& delay, bool completes_with_next = false) {
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(address);
    p.set_data_ptr(data);
    p.set_data_length(unsigned(bytes));
    p.set_streaming_width(unsigned(bytes));
    if (completes_with_next) p.set_extension(new CompletesWithNext);  // freed with the payload
    delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(p, delay);
    return p.get_response_status();
  }

  // Blocking LT transfer; returns the annotated delay and syncs on it.
  sc_core::sc_time transfer(bool write, std::uint64_t address, std::vector<unsigned char>& data) {
    sc_core::sc_time delay;
    REQUIRE(issue(write, address, data.data(), data.size(), delay) == tlm::TLM_OK_RESPONSE);
    wait(delay);
    return delay;
  }

  // A timing-only read issued without waiting, as a DMA engine issues its
  // transfers.
  tlm::tlm_response_status issue_read(std::uint64_t address, std::uint64_t bytes, sc_core::sc_time& delay,
                                      bool completes_with_next = false) {
    return issue(false, address, nullptr, bytes, delay, completes_with_next);
  }
};

}  // namespace

// Trace mode's bandwidth on `total` sequential bytes, every request at cycle
// 0: each (pseudo-)channel's front end takes one burst per clock, so a
// request spanning every (pseudo-)channel (64 B on ddr4-2400 and hbm2 (2 x
// 32 B), 1 KiB on hbm3 (32 x 32 B)) is the pattern a DMA stream gives.
double sequential_trace_gbps(const DramConfig& config, std::uint64_t total) {
  const int request_bytes = config.burst_bytes() * config.channels * config.pseudo_channels;
  std::vector<MemoryTraceRecord> trace(total / std::uint64_t(request_bytes));
  for (std::size_t i = 0; i < trace.size(); ++i) trace[i].address = i * std::uint64_t(request_bytes);
  return replay_memory_trace(config, trace, request_bytes).bandwidth_gbps;
}

// Streams 4 MiB per channel through DramTarget in calls of 64 KiB per channel
// (each call waits for its bursts, so its latency must stay small against its streaming
// time) and compares with trace mode. (One elaboration per process: one
// preset per test case.)
void check_streams_at_trace_bandwidth(const std::string& preset) {
  DramConfig config = dram_preset(preset);
  DramTarget dram("dram", config);
  Initiator dma("dma");
  dma.socket.bind(dram.socket);
  const std::uint64_t chunk = 64 * 1024 * std::uint64_t(config.channels), total = 64 * chunk;
  dma.body = [&](Initiator& self) {
    std::vector<unsigned char> buf(chunk);
    for (std::uint64_t a = 0; a < total; a += chunk) self.transfer(false, a, buf);
  };
  sc_core::sc_start();
  const double tlm_gbps = double(total) / (sc_core::sc_time_stamp().to_seconds() * 1e9);
  const double trace_gbps = sequential_trace_gbps(config, total);
  INFO(preset << ": TLM " << tlm_gbps << " GB/s, trace mode " << trace_gbps << " GB/s");
  CHECK(tlm_gbps == Approx(trace_gbps).epsilon(0.03));
  CHECK(dram.transfer_counters().read_bytes == total);
  CHECK(dram.dram_counters_at(sc_core::sc_time_stamp()).read_bursts == total / std::uint64_t(config.burst_bytes()));
}

TEST_CASE("DramTarget streams a weight tile at trace-mode bandwidth (ddr4-2400)") {
  check_streams_at_trace_bandwidth("ddr4-2400");
}

TEST_CASE("DramTarget streams a weight tile at trace-mode bandwidth (hbm2)") {
  check_streams_at_trace_bandwidth("hbm2");
}

TEST_CASE("DramTarget feeds every channel each clock: hbm3 streams at trace-mode bandwidth") {
  // Before, one burst per clock entered for all 16 channels: 32 B per
  // 0.625 ns = 51.2 GB/s of hbm3's 819.2 GB/s.
  check_streams_at_trace_bandwidth("hbm3");
}

// A DMA engine issues its transfers without waiting for each (the LT
// initiator's local time stays put) and waits once for the last. The calls
// are outstanding together: each one's bursts join the controller's queues
// at their own time, behind the earlier calls' still queued, so 4 KiB calls
// stream as one long transfer would. Before, each call ran the DRAM until
// its bursts were done and the next call's first row opened only then: on
// hbm2 4 KiB calls streamed at 26.8 of trace mode's 29.5 GB/s.
void check_outstanding_calls_stream(const std::string& preset) {
  DramConfig config = dram_preset(preset);
  DramTarget dram("dram", config);
  Initiator dma("dma");
  dma.socket.bind(dram.socket);
  const std::uint64_t call = 4096, total = 4 << 20;
  sc_core::sc_time first_done, last_done;
  dma.body = [&](Initiator& self) {
    for (std::uint64_t a = 0; a < total; a += call) {
      sc_core::sc_time delay;
      REQUIRE(self.issue_read(a, call, delay) == tlm::TLM_OK_RESPONSE);
      if (a == 0) first_done = delay;
      last_done = std::max(last_done, delay);
    }
    sc_core::wait(last_done);
  };
  sc_core::sc_start();
  const double tlm_gbps = double(total) / (last_done.to_seconds() * 1e9);
  const double trace_gbps = sequential_trace_gbps(config, total);
  INFO(preset << ": 4 KiB calls " << tlm_gbps << " GB/s, trace mode " << trace_gbps << " GB/s");
  CHECK(tlm_gbps == Approx(trace_gbps).epsilon(0.01));
  // The first call still sees its own latency, not the stream's.
  CHECK(first_done < last_done / 100);
  CHECK(dram.dram_counters_at(sc_core::sc_time_stamp()).read_bursts == total / std::uint64_t(config.burst_bytes()));
}

TEST_CASE("DramTarget keeps the calls a DMA issues without waiting outstanding together (hbm2)") {
  check_outstanding_calls_stream("hbm2");
}

TEST_CASE("DramTarget keeps the calls a DMA issues without waiting outstanding together (lpddr4-3200)") {
  check_outstanding_calls_stream("lpddr4-3200");
}

namespace {

// `count` random 64 B-aligned requests below 4 GiB, all at cycle 0.
std::vector<MemoryTraceRecord> random_requests(std::size_t count, std::uint64_t seed, bool is_write) {
  std::vector<MemoryTraceRecord> trace(count);
  std::uint64_t lcg = seed;
  for (auto& r : trace) {
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    r.address = (lcg >> 24) % (1ull << 32) / 64 * 64;
    r.is_write = is_write;
  }
  return trace;
}

// When trace mode's replay of `trace` (one request per clock from cycle 0,
// the front end DramTarget has) moves its last data.
sc_core::sc_time trace_mode_done(const DramConfig& config, const std::vector<MemoryTraceRecord>& trace) {
  const DramReplayResult replay = replay_memory_trace(config, trace, 64);
  return sc_core::sc_time(config.tCK_ns, sc_core::SC_NS) * double(replay.last_done_cycle);
}

}  // namespace

TEST_CASE("A batch of CompletesWithNext calls completes when the last of its bursts does, as trace mode times them") {
  // 3000 random 64 B reads issued at time 0 as one batch: every call but the
  // last carries CompletesWithNext, as DmaEngine marks them. The last call's
  // delay must be the completion of every burst of the batch, which trace
  // mode gives for the same requests (one per clock from cycle 0, the
  // front end DramTarget has): its last_done_cycle. Marked calls are done
  // when accepted. Unmarked, each call's delay leaves out the later calls'
  // bursts that FR-FCFS serves first, so the largest can fall short.
  const DramConfig config = dram_preset("ddr4-2400");
  DramTarget dram("dram", config);
  Initiator dma("dma");
  dma.socket.bind(dram.socket);
  const std::vector<MemoryTraceRecord> trace = random_requests(3000, 99, false);
  sc_core::sc_time last_call_done, largest_marked;
  dma.body = [&](Initiator& self) {
    for (std::size_t i = 0; i < trace.size(); ++i) {
      sc_core::sc_time delay;
      const bool marked = i + 1 < trace.size();
      REQUIRE(self.issue_read(trace[i].address, 64, delay, marked) == tlm::TLM_OK_RESPONSE);
      if (marked) largest_marked = std::max(largest_marked, delay);
      else last_call_done = delay;
    }
  };
  sc_core::sc_start();
  const sc_core::sc_time trace_done = trace_mode_done(config, trace);
  INFO("batch done " << last_call_done << ", trace mode " << trace_done << ", marked calls accepted by "
                     << largest_marked);
  CHECK(last_call_done == trace_done);
  CHECK(largest_marked < last_call_done);
  CHECK(dram.dram_counters_at(sc_core::sc_time_stamp()).read_bursts == trace.size());
}

TEST_CASE("DramTarget drains posted writes when trace mode's replay of the same writes completes") {
  // 3000 random 64 B writes posted at time 0 (as a cache posts its
  // write-backs): each call is done when accepted, and drained_at() is when
  // the last of them is written, which trace mode gives for the same
  // requests: its last_done_cycle. The run's end waits for it
  // (sim/controller.cpp).
  const DramConfig config = dram_preset("ddr4-2400");
  DramTarget dram("dram", config);
  Initiator cache("cache");
  cache.socket.bind(dram.socket);
  const std::vector<MemoryTraceRecord> trace = random_requests(3000, 7, true);
  sc_core::sc_time largest_posted_delay, drained;
  cache.body = [&](Initiator& self) {
    for (const MemoryTraceRecord& r : trace) {
      tlm::tlm_generic_payload p;
      p.set_command(tlm::TLM_WRITE_COMMAND);
      p.set_address(r.address);
      p.set_data_length(64);
      p.set_streaming_width(64);
      p.set_extension(new PostedWrite);  // freed with the payload
      sc_core::sc_time delay;
      self.socket->b_transport(p, delay);
      REQUIRE(p.get_response_status() == tlm::TLM_OK_RESPONSE);
      largest_posted_delay = std::max(largest_posted_delay, delay);
    }
    drained = dram.drained_at();
  };
  sc_core::sc_start();
  const sc_core::sc_time trace_done = trace_mode_done(config, trace);
  INFO("drained " << drained << ", trace mode " << trace_done << ", posted calls accepted by " << largest_posted_delay);
  CHECK(drained == trace_done);
  CHECK(largest_posted_delay < drained);
}

TEST_CASE("DramStandIn drains when its last request completes: bytes over the bandwidth, then the latency") {
  // Three 1000 B writes at time 0 on 1 GB/s with 100 ns: served one after
  // another, the last done at 3 x 1000 ns + 100 ns.
  DramStandIn dram("dram", 1e9, sc_core::sc_time(100, sc_core::SC_NS));
  Initiator cache("cache");
  cache.socket.bind(dram.socket);
  CHECK(dram.drained_at() == sc_core::SC_ZERO_TIME);
  cache.body = [&](Initiator& self) {
    for (int i = 0; i < 3; ++i) {
      sc_core::sc_time delay;
      REQUIRE(self.issue(true, std::uint64_t(i) * 1000, nullptr, 1000, delay) == tlm::TLM_OK_RESPONSE);
    }
  };
  sc_core::sc_start();
  CHECK(dram.drained_at() == sc_core::sc_time(3100, sc_core::SC_NS));
}

namespace {

// Runs `body` in a thread of its own (DmaEngine is called from a process).
struct Thread : sc_core::sc_module {
  std::function<void()> body;
  SC_HAS_PROCESS(Thread);
  Thread(sc_core::sc_module_name n, std::function<void()> b) : sc_module(n), body(std::move(b)) { SC_THREAD(run); }
  void run() { body(); }
};

// Records every call it gets: address, length and whether it carries
// CompletesWithNext.
struct RecordingTarget : sc_core::sc_module {
  struct Call {
    std::uint64_t address, bytes;
    bool completes_with_next;
    bool operator==(const Call& o) const {
      return address == o.address && bytes == o.bytes && completes_with_next == o.completes_with_next;
    }
    friend std::ostream& operator<<(std::ostream& os, const Call& c) {
      return os << "{" << c.address << ", " << c.bytes << (c.completes_with_next ? ", marked}" : "}");
    }
  };
  tlm_utils::simple_target_socket<RecordingTarget> socket;
  std::vector<Call> calls;
  explicit RecordingTarget(sc_core::sc_module_name n) : sc_module(n), socket("socket") {
    socket.register_b_transport(this, &RecordingTarget::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time&) {
    calls.push_back({p.get_address(), p.get_data_length(), p.get_extension<CompletesWithNext>() != nullptr});
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

}  // namespace

TEST_CASE("DmaEngine splits transfers at multiples of its burst size and marks all but each port's last call") {
  // 64 B transactions: a transfer starting at 16 ends its first transaction
  // at 64, so no DRAM burst is fetched by two transactions (before, 16..80,
  // 80..144, ... each straddled a burst its neighbour fetched again: 6 %
  // more DRAM bursts for tiny-transformer on edge-int8-32x32 with lpddr5-6400).
  DmaEngine dma("dma", 2, 64);
  RecordingTarget port0("port0"), port1("port1");
  dma.ports[0]->bind(port0.socket);
  dma.ports[1]->bind(port1.socket);
  Thread issuer("issuer", [&] {
    dma.issue({{0, 16, 200, false}, {1, 0, 128, true}, {0, 1000, 10, false}, {1, 4096, 0, false}});
  });
  sc_core::sc_start();
  using Call = RecordingTarget::Call;
  CHECK(port0.calls == std::vector<Call>{{16, 48, true}, {64, 64, true}, {128, 64, true}, {192, 24, true},
                                         {1000, 10, false}});
  CHECK(port1.calls == std::vector<Call>{{0, 64, true}, {64, 64, false}});
  CHECK(dma.bursts(0) == 5);
  CHECK(dma.bursts(1) == 2);
}

TEST_CASE("Interconnect passes two ports' calls onto one target in the order they are issued, marks and all") {
  // The weights' DMA port (through a weight cache) and the shared data port
  // onto one DRAM port (sim/accelerator_top.cpp).
  DmaEngine dma("dma", 2, 64);
  Interconnect interconnect("interconnect", 2);
  RecordingTarget memory("memory");
  dma.ports[0]->bind(*interconnect.inputs[0]);
  dma.ports[1]->bind(*interconnect.inputs[1]);
  interconnect.output.bind(memory.socket);
  Thread issuer("issuer", [&] { dma.issue({{0, 0, 128, false}, {1, 4096, 64, false}, {0, 8192, 64, true}}); });
  sc_core::sc_start();
  using Call = RecordingTarget::Call;
  CHECK(memory.calls == std::vector<Call>{{0, 64, true}, {64, 64, true}, {4096, 64, false}, {8192, 64, false}});
}

TEST_CASE("A write-through sends the bytes a write wrote, not its whole line") {
  // 4 KiB lines, write-through (no write-allocate): a 72 B write inside one
  // line goes downstream as those 72 B; a 64 B write across a line boundary
  // (6 B + 58 B) as one transfer of 64 B, its two write-throughs being
  // consecutive. Before, each went as a whole 4 KiB line.
  CacheConfig config;
  config.size_bytes = 64 * 1024;
  config.line_bytes = 4096;
  config.ways = 4;
  config.write_policy = WritePolicy::kWriteThrough;
  CacheTarget cache("cache", config, sc_core::sc_time(1, sc_core::SC_NS));
  RecordingTarget memory("memory");
  Initiator dma("dma");
  dma.socket.bind(cache.socket);
  cache.downstream.bind(memory.socket);
  dma.body = [&](Initiator& self) {
    sc_core::sc_time delay;
    REQUIRE(self.issue(true, 100, nullptr, 72, delay) == tlm::TLM_OK_RESPONSE);
    REQUIRE(self.issue(true, 4090, nullptr, 64, delay) == tlm::TLM_OK_RESPONSE);
  };
  sc_core::sc_start();
  using Call = RecordingTarget::Call;
  CHECK(memory.calls == std::vector<Call>{{100, 72, false}, {4090, 64, false}});
  CHECK(cache.cache_counters().write_throughs == 3);
  CHECK(cache.cache_counters().write_through_bytes == 72 + 64);
}

TEST_CASE("DmaEngine refuses a burst size a TLM payload cannot carry") {
  // 0 divided by zero when splitting (before the transactions were aligned:
  // an endless loop); above 2^32 - 1 the payload's unsigned length truncated it.
  CHECK_THROWS_WITH(DmaEngine("zero", 1, 0), "DmaEngine: burst size 0 B; allowed: 1 .. 2^32 - 1 B");
  CHECK_THROWS_WITH(DmaEngine("huge", 1, 1ull << 32), "DmaEngine: burst size 4294967296 B; allowed: 1 .. 2^32 - 1 B");
}

TEST_CASE("Asking DramTarget for its counters mid-stream changes no later call's timing") {
  // Two identical hbm2 targets get the same 2000 random 512 B reads, issued
  // without waiting; one is asked for its counters before every call. The
  // counts cover every burst queued so far. When the question ran the
  // channel itself until its queues were empty (without the later calls'
  // bursts), the asked stream took 1.8x as long.
  DramTarget plain("plain", dram_preset("hbm2")), asked("asked", dram_preset("hbm2"));
  Initiator to_plain("to_plain"), to_asked("to_asked");
  to_plain.socket.bind(plain.socket);
  to_asked.socket.bind(asked.socket);
  std::vector<sc_core::sc_time> plain_delays, asked_delays;
  std::vector<std::uint64_t> bursts_counted;
  auto body = [&bursts_counted](DramTarget* ask, std::vector<sc_core::sc_time>& delays) {
    return [ask, &delays, &bursts_counted](Initiator& self) {
      std::uint64_t lcg = 12345;
      for (int i = 0; i < 2000; ++i) {
        lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
        if (ask) bursts_counted.push_back(ask->dram_counters_at(sc_core::sc_time_stamp()).read_bursts);
        sc_core::sc_time delay;
        REQUIRE(self.issue_read((lcg >> 20) % (1ull << 30) / 512 * 512, 512, delay) == tlm::TLM_OK_RESPONSE);
        delays.push_back(delay);
      }
    };
  };
  to_plain.body = body(nullptr, plain_delays);
  to_asked.body = body(&asked, asked_delays);
  sc_core::sc_start();
  CHECK(asked_delays == plain_delays);
  for (std::size_t i = 0; i < bursts_counted.size(); ++i) REQUIRE(bursts_counted[i] == i * 512 / 32);
  CHECK(asked.dram_counters_at(sc_core::sc_time_stamp()).read_bursts == 2000 * 512 / 32);
}

TEST_CASE("A transfer must end below 2^64: the last line is served, one past it is an address error") {
  // ddr4-2400 holds 4 GiB and reduces addresses modulo its capacity, so the
  // last 64 B of the 64-bit space are the bytes at 0xFFFFFFC0. Before, a
  // transfer ending at 2^64 computed its end as 0 and cost nothing.
  DramTarget top("top", dram_preset("ddr4-2400")), alias("alias", dram_preset("ddr4-2400"));
  Initiator to_top("to_top"), to_alias("to_alias");
  to_top.socket.bind(top.socket);
  to_alias.socket.bind(alias.socket);
  sc_core::sc_time top_delay, alias_delay, wrapped_delay;
  tlm::tlm_response_status wrapped = tlm::TLM_OK_RESPONSE;
  to_top.body = [&](Initiator& self) {
    REQUIRE(self.issue_read(0xFFFFFFFFFFFFFFC0ull, 64, top_delay) == tlm::TLM_OK_RESPONSE);
    wrapped = self.issue_read(0xFFFFFFFFFFFFFFC0ull, 128, wrapped_delay);
  };
  to_alias.body = [&](Initiator& self) {
    REQUIRE(self.issue_read(0xFFFFFFC0ull, 64, alias_delay) == tlm::TLM_OK_RESPONSE);
  };
  sc_core::sc_start();
  CHECK(wrapped == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(top_delay > sc_core::SC_ZERO_TIME);
  CHECK(top_delay == alias_delay);
  CHECK(top.dram_counters_at(sc_core::sc_time_stamp()).read_bursts == 1);
}

TEST_CASE("CacheTarget and FlashTarget serve the last line below 2^64 and refuse one past it") {
  DramTarget dram("dram", dram_preset("ddr4-2400"));
  CacheTarget cache("cache", CacheConfig{}, sc_core::sc_time(1, sc_core::SC_NS));
  FlashTarget flash("flash", flash_preset("ufs4.0"));
  Initiator cpu("cpu"), host("host");
  cpu.socket.bind(cache.socket);
  cache.downstream.bind(dram.socket);
  host.socket.bind(flash.socket);
  sc_core::sc_time cache_delay, flash_delay, unused;
  tlm::tlm_response_status cache_wrapped = tlm::TLM_OK_RESPONSE, flash_wrapped = tlm::TLM_OK_RESPONSE;
  cpu.body = [&](Initiator& self) {
    REQUIRE(self.issue_read(0xFFFFFFFFFFFFFFC0ull, 64, cache_delay) == tlm::TLM_OK_RESPONSE);
    cache_wrapped = self.issue_read(0xFFFFFFFFFFFFFFC0ull, 65, unused);
  };
  host.body = [&](Initiator& self) {
    REQUIRE(self.issue_read(0xFFFFFFFFFFFFF000ull, 4096, flash_delay) == tlm::TLM_OK_RESPONSE);
    flash_wrapped = self.issue_read(0xFFFFFFFFFFFFF000ull, 4097, unused);
  };
  sc_core::sc_start();
  CHECK(cache_wrapped == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(flash_wrapped == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(cache.cache_counters().misses == 1);
  CHECK(cache_delay > sc_core::SC_ZERO_TIME);
  CHECK(flash.flash_counters().pages_read == 1);
  CHECK(flash_delay.to_seconds() * 1e9 == Approx(flash_preset("ufs4.0").read_latency_ns + 4096 / 4.2));
}

namespace {

// An initiator in front of a 16 KiB cache (64 B lines, 1 ns clock) in front
// of a DRAM preset.
struct CachedDram {
  DramTarget dram;
  CacheTarget cache;
  Initiator cpu;
  static CacheConfig cache_config() {
    CacheConfig cc;
    cc.size_bytes = 16 * 1024;
    return cc;
  }
  explicit CachedDram(const std::string& preset)
      : dram("dram", dram_preset(preset)), cache("cache", cache_config(), sc_core::sc_time(1, sc_core::SC_NS)), cpu("cpu") {
    cpu.socket.bind(cache.socket);
    cache.downstream.bind(dram.socket);
  }
};

}  // namespace

TEST_CASE("DramTarget keeps data and a cache in front of it turns repeats into hits") {
  CachedDram system("hbm2");
  Initiator& cpu = system.cpu;
  const CacheTarget& cache = system.cache;
  const DramTarget& dram = system.dram;
  sc_core::sc_time first, second;
  std::vector<unsigned char> readback(4096);
  cpu.body = [&](Initiator& self) {
    std::vector<unsigned char> data(4096);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<unsigned char>(i * 7);
    self.transfer(true, 0x10000, data);
    first = self.transfer(false, 0x20000, readback);
    second = self.transfer(false, 0x20000, readback);
    self.transfer(false, 0x10000, readback);
  };
  sc_core::sc_start();
  CHECK(readback[5] == 35);
  CHECK(readback[100] == static_cast<unsigned char>(700));
  CHECK(second < first);
  // 64 B lines: the second pass over 0x20000 and the read of the written
  // block (allocated by the write's misses) hit 64 lines each.
  CHECK(cache.cache_counters().hits == 64 + 64);
  CHECK(dram.transfer_counters().read_bytes == 2 * 4096);  // the two missed 4 KiB blocks' line fills
}

TEST_CASE("CacheTarget counts the bytes each hit moves: a call's first and last lines may be partial") {
  // 64 B lines. A 100 B read at 0x0a touches lines 0x00 (54 B) and 0x40
  // (46 B); read again, both hit and move 100 B, not two lines' 128 B; a
  // call of no bytes hits and moves none (it counted 1 B). A 4 KiB read of
  // whole lines hits 64 lines of 64 B. (The cost model prices
  // the data array by these bytes; it priced a line per hit, docs/cost.md.)
  CachedDram system("ddr4-2400");
  Initiator& cpu = system.cpu;
  const CacheTarget& cache = system.cache;
  std::uint64_t partial_hits = 0, partial_hit_bytes = 0;
  cpu.body = [&](Initiator& self) {
    std::vector<unsigned char> small(100), block(4096);
    self.transfer(false, 0x0a, small);
    self.transfer(false, 0x0a, small);
    sc_core::sc_time delay;
    REQUIRE(self.issue(false, 0x0a, nullptr, 0, delay) == tlm::TLM_OK_RESPONSE);  // a lookup that moves nothing
    partial_hits = cache.cache_counters().hits;
    partial_hit_bytes = cache.cache_counters().hit_bytes;
    self.transfer(false, 0x1000, block);
    self.transfer(false, 0x1000, block);
  };
  sc_core::sc_start();
  CHECK(partial_hits == 3);
  CHECK(partial_hit_bytes == 100);
  CHECK(cache.cache_counters().hits == 3 + 64);
  CHECK(cache.cache_counters().hit_bytes == 100 + 4096);
}

TEST_CASE("A dirty line written back by CacheTarget keeps its data in the memory behind it") {
  DramTarget dram("dram", dram_preset("hbm2"));
  CacheConfig cc;  // direct-mapped 4 KiB: 0x0 and 0x1000 share every set
  cc.size_bytes = 4096;
  cc.ways = 1;
  CacheTarget cache("cache", cc, sc_core::sc_time(1, sc_core::SC_NS));
  Initiator cpu("cpu");
  cpu.socket.bind(cache.socket);
  cache.downstream.bind(dram.socket);
  std::vector<unsigned char> readback(4096);
  cpu.body = [&](Initiator& self) {
    std::vector<unsigned char> data(4096, 0xAB);
    self.transfer(true, 0x0, data);          // 64 dirty lines
    self.transfer(false, 0x1000, readback);  // evicts (writes back) all of them
    self.transfer(false, 0x0, readback);     // misses: filled from the DRAM
  };
  sc_core::sc_start();
  REQUIRE(cache.cache_counters().writebacks == 64);
  CHECK(readback[0] == 0xAB);
  CHECK(readback[4095] == 0xAB);
}

TEST_CASE("CacheTarget sends a call's write-backs after its fills, so a DRAM row opens once per call, not per line") {
  // lpddr5-6400, mapping ro:ba:co:bg, 64 B bursts: address bits 6-7 bank
  // group, 8-12 column (a bank's row holds 2 KiB), 13-14 bank, 15 up row.
  DramConfig dc = dram_preset("lpddr5-6400");
  dc.timing.tREFI = 1 << 28;  // no refresh in this test: it would close rows
  DramTarget dram("dram", dc);
  // Direct-mapped 16 KiB (set = bits 6-13): 0x0 + i and 0x100000 + i share a
  // set and a DRAM bank (same bits 6-14) but not a row (0 and 32).
  CacheConfig cc;
  cc.size_bytes = 16 * 1024;
  cc.ways = 1;
  CacheTarget cache("cache", cc, sc_core::sc_time(1, sc_core::SC_NS));
  Initiator dma("dma");
  dma.socket.bind(cache.socket);
  cache.downstream.bind(dram.socket);
  dma.body = [&](Initiator& self) {
    std::vector<unsigned char> tile(4096);
    for (std::uint64_t a = 0; a < 16 * 1024; a += 4096) self.transfer(true, a, tile);
    for (std::uint64_t a = 0; a < 16 * 1024; a += 4096) self.transfer(false, 0x100000 + a, tile);
  };
  sc_core::sc_start();
  const DramCounters d = dram.dram_counters_at(sc_core::sc_time_stamp());
  REQUIRE(d.refreshes == 0);
  // Writes: 256 write-allocate fills of row 0 in 8 banks (4 bank groups x
  // banks 0, 1): 8 ACTs. Reads: each 4 KiB call fills 64 lines of row 32 in
  // 4 banks (calls 1, 2: bank 0 of each group; 3, 4: bank 1), 4 ACTs, then
  // writes back the 64 dirty lines of row 0 it evicted to the same 4 banks
  // (4 ACTs): 4 calls x 8 = 32 ACTs. Total 40. Posted, the write-backs wait
  // in the controller's write queue, and 5 stay below its low watermark
  // after each call. In calls 2 and 4 those 5 are in the banks the call
  // reads: when the read queue runs empty (the cache's 8 MSHRs wait for data
  // already on its way), the controller turns to them and precharges the 4
  // banks' row 32, and the next fills open it again: 4 ACTs each, 48. (In
  // call 3 they are row hits in banks 0 of row 0.) (Each write-back sent
  // alone before its fill: 2 ACTs per line, 8 + 8 x 63 = 512.)
  CHECK(cache.cache_counters().writebacks == 256);
  CHECK(d.read_bursts == 512);   // 16 KiB write-allocate fills + 16 KiB read fills
  CHECK(d.write_bursts == 256);  // 16 KiB written back
  CHECK(d.activates == 48);
}

TEST_CASE("Scattered write-backs are posted: they wait in the DRAM write queue and overlap later fills") {
  // Two identical stacks (lpddr5-6400 behind a direct-mapped 16 KiB cache,
  // sets = address bits 6-13): phase 1 puts a line in every set, at rows
  // scattered over 32 (bits 15-19), dirty in stack `dirty` (written), clean
  // in stack `clean` (read). Phase 2 reads 64 KiB in 4 KiB calls: every line
  // misses and, in `dirty`, evicts one dirty line, 256 non-consecutive
  // write-backs in all (one posted call each). Served one at a time each
  // costs an unloaded row-miss write (about 40 ns, 10 us in all); queued, the
  // controller drains them at its watermarks, several banks at once.
  DramConfig dc = dram_preset("lpddr5-6400");
  dc.timing.tREFI = 1 << 28;  // no refresh: the two stacks differ only by the writes
  CacheConfig cc;
  cc.size_bytes = 16 * 1024;
  cc.ways = 1;
  const sc_core::sc_time clock(1, sc_core::SC_NS);
  DramTarget dram_dirty("dram_dirty", dc), dram_clean("dram_clean", dc);
  CacheTarget dirty("dirty", cc, clock), clean("clean", cc, clock);
  Initiator dma_dirty("dma_dirty"), dma_clean("dma_clean");
  dma_dirty.socket.bind(dirty.socket);
  dirty.downstream.bind(dram_dirty.socket);
  dma_clean.socket.bind(clean.socket);
  clean.downstream.bind(dram_clean.socket);
  sc_core::sc_time phase2_dirty, phase2_clean;
  auto body = [](bool write, sc_core::sc_time& phase2) {
    return [write, &phase2](Initiator& self) {
      std::vector<unsigned char> line(64), tile(4096);
      for (std::uint64_t i = 0; i < 256; ++i) self.transfer(write, 0x1000000 + i * 64 + (i % 32) * 0x8000, line);
      const sc_core::sc_time start = sc_core::sc_time_stamp();
      for (std::uint64_t a = 0; a < 64 * 1024; a += 4096) self.transfer(false, a, tile);
      phase2 = sc_core::sc_time_stamp() - start;
    };
  };
  dma_dirty.body = body(true, phase2_dirty);
  dma_clean.body = body(false, phase2_clean);
  sc_core::sc_start();
  REQUIRE(dirty.cache_counters().writebacks == 256);
  REQUIRE(clean.cache_counters().writebacks == 0);
  const DramCounters d = dram_dirty.dram_counters_at(sc_core::sc_time_stamp());
  CHECK(d.write_bursts == 256);
  const double extra_ns_per_writeback = (phase2_dirty - phase2_clean).to_seconds() * 1e9 / 256;
  INFO("phase 2: dirty " << phase2_dirty << ", clean " << phase2_clean);
  CHECK(extra_ns_per_writeback < 20);
}

TEST_CASE("FlashTarget delays a 4 KiB random read by the array latency plus the transfer") {
  const FlashConfig fc = flash_preset("ufs3.1");
  FlashTarget flash("flash", fc);
  Initiator host("host");
  host.socket.bind(flash.socket);
  sc_core::sc_time d;
  host.body = [&](Initiator& self) {
    std::vector<unsigned char> page(4096);
    d = self.transfer(false, 1 << 20, page);
  };
  sc_core::sc_start();
  CHECK(d.to_seconds() * 1e9 == Approx(fc.read_latency_ns + 4096 / fc.seq_read_gbps));
  CHECK(flash.flash_counters().pages_read == 1);
}

// Speed of the memory timing cores. Target: >= 5 M DRAM requests per
// wall-second in trace mode (DRAMSim3 and Ramulator 2 replay the same traces
// at 0.1-0.3 M requests/s on this machine: ../shared/reference/dram/simspeed.csv).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

#include "models/memory/cache.h"
#include "models/memory/dram_config.h"
#include "models/memory/dram_trace.h"
#include "tests/memory/reference_traces.h"

using namespace qarch::memory;

namespace {

const std::vector<MemoryTraceRecord>& saturated(const std::string& pattern) {
  static std::map<std::string, std::vector<MemoryTraceRecord>> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, testing::reference_trace(pattern, true)).first;
  return it->second;
}

const char* const kPatterns[] = {"seq_read", "rand_read", "stride_read", "seq_write", "mix_2r1w"};

const std::vector<MemoryTraceRecord>& unloaded(const std::string& pattern) {
  static std::map<std::string, std::vector<MemoryTraceRecord>> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, testing::reference_trace(pattern, false)).first;
  return it->second;
}

// Replays `trace` once per iteration; items = requests.
void replay(benchmark::State& state, const DramConfig& config,
            const std::vector<MemoryTraceRecord>& trace) {
  for (auto _ : state) benchmark::DoNotOptimize(replay_memory_trace(config, trace).bandwidth_gbps);
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(trace.size()));
}

// One reference pattern through one preset: saturated (200 000 requests at
// cycle 0) or unloaded (10 000 requests, one per 200 cycles). Named
// BM_DramTrace/<preset>/<pattern>/<load> for scripts/bench_targets.txt.
void BM_DramTrace(benchmark::State& state, const std::string& preset, const std::string& pattern,
                  bool is_saturated) {
  replay(state, dram_preset(preset), is_saturated ? saturated(pattern) : unloaded(pattern));
}

const bool kRegistered = [] {
  for (const std::string& preset : dram_preset_names()) {
    for (const char* pattern : kPatterns) {
      for (bool is_saturated : {true, false}) {
        const std::string name = "BM_DramTrace/" + preset + "/" + pattern +
                                 (is_saturated ? "/saturated" : "/unloaded");
        benchmark::RegisterBenchmark(name.c_str(), BM_DramTrace, preset, std::string(pattern),
                                     is_saturated)
            ->Unit(benchmark::kMillisecond);
      }
    }
  }
  return true;
}();

// The configurations and saturated traces the reference simulators were timed
// on (tests/data/dram/simspeed.csv), named BM_DramTraceReference/<config_name>/<pattern>
// with simspeed.csv's own names, so scripts/bench.sh can set each beside them.
void BM_DramTraceReference(benchmark::State& state, const std::string& config_name,
                           const std::string& pattern) {
  replay(state, testing::reference_config(config_name), saturated(pattern));
}

const char* const kReferenceConfigs[] = {"DDR4-2400R_4Gb_x8_1rank_64bit|map=Ro:Ba:Bg:Co",
                                         "DDR4-2400R_4Gb_x8_1rank_64bit|map=Ro:Ba:Co:Bg",
                                         "LPDDR4-3200_2x16ganged_32bit_8bank|map=Ro:Ba:Co",
                                         "HBM2-2Gbps_1channel_2PC_128bit|map=Ro:Ba:Bg:Co",
                                         "HBM2-2Gbps_1channel_2PC_128bit|map=Ro:Ba:Co:Bg"};

// The same cases as `qarch dram --trace FILE` runs them: each iteration
// reads and parses the saturated trace from a file (DRAMSim3 text, as
// gen_traces.py writes it) while replaying it; wall time, as the reader
// parses on a thread of its own. Named
// BM_DramTraceFile/<config_name>/<pattern>; scripts/bench.sh shows them beside
// BM_DramTraceReference (trace already in memory, as the peers were timed).
const std::string& trace_file(const std::string& pattern) {
  static std::map<std::string, std::string> paths;
  static struct Cleanup {
    ~Cleanup() {
      for (const auto& [pattern, path] : paths) std::remove(path.c_str());
    }
  } cleanup;
  auto it = paths.find(pattern);
  if (it == paths.end()) {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("qarch_bench_" + std::to_string(::getpid()) + "_" + pattern + ".trace"))
                                 .string();
    std::ofstream(path, std::ios::binary) << testing::reference_trace_text(saturated(pattern));
    it = paths.emplace(pattern, path).first;
  }
  return it->second;
}

void BM_DramTraceFile(benchmark::State& state, const std::string& config_name, const std::string& pattern) {
  const DramConfig config = testing::reference_config(config_name);
  const std::string& path = trace_file(pattern);
  std::int64_t requests = 0;
  for (auto _ : state) {
    MemoryTraceReader reader(path);
    DramReplay replay(config);
    MemoryTraceRecord record;
    while (reader.next(record)) {
      replay.issue(record);
      ++requests;
    }
    benchmark::DoNotOptimize(replay.finish().bandwidth_gbps);
  }
  state.SetItemsProcessed(requests);
}

// Each reference case twice: trace in memory, and read from a file.
const bool kReferenceRegistered = [] {
  for (const char* config_name : kReferenceConfigs) {
    for (const char* pattern : kPatterns) {
      const std::string in_memory = std::string("BM_DramTraceReference/") + config_name + "/" + pattern;
      benchmark::RegisterBenchmark(in_memory.c_str(), BM_DramTraceReference, std::string(config_name),
                                   std::string(pattern))
          ->Unit(benchmark::kMillisecond);
      const std::string from_file = std::string("BM_DramTraceFile/") + config_name + "/" + pattern;
      benchmark::RegisterBenchmark(from_file.c_str(), BM_DramTraceFile, std::string(config_name),
                                   std::string(pattern))
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();  // the parser thread's work is not in this thread's CPU time
    }
  }
  return true;
}();

// All five reference patterns back to back on DDR4-2400 (1 M requests): the
// speed target.
void BM_DramTraceReferenceMix(benchmark::State& state) {
  const DramConfig config = dram_preset("ddr4-2400");
  std::size_t requests = 0;
  for (const char* p : kPatterns) requests += saturated(p).size();
  for (auto _ : state) {
    for (const char* p : kPatterns) {
      benchmark::DoNotOptimize(replay_memory_trace(config, saturated(p)).bandwidth_gbps);
    }
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(requests));
}
BENCHMARK(BM_DramTraceReferenceMix)->Unit(benchmark::kMillisecond);

void BM_CacheAccess(benchmark::State& state) {
  CacheConfig config;
  config.replacement = replacement_policy_names()[state.range(0)];
  const auto& trace = saturated("mix_2r1w");
  for (auto _ : state) {
    Cache cache(config);
    for (const auto& r : trace) cache.access(r.address & 0xFFFFF, r.is_write);
    benchmark::DoNotOptimize(cache.counters().hits);
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(trace.size()));
  state.SetLabel(config.replacement);
}
BENCHMARK(BM_CacheAccess)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

}  // namespace

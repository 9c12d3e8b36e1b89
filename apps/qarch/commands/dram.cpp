// qarch dram: replay a DRAMSim3-format trace through a DRAM preset.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/qarch/commands.h"
#include "common/input_error.h"
#include "common/terminal.h"
#include "common/yaml_reader.h"
#include "models/memory/dram_config.h"
#include "models/memory/dram_trace.h"

namespace qarch::cli {

void add_dram_command(CLI::App& app, CommandStatus& /*status*/) {
  struct Options {
    std::string preset;
    std::string trace;
    std::vector<std::string> overrides;
    int request_bytes = 64;
    bool json = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "dram", "Replay a DRAMSim3-format trace (0xADDR READ|WRITE cycle) through a DRAM model");
  cmd->add_option("--preset", opt->preset,
                  "DRAM preset: ddr4-2400, ddr4-3200, ddr5-4800, lpddr4-3200, lpddr5-6400, "
                  "lpddr5x-8533, hbm2, hbm3")
      ->required();
  cmd->add_option("--trace", opt->trace, "trace file, cycles in memory clocks")->required()->check(kPathGiven);
  cmd->add_option("--set", opt->overrides,
                  "override a DRAM parameter, e.g. --set address_mapping=ro:ba:co:bg --set tRCD=18");
  cmd->add_option("--request-bytes", opt->request_bytes, "bytes per trace request")
      ->check(whole_number(1, memory::kMaxRequestBytes));
  cmd->add_flag("--json", opt->json, "print JSON instead of text");
  cmd->callback([opt] {
    memory::dram_preset(opt->preset);  // an unknown name fails here, listing the presets
    YAML::Node node = load_yaml_string("{}", "--preset");
    node["preset"] = opt->preset;
    std::vector<SetArgument> set_arguments;
    for (const auto& o : opt->overrides) {
      // The accelerator config's key path (dram.tRAS) does not apply here.
      if (o.rfind("dram.", 0) == 0) {
        throw InputError(SourceRef{"--set " + o, 0, ""},
                         "qarch dram takes DRAM keys without the 'dram.' prefix: --set " + o.substr(5));
      }
      set_arguments.push_back(apply_override(node, o, "tRCD=18"));
    }
    YamlMap map(node, "--preset " + opt->preset, "dram", set_arguments);
    const memory::DramConfig config = memory::load_dram_config(map);
    memory::DramReplay replay(config, opt->request_bytes);
    memory::MemoryTraceReader reader(opt->trace);  // streamed: a trace of any length fits
    ProgressLine progress("replaying " + opt->trace + ", bytes", reader.size_bytes());
    memory::MemoryTraceRecord record;
    for (std::uint64_t n = 1; reader.next(record); ++n) {
      replay.issue(record);
      if (n % memory::kReplayProgressRequests == 0) progress.update(reader.bytes_parsed());
    }
    const memory::DramReplayResult r = replay.finish();
    progress.finish();
    const memory::DramCounters& k = r.counters;
    if (opt->json) {
      nlohmann::json j;
      j["preset"] = config.preset;  // --set preset=NAME replaces --preset
      j["address_mapping"] = config.address_mapping;
      j["requests"] = r.requests;
      j["reads"] = r.reads;
      j["writes"] = r.writes;
      j["bytes"] = r.bytes;
      j["tCK_ns"] = r.tCK_ns;
      j["last_done_cycle"] = r.last_done_cycle;
      j["bandwidth_gbps"] = r.bandwidth_gbps;
      j["peak_bandwidth_gbps"] = config.peak_bandwidth_gbps();
      // Without reads there is no read latency: null, not a measured 0.
      const auto read_latency = [&r](auto value) { return r.reads > 0 ? nlohmann::json(value) : nlohmann::json(); };
      j["avg_read_latency_cycles"] = read_latency(r.avg_read_latency_cycles);
      j["avg_read_latency_ns"] = read_latency(r.avg_read_latency_ns);
      j["min_read_latency_cycles"] = read_latency(r.min_read_latency_cycles);
      j["p50_read_latency_cycles"] = read_latency(r.p50_read_latency_cycles);
      j["p90_read_latency_cycles"] = read_latency(r.p90_read_latency_cycles);
      j["p99_read_latency_cycles"] = read_latency(r.p99_read_latency_cycles);
      j["max_read_latency_cycles"] = read_latency(r.max_read_latency_cycles);
      j["row_hit_rate"] = r.row_hit_rate;
      for (const auto& [name, count] : k.named()) j["commands"][name] = count;
      nlohmann::json hist = nlohmann::json::array();
      for (const auto& [latency, count] : r.read_latency_histogram) hist.push_back({latency, count});
      j["read_latency_histogram_cycles"] = hist;
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    const std::string read_latency =
        r.reads > 0 ? fmt::format("avg {:.2f} cycles = {:.2f} ns; min {} p50 {} p90 {} p99 {} max {} cycles",
                                  r.avg_read_latency_cycles, r.avg_read_latency_ns, r.min_read_latency_cycles,
                                  r.p50_read_latency_cycles, r.p90_read_latency_cycles,
                                  r.p99_read_latency_cycles, r.max_read_latency_cycles)
                    : "no reads";
    std::printf("%s",
                fmt::format("preset {} ({}), {} requests ({} reads, {} writes), {} B each\n"
                            "bandwidth     {:.3f} GB/s (peak {:.2f} GB/s), last completion at cycle {}\n"
                            "read latency  {}\n"
                            "row-hit rate  {:.4f}\n"
                            "commands      ACT {} PRE {} RD {} WR {} REF {}\n",
                            config.preset, config.address_mapping, r.requests, r.reads, r.writes,
                            opt->request_bytes, r.bandwidth_gbps, config.peak_bandwidth_gbps(),
                            r.last_done_cycle, read_latency, r.row_hit_rate, k.activates, k.precharges,
                            k.read_bursts, k.write_bursts, k.refreshes)
                    .c_str());
  });
}

}  // namespace qarch::cli

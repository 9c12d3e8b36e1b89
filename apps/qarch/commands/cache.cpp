// qarch cache: replay a DRAMSim3-format trace through a set-associative cache.
#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/qarch/commands.h"
#include "common/input_error.h"
#include "common/terminal.h"
#include "common/yaml_reader.h"
#include "models/memory/cache.h"
#include "models/memory/dram_trace.h"

namespace qarch::cli {
namespace {

// "64" on the command line means 64 B.
std::string with_byte_unit(const std::string& text) {
  const bool plain = !text.empty() && std::isdigit(static_cast<unsigned char>(text.back()));
  return plain ? text + " B" : text;
}

}  // namespace

void add_cache_command(CLI::App& app, CommandStatus& /*status*/) {
  struct Options {
    std::string size = "32KiB";
    std::string line = "64";
    // Numbers stay text here: the config reader checks them and names the key.
    std::string ways = "8";
    std::string banks = "1";
    std::string policy = "lru";
    std::string write_policy = "wb";
    std::string seed = "1";
    std::string trace;
    bool json = false;
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "cache", "Replay a DRAMSim3-format trace through a set-associative cache; every line is one "
               "access to the cache line holding its address");
  cmd->add_option("--size", opt->size, "capacity, e.g. 32KiB");
  cmd->add_option("--line", opt->line, "line size in bytes, e.g. 64");
  cmd->add_option("--ways", opt->ways, "associativity");
  cmd->add_option("--banks", opt->banks,
                  "banks (sets interleaved over them; must divide the sets). Only checked here: banks time "
                  "accesses (bank conflicts) in qarch run; trace mode counts hits, misses and evictions only");
  cmd->add_option("--policy", opt->policy, "replacement: lru, plru, fifo, random");
  cmd->add_option("--write-policy", opt->write_policy,
                  "wb (write-back, write-allocate) or wt (write-through, no write-allocate)");
  cmd->add_option("--seed", opt->seed, "seed of the random policy");
  cmd->add_option("--trace", opt->trace, "trace file")->required()->check(kPathGiven);
  cmd->add_flag("--json", opt->json, "print JSON instead of text");
  cmd->callback([opt, cmd] {
    YAML::Node node = load_yaml_string("{}", "command line");
    node["size"] = with_byte_unit(opt->size);
    node["line"] = with_byte_unit(opt->line);
    node["ways"] = opt->ways;
    node["banks"] = opt->banks;
    node["replacement"] = opt->policy;
    node["write_policy"] = opt->write_policy;
    node["seed"] = opt->seed;
    // Errors name the option that gave a value, and an error about a
    // combination (--size and --ways) the last one given, never a default.
    const std::pair<const char*, const char*> option_keys[] = {
        {"--size", "size"},          {"--line", "line"},
        {"--ways", "ways"},          {"--banks", "banks"},
        {"--policy", "replacement"}, {"--write-policy", "write_policy"},
        {"--seed", "seed"}};
    std::vector<SetArgument> options_given;
    for (const CLI::Option* given : cmd->parse_order()) {
      for (const auto& [option, key] : option_keys) {
        if (given->check_name(option)) {
          options_given.push_back(SetArgument{key, given->as<std::string>(), option});
        }
      }
    }
    YamlMap map(node, "command line", "cache", options_given);
    const memory::CacheConfig config = memory::load_cache_config(map);
    memory::Cache cache(config);
    memory::MemoryTraceReader reader(opt->trace);
    ProgressLine progress("replaying " + opt->trace + ", bytes", reader.size_bytes());
    memory::MemoryTraceRecord record;
    for (std::uint64_t n = 1; reader.next(record); ++n) {
      cache.access(record.address, record.is_write);
      if (n % memory::kReplayProgressRequests == 0) progress.update(reader.bytes_parsed());
    }
    progress.finish();
    const memory::CacheCounters& k = cache.counters();
    const double hit_rate = k.hits + k.misses ? double(k.hits) / double(k.hits + k.misses) : 0.0;
    if (opt->json) {
      const nlohmann::json j = {
          {"accesses", k.reads + k.writes}, {"reads", k.reads},
          {"writes", k.writes},             {"hits", k.hits},
          {"misses", k.misses},             {"evictions", k.evictions},
          {"writebacks", k.writebacks},     {"write_throughs", k.write_throughs},
          {"dirty_lines_at_end", cache.dirty_lines()},
          {"hit_rate", hit_rate},           {"sets", config.sets()},
          {"ways", config.ways},            {"line_bytes", config.line_bytes},
          {"policy", config.replacement},   {"write_policy", opt->write_policy}};
      std::printf("%s\n", j.dump(2).c_str());
      return;
    }
    std::printf("%s", fmt::format("{} sets x {} ways x {} B lines, {}, {}\n"
                                  "accesses {} (reads {}, writes {}), hit rate {:.4f}\n"
                                  "hits {}  misses {}  evictions {}  writebacks {}  write_throughs {}  "
                                  "dirty_lines_at_end {}\n",
                                  config.sets(), config.ways, config.line_bytes,
                                  config.replacement, opt->write_policy, k.reads + k.writes,
                                  k.reads, k.writes, hit_rate, k.hits, k.misses, k.evictions,
                                  k.writebacks, k.write_throughs, cache.dirty_lines())
                          .c_str());
  });
}

}  // namespace qarch::cli

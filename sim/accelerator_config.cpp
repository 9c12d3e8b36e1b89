#include "sim/accelerator_config.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/input_error.h"
#include "common/input_file.h"
#include "common/units.h"
#include "common/yaml_reader.h"
#include "cost/activity.h"
#include "cost/datapath.h"
#include "models/numerics/format_registry.h"
#include "sim/builtin_data.h"

namespace qarch::sim {
namespace {

constexpr std::int64_t kMaxArrayDim = 1 << 16;
constexpr std::uint64_t kMaxScratchpadBytes = std::uint64_t{1} << 40;


std::int64_t max_input_bits(const SystolicArrayConfig& a) {
  int bits = 0;
  for (const MacFormatSupport& f : a.formats) {
    bits = std::max({bits, numerics::format_info(f.weights).storage_bits,
                     numerics::format_info(f.inputs).storage_bits});
  }
  return bits;
}

// A scratchpad's size as the user gave it, at the key that sets it; a unified
// scratchpad is split evenly between `streams` operand streams.
struct GivenScratchpad {
  std::uint64_t size_bytes = 0;
  int streams = 1;
  SourceRef where;
};

// Each half of each operand stream's double buffer must hold one array-sized
// tile of the widest input format. A combination: when a --set gave the tile
// and the file the size, the error names the --set (docs/config.md).
void check_scratchpads_hold_a_tile(const AcceleratorConfig& c, const std::vector<GivenScratchpad>& scratchpads) {
  const std::int64_t tile_bytes = (c.array.shape.rows * c.array.shape.cols * max_input_bits(c.array) + 7) / 8;
  for (const GivenScratchpad& s : scratchpads) {
    if (s.size_bytes / s.streams / 2 < static_cast<std::uint64_t>(tile_bytes)) {
      const bool size_from_set = std::any_of(c.set_arguments.begin(), c.set_arguments.end(),
                                             [&](const SetArgument& a) { return a.covers(s.where.key_path); });
      const SetArgument* tile_set =
          size_from_set ? nullptr
                        : c.set_argument_within({"compute.systolic_array.rows", "compute.systolic_array.cols",
                                                 "compute.systolic_array.formats"});
      const SourceRef where = tile_set ? tile_set->source(tile_set->key_path) : s.where;
      throw InputError(where,
                       fmt::format("{}{}{} cannot hold one {}x{} tile ({}) in each half of {} double buffer; "
                                   "need at least {}",
                                   tile_set ? s.where.key_path + " " : "", format_bytes(static_cast<double>(s.size_bytes)),
                                   s.streams > 1 ? ", split between ifmap, filter and ofmap," : "",
                                   c.array.shape.rows, c.array.shape.cols,
                                   format_bytes(static_cast<double>(tile_bytes)), s.streams > 1 ? "each" : "its",
                                   format_bytes(2.0 * s.streams * static_cast<double>(tile_bytes))));
    }
  }
}

// The cost model prices each scratchpad as `banks` banks of port-wide words
// (sim/costing.cpp): every bank of every operand stream must hold one word.
// `m` is the scratchpad's section; a unified one is split between `streams`.
void check_scratchpad_banks(const AcceleratorConfig& c, const YamlMap& m, const ScratchpadConfig& given, int streams) {
  const std::uint64_t needed_bytes =
      static_cast<std::uint64_t>(c.scratchpad_port_bits() / 8) * static_cast<std::uint64_t>(given.banks) * streams;
  if (given.size_bytes >= needed_bytes) return;
  m.fail(m.blamed_key({"banks", "size"}),
         fmt::format("{} bank{} of one {}-bit word{} need{} at least {}; size is {}", given.banks,
                     given.banks == 1 ? "" : "s", c.scratchpad_port_bits(),
                     streams > 1 ? " in each of ifmap, filter and ofmap" : "", given.banks == 1 ? "s" : "",
                     format_bytes(static_cast<double>(needed_bytes)), format_bytes(static_cast<double>(given.size_bytes))));
}

// The cost model prices a system cache's data array in 64-bit words (cost/activity.h).
void check_cache_holds_a_word(const memory::CacheConfig& cache, const YamlMap& m) {
  const std::uint64_t word_bits = static_cast<std::uint64_t>(cost::CacheGeometry{}.data_width_bits);
  if (cache.size_bytes * 8 >= word_bits) return;
  m.fail("size", fmt::format("{} cannot hold one {}-bit word of the cache's data array; need at least {}",
                             format_bytes(static_cast<double>(cache.size_bytes)), word_bits,
                             format_bytes(static_cast<double>(word_bits / 8))));
}

const numerics::FormatInfo& known_format(const YamlMap& m, const std::string& key, const std::string& name) {
  const numerics::FormatInfo* f = numerics::find_format(name);
  if (f == nullptr) {
    m.fail(key, fmt::format("unknown number format '{}'; allowed: {}", name,
                            fmt::join(numerics::format_names(), ", ")));
  }
  return *f;
}

// One formats[i] entry. Its keys are read before any value is checked, so a
// misspelt key is named as unknown rather than its value as missing.
MacFormatSupport read_format_pair(YamlMap& f) {
  MacFormatSupport s;
  s.weights = f.string("weights");
  s.inputs = f.string("inputs");
  s.accumulator = f.string("accumulator", s.accumulator);
  s.macs_per_pe_per_cycle = static_cast<int>(f.integer("macs_per_pe_per_cycle", 1, 64, 1));
  f.finish();
  const numerics::FormatInfo& weights = known_format(f, "weights", s.weights);
  const numerics::FormatInfo& inputs = known_format(f, "inputs", s.inputs);
  const numerics::FormatInfo& accumulator = known_format(f, "accumulator", s.accumulator);
  try {
    cost::check_accumulator(weights, inputs, accumulator);
  } catch (const InputError& e) {
    f.fail(f.has("accumulator") ? "accumulator" : "", e.what());  // the default int32: the entry
  }
  return s;
}

// A (weights, inputs) pair listed twice, at `first` and `repeat`: an error at
// the listing a --set argument gave (docs/config.md: an error about a
// combination names the one --set gave), else at the repeat.
[[noreturn]] void fail_repeated_pair(const YamlMap& first, const YamlMap& repeat, const MacFormatSupport& pair) {
  const auto set_key = [](const YamlMap& item) -> std::string {
    for (const char* key : {"weights", "inputs"}) {
      if (item.where(key).file != item.file()) return key;
    }
    return "";
  };
  const bool blame_first = !set_key(first).empty() && set_key(repeat).empty();
  const YamlMap& blamed = blame_first ? first : repeat;
  const YamlMap& other = blame_first ? repeat : first;
  blamed.fail(set_key(blamed), fmt::format("format pair {} x {} is listed twice (also as {}, given at {}); list each "
                                           "pair once",
                                           pair.weights, pair.inputs, other.key_path(), other.where().location()));
}

ScratchpadConfig read_scratchpad(YamlMap& m, const std::string& name) {
  ScratchpadConfig s;
  s.name = name;
  s.size_bytes = m.byte_size("size", 1, kMaxScratchpadBytes);
  s.banks = m.integer("banks", 1, 1024, 1);
  m.finish();
  return s;
}

AcceleratorConfig read_accelerator(YAML::Node root, const std::string& origin,
                                   const std::vector<std::string>& overrides) {
  std::vector<SetArgument> set_arguments;
  for (const std::string& o : overrides) set_arguments.push_back(apply_override(root, o, "compute.systolic_array.rows=64"));
  YamlMap map(root, origin, "", set_arguments);
  AcceleratorConfig c;
  c.source = origin;
  c.set_arguments = set_arguments;
  c.key_lines = key_lines(root);
  c.name = map.name("name");
  // SystemC keeps time in whole picoseconds (1 ps resolution, 2^64 ps at most):
  // the period must be many picoseconds, and a run of 10^13 cycles must fit.
  c.clock_hz = map.quantity("clock", Dimension::kFrequencyHz, {1e6, 100e9});

  YamlMap compute = map.map("compute");
  YamlMap array = compute.map("systolic_array");
  c.array.shape.rows = array.integer("rows", 1, kMaxArrayDim);
  c.array.shape.cols = array.integer("cols", 1, kMaxArrayDim);
  const std::string df = array.choice("dataflow", {"os", "ws", "is"});
  c.array.shape.dataflow = df == "os"   ? compute::Dataflow::kOutputStationary
                           : df == "ws" ? compute::Dataflow::kWeightStationary
                                        : compute::Dataflow::kInputStationary;
  std::vector<YamlMap> formats = array.list_of_maps("formats");
  for (YamlMap& f : formats) {
    const MacFormatSupport s = read_format_pair(f);
    if (const MacFormatSupport* listed = c.find_format_pair(s.weights, s.inputs)) {
      fail_repeated_pair(formats[static_cast<std::size_t>(listed - c.array.formats.data())], f, s);
    }
    c.array.formats.push_back(s);
  }
  if (c.array.formats.empty()) array.fail("formats", "the array must support at least one format pair");
  array.finish();
  if (std::optional<YamlMap> vu = compute.optional_map("vector_unit")) {
    c.vector_unit.lanes = vu->integer("lanes", 1, kMaxArrayDim);
    vu->finish();
  } else {
    c.vector_unit.lanes = c.array.shape.cols;
  }
  compute.finish();

  YamlMap sp = map.map("scratchpads");
  if (std::optional<YamlMap> unified = sp.optional_map("unified")) {
    for (const char* key : {"ifmap", "filter", "ofmap"}) {
      if (sp.has(key)) {
        sp.fail(key, fmt::format("not allowed with scratchpads.unified (given at {}): give either unified or "
                                 "ifmap/filter/ofmap, not both",
                                 sp.where("unified").location()));
      }
    }
    // A unified scratchpad is split evenly between the three operand streams.
    ScratchpadConfig u = read_scratchpad(*unified, "unified");
    c.ifmap = c.filter = c.ofmap = u;
    c.ifmap.size_bytes = c.filter.size_bytes = c.ofmap.size_bytes = u.size_bytes / 3;
    c.ifmap.name = "ifmap";
    c.filter.name = "filter";
    c.ofmap.name = "ofmap";
    check_scratchpads_hold_a_tile(c, {{u.size_bytes, 3, unified->where("size")}});
    check_scratchpad_banks(c, *unified, u, 3);
  } else {
    YamlMap i = sp.map("ifmap"), f = sp.map("filter"), o = sp.map("ofmap");
    c.ifmap = read_scratchpad(i, "ifmap");
    c.filter = read_scratchpad(f, "filter");
    c.ofmap = read_scratchpad(o, "ofmap");
    check_scratchpads_hold_a_tile(c, {{c.ifmap.size_bytes, 1, i.where("size")},
                                      {c.filter.size_bytes, 1, f.where("size")},
                                      {c.ofmap.size_bytes, 1, o.where("size")}});
    check_scratchpad_banks(c, i, c.ifmap, 1);
    check_scratchpad_banks(c, f, c.filter, 1);
    check_scratchpad_banks(c, o, c.ofmap, 1);
  }
  sp.finish();

  YamlMap dram = map.map("dram");
  const std::vector<std::string> standards{"ddr4", "ddr5", "lpddr4", "lpddr4x", "lpddr5", "lpddr5x", "hbm2",
                                           "hbm2e", "hbm3"};
  c.dram.per_operand_ports = dram.choice("ports", {"shared", "per_operand"}, "shared") == "per_operand";
  if (!dram.choice("preset", memory::dram_preset_names(), "").empty()) {
    // The detailed DRAM model: bandwidth and latency come from its timing.
    for (const char* key : {"bandwidth", "latency"}) {
      if (dram.has(key)) {
        dram.fail(key, fmt::format("not allowed with dram.preset (given at {}): the DRAM model's timing decides it",
                                   dram.where("preset").location()));
      }
    }
    // The preset's name starts with its standard (lpddr5-6400: lpddr5), which prices its energy.
    const std::string preset = dram.choice("preset", memory::dram_preset_names());
    c.dram.standard = preset.substr(0, preset.find('-'));
    if (dram.has("standard")) {
      dram.fail("standard", fmt::format("not allowed with dram.preset (given at {}): the preset's standard, {}, "
                                        "prices the DRAM's energy",
                                        dram.where("preset").location(), c.dram.standard));
    }
    c.dram.detailed = memory::load_dram_config(dram);  // also rejects unknown keys
  } else {
    // Before bandwidth, which such a section may lack for want of a preset.
    const std::vector<std::string>& model_keys = memory::dram_parameter_keys();
    for (const std::string& key : dram.keys()) {
      if (std::find(model_keys.begin(), model_keys.end(), key) != model_keys.end()) {
        dram.fail(key, fmt::format("DRAM timing and organisation keys need dram.preset (one of {}), whose values "
                                   "they change",
                                   fmt::join(memory::dram_preset_names(), ", ")));
      }
    }
    if (dram.has("bandwidth") && dram.string("bandwidth") == "unlimited") {
      c.dram.bandwidth_bytes_per_s = 0;
    } else {
      try {
        c.dram.bandwidth_bytes_per_s = dram.quantity("bandwidth", Dimension::kBandwidthBps, kMemoryBandwidthRange);
      } catch (const InputError& e) {
        throw InputError(std::string(e.what()) + "; or unlimited (no bandwidth limit)");
      }
    }
    c.dram.latency_s = dram.quantity("latency", Dimension::kTimeSeconds, kMemoryLatencyRange, 0.0);
    c.dram.standard = dram.choice("standard", standards, "lpddr4");
  }
  dram.finish();

  // A design states its caches' sizes (docs/config.md): an empty section
  // built CacheConfig's 32 KiB. The other keys have documented defaults;
  // `qarch cache` gives its own --size default. Asked for first, so that a
  // missing size is the error, and a misspelt one the unknown key.
  if (std::optional<YamlMap> flash = map.optional_map("flash")) {
    c.flash = memory::load_flash_config(*flash);
  }
  // `in_dram`: the cache's lines come from the detailed DRAM (if any), where
  // each operand stream has a quarter of the capacity: a longer line would
  // hold several operands' bytes.
  const auto load_cache = [&](const char* section, bool in_dram) -> std::optional<memory::CacheConfig> {
    std::optional<YamlMap> cache = map.optional_map(section);
    if (!cache) return std::nullopt;
    cache->byte_size("size", 1, memory::kMaxCacheBytes);
    const memory::CacheConfig loaded = memory::load_cache_config(*cache);
    check_cache_holds_a_word(loaded, *cache);
    if (in_dram && c.dram.detailed) {
      const std::uint64_t region = c.dram.detailed->capacity_bytes() / 4;
      if (static_cast<std::uint64_t>(loaded.line_bytes) > region) {
        cache->fail("line", fmt::format("{} lines are longer than an operand's quarter of the DRAM's {} ({}); allowed: "
                                        "at most {}",
                                        format_bytes(loaded.line_bytes),
                                        format_bytes(static_cast<double>(c.dram.detailed->capacity_bytes())),
                                        c.where("dram").describe(), format_bytes(static_cast<double>(region))));
      }
    }
    return loaded;
  };
  c.system_cache = load_cache("system_cache", true);
  c.weight_cache = load_cache("weight_cache", !c.flash);
  if (std::optional<YamlMap> dma = map.optional_map("dma")) {
    c.dma.burst_bytes = dma->byte_size("burst", 1, 1 << 30, 4096);
    dma->finish();
  }
  if (std::optional<YamlMap> cost = map.optional_map("cost")) {
    c.technology_node = cost->string("node", c.technology_node);
    c.cost_table_path = cost->string("table", "");
    // A path written in the file is relative to the file's folder; one given
    // with --set, to the working directory, as any path on the command line.
    const std::filesystem::path table(c.cost_table_path);
    if (table.is_relative() && !table.empty() && cost->where("table").file == origin) {
      c.cost_table_path = (std::filesystem::path(origin).parent_path() / table).string();
    }
    cost->finish();
  }
  if (std::optional<YamlMap> sim = map.optional_map("simulation")) {
    c.traffic_model = sim->choice("traffic_model", {"reuse", "scalesim"}, "reuse");
    c.scalesim_cycle_quirk = sim->boolean("scalesim_cycle_quirk", false);
    // The scalesim model replays SCALE-Sim's scratchpad at dram.bandwidth
    // (sim/scalesim/): with a memory model beside it, one of the two would be
    // left out without a word.
    const std::pair<bool, SourceRef> memory_models[] = {{c.dram.detailed.has_value(), dram.where("preset")},
                                                        {c.system_cache.has_value(), map.where("system_cache")},
                                                        {c.weight_cache.has_value(), map.where("weight_cache")},
                                                        {c.flash.has_value(), map.where("flash")}};
    for (const auto& [given, where] : memory_models) {
      if (given && c.traffic_model == "scalesim") {
        sim->fail("traffic_model",
                  fmt::format("'scalesim' is not allowed with {} (given at {}): it replays SCALE-Sim's scratchpad "
                              "at dram.bandwidth and bypasses the DRAM model, caches and flash; allowed: "
                              "scalesim with dram.bandwidth (no dram.preset, system_cache, weight_cache or flash), "
                              "or reuse",
                              where.key_path, where.location()));
      }
    }
    // SCALE-Sim's interfaces move whole words (bytes) per cycle.
    const double bytes_per_cycle = c.dram.bandwidth_bytes_per_s / c.clock_hz;
    if (c.traffic_model == "scalesim" && c.dram.bandwidth_bytes_per_s > 0 &&
        (bytes_per_cycle < 1 || bytes_per_cycle != std::floor(bytes_per_cycle))) {
      dram.fail("bandwidth", fmt::format("{:g} bytes per cycle at this clock; the scalesim traffic model (given at "
                                         "{}) needs a whole number of bytes per cycle, at least 1",
                                         bytes_per_cycle, sim->where("traffic_model").location()));
    }
    sim->finish();
  }
  map.finish();
  return c;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// A .cfg key as Python's configparser tells keys apart: section names are
// case-sensitive, option names are not (its optionxform lower-cases them).
std::string option_key(const std::string& section, std::string option) {
  std::transform(option.begin(), option.end(), option.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return section + "." + option;
}

// A SCALE-Sim .cfg where an accelerator YAML belongs: a readable file whose
// name ends in .cfg, or whose first line that is neither blank nor a comment
// is an INI section header such as [general].
bool looks_like_scalesim_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  const std::string suffix = ".cfg";
  if (path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) return true;
  for (std::string line; std::getline(in, line);) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    return t.size() > 2 && t.front() == '[' && t.back() == ']' && t.find_first_of(",[]", 1) == t.size() - 1;
  }
  return false;
}

}  // namespace

SourceRef AcceleratorConfig::where(const std::string& key_path) const {
  int line = 0;
  // "a.b[0].c", then "a.b[0]", "a.b", "a": the nearest key the file has.
  for (std::string path = key_path; !path.empty() && line == 0;) {
    if (const auto it = key_lines.find(path); it != key_lines.end()) line = it->second;
    const auto cut = path.find_last_of(".[");
    path = cut == std::string::npos ? "" : path.substr(0, cut);
  }
  return value_source(source, line, key_path, set_arguments);
}

const SetArgument* AcceleratorConfig::set_argument_within(std::initializer_list<std::string> key_paths) const {
  for (auto s = set_arguments.rbegin(); s != set_arguments.rend(); ++s) {
    for (const std::string& path : key_paths) {
      if (s->touches(path)) return &*s;
    }
  }
  return nullptr;
}

SourceRef AcceleratorConfig::where_within(const std::string& key_path) const {
  if (const SetArgument* s = set_argument_within({key_path})) return s->source(s->key_path);
  return where(key_path);
}

int AcceleratorConfig::scratchpad_port_bits() const {
  return static_cast<int>(std::clamp<std::int64_t>(array.shape.cols * 8, 64, 1024));
}

const MacFormatSupport* AcceleratorConfig::find_format_pair(const std::string& weights,
                                                            const std::string& inputs) const {
  for (const MacFormatSupport& f : array.formats) {
    if (f.weights == weights && f.inputs == inputs) return &f;
  }
  return nullptr;
}

const char* builtin_accelerator_yaml() { return kBuiltinAcceleratorYaml; }
const char* builtin_workload_yaml() { return kBuiltinWorkloadYaml; }

AcceleratorConfig load_accelerator(const std::string& path, const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = load_yaml_file(path);
  } catch (const InputError& e) {
    if (!looks_like_scalesim_config(path)) throw;
    throw InputError(std::string(e.what()) +
                     " (this looks like a SCALE-Sim .cfg: give it with --scalesim-config X.cfg --topology Y.csv, not -a)");
  }
  return read_accelerator(root, path, overrides);
}

AcceleratorConfig builtin_accelerator(const std::vector<std::string>& overrides) {
  return read_accelerator(load_yaml_string(kBuiltinAcceleratorYaml, "built-in"), "built-in", overrides);
}

AcceleratorConfig load_scalesim_config(const std::string& path) {
  std::ifstream in = open_input_file(path);
  // INI as SCALE-Sim writes it: [section] then "key : value" or "key = value".
  // Read as Python's configparser (SCALE-Sim's reader) reads it, and what it
  // refuses is refused: a key before any [section], a section given twice, a
  // repeated key. A line indented deeper than the key above it continues that
  // key's value there; values here are one line, so that is refused too.
  std::map<std::string, std::pair<std::string, int>> values;
  std::map<std::string, int> section_lines;
  std::string line, section;
  int line_no = 0;
  bool in_section = false;
  bool after_key = false;  // a key was read since the last section header
  std::size_t indent_level = 0;  // of the last section header or key line
  while (std::getline(in, line)) {
    ++line_no;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    const std::size_t indent = line.find_first_not_of(" \t\r\n\v\f");
    if (after_key && indent > indent_level) {
      throw InputError(SourceRef{path, line_no, ""},
                       "a line indented deeper than the key above, which continues that key's value; give "
                       "each key and each [section] on a line of its own, not indented deeper");
    }
    indent_level = indent;
    // configparser's section header: '[', at least one character, up to the last ']'.
    if (const std::size_t close = t.rfind(']'); t.front() == '[' && close != std::string::npos && close >= 2) {
      section = t.substr(1, close - 1);
      in_section = true;
      after_key = false;
      if (const auto [first, is_new] = section_lines.emplace(section, line_no); !is_new) {
        throw InputError(SourceRef{path, line_no, ""},
                         fmt::format("section [{}] given twice (first at line {}); give each section once",
                                     section, first->second));
      }
      continue;
    }
    if (t.front() == '[') throw InputError(SourceRef{path, line_no, ""}, "malformed section header");
    if (!in_section) {
      throw InputError(SourceRef{path, line_no, ""},
                       "a key before any [section] header; SCALE-Sim's keys are in [general], "
                       "[architecture_presets] and [run_presets]");
    }
    after_key = true;
    const auto sep = t.find_first_of(":=");
    if (sep == std::string::npos) {
      throw InputError(SourceRef{path, line_no, ""}, "expected 'key : value'");
    }
    const std::string option = trim(t.substr(0, sep));
    const std::string key = section + "." + option;
    const auto [earlier, is_new] = values.emplace(option_key(section, option), std::pair{trim(t.substr(sep + 1)), line_no});
    // SCALE-Sim's reader (Python's configparser) refuses a repeated key too,
    // ArrayHeight and arrayheight being one key.
    if (!is_new) {
      throw InputError(SourceRef{path, line_no, key},
                       fmt::format("key given twice (first at line {}); give each key once", earlier->second.second));
    }
  }
  auto given = [&](const std::string& section_dot_option) {
    const auto dot = section_dot_option.find('.');
    return values.find(option_key(section_dot_option.substr(0, dot), section_dot_option.substr(dot + 1)));
  };
  auto get = [&](const std::string& key) -> std::pair<std::string, int> {
    auto it = given(key);
    if (it == values.end()) throw InputError(SourceRef{path, 0, key}, "required key is missing");
    return it->second;
  };
  auto get_int = [&](const std::string& key, std::int64_t min, std::int64_t max) {
    const auto [text, ln] = get(key);
    std::size_t pos = 0;
    long long v = 0;
    try {
      v = std::stoll(text, &pos);
    } catch (const std::out_of_range&) {
      throw InputError(SourceRef{path, ln, key}, fmt::format("{} is out of range; allowed: {}..{}", text, min, max));
    } catch (const std::invalid_argument&) {
      pos = 0;
    }
    if (pos == 0 || pos != text.size()) {
      throw InputError(SourceRef{path, ln, key},
                       fmt::format("'{}' is not a whole number; allowed: {}..{}", text, min, max));
    }
    if (v < min || v > max) {
      throw InputError(SourceRef{path, ln, key}, fmt::format("{} is out of range; allowed: {}..{}", v, min, max));
    }
    return static_cast<std::int64_t>(v);
  };
  AcceleratorConfig c;
  c.source = path;
  c.clock_hz = 1e9;  // SCALE-Sim counts cycles only.
  // Array and SRAM sizes have the ranges of the YAML keys they stand for.
  c.array.shape.rows = get_int("architecture_presets.ArrayHeight", 1, kMaxArrayDim);
  c.array.shape.cols = get_int("architecture_presets.ArrayWidth", 1, kMaxArrayDim);
  const auto [df, df_line] = get("architecture_presets.Dataflow");
  if (df != "os" && df != "ws" && df != "is") {
    throw InputError(SourceRef{path, df_line, "architecture_presets.Dataflow"},
                     fmt::format("'{}' is not allowed; allowed: os, ws, is", df));
  }
  c.array.shape.dataflow = df == "os"   ? compute::Dataflow::kOutputStationary
                           : df == "ws" ? compute::Dataflow::kWeightStationary
                                        : compute::Dataflow::kInputStationary;
  c.array.formats = {{"int8", "int8", "int32", 1}};  // SCALE-Sim's word is one byte.
  c.vector_unit.lanes = c.array.shape.cols;
  // SCALE-Sim's "kB" is 1024 words of one byte.
  const std::map<std::string, std::string> sram_keys{{"ifmap", "architecture_presets.IfmapSramSzkB"},
                                                     {"filter", "architecture_presets.FilterSramSzkB"},
                                                     {"ofmap", "architecture_presets.OfmapSramSzkB"}};
  auto sram = [&](const std::string& name) {
    const std::int64_t kib = get_int(sram_keys.at(name), 1, kMaxScratchpadBytes / 1024);
    return ScratchpadConfig{name, static_cast<std::uint64_t>(kib) * 1024, 1};
  };
  c.ifmap = sram("ifmap");
  c.filter = sram("filter");
  c.ofmap = sram("ofmap");
  std::vector<GivenScratchpad> srams;
  for (const ScratchpadConfig* s : {&c.ifmap, &c.filter, &c.ofmap}) {
    const std::string& key = sram_keys.at(s->name);
    srams.push_back({s->size_bytes, 1, SourceRef{path, get(key).second, key}});
  }
  check_scratchpads_hold_a_tile(c, srams);
  // Every key SCALE-Sim's scale_config.read_conf_file() reads is required, as
  // there (a misspelt [run_presets] must not quietly run CALC); the array's
  // keys are checked first.
  for (const char* offset : {"IfmapOffset", "FilterOffset", "OfmapOffset"}) {
    get_int(std::string("architecture_presets.") + offset, 0, std::numeric_limits<std::int64_t>::max());
  }
  {
    const auto [run_name, run_name_line] = get("general.run_name");
    c.name = run_name;
    const SourceRef where{path, run_name_line, "general.run_name"};
    require_utf8(c.name, where);
    require_name(c.name, where);
  }
  const auto [mode, mode_line] = get("run_presets.InterfaceBandwidth");
  if (mode == "CALC") {
    c.dram.bandwidth_bytes_per_s = 0;  // stall-free estimate
    c.dram.latency_s = 0;
  } else if (mode == "USER") {
    // One Bandwidth (words/cycle) for each of the IFMAP, filter and OFMAP
    // interfaces, DRAM read latency one cycle (SCALE-Sim v2 read_buffer.py);
    // at most dram.bandwidth's 100 TB/s at the 1 GHz clock.
    c.dram.bandwidth_bytes_per_s =
        static_cast<double>(get_int("architecture_presets.Bandwidth", 1,
                                    static_cast<std::int64_t>(kMemoryBandwidthRange.max / c.clock_hz))) *
        c.clock_hz;
    c.dram.latency_s = 1.0 / c.clock_hz;
    c.dram.per_operand_ports = true;
  } else {
    throw InputError(SourceRef{path, mode_line, "run_presets.InterfaceBandwidth"},
                     fmt::format("'{}' is not allowed; allowed: CALC, USER", mode));
  }
  c.traffic_model = "scalesim";
  c.scalesim_cycle_quirk = true;
  return c;
}

}  // namespace qarch::sim

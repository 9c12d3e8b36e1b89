#pragma once
// An accelerator design point as plain structs (docs/config.md lists every
// key). Loaded and validated once, before elaboration; SystemC modules
// receive these structs, never YAML.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/input_error.h"
#include "models/memory/cache.h"
#include "models/memory/dram_config.h"
#include "models/memory/flash.h"

#include "models/compute/systolic_mapping.h"

namespace qarch::sim {

// One (weights, inputs) format pair the MAC array executes natively.
struct MacFormatSupport {
  std::string weights;
  std::string inputs;
  std::string accumulator = "int32";
  int macs_per_pe_per_cycle = 1;
};

struct SystolicArrayConfig {
  compute::SystolicArrayShape shape;
  std::vector<MacFormatSupport> formats;
};

struct VectorUnitConfig {
  std::int64_t lanes = 0;  // elements per cycle
};

struct ScratchpadConfig {
  std::string name;         // ifmap, filter, ofmap
  std::uint64_t size_bytes = 0;
  std::int64_t banks = 1;
};

// DRAM behind the DMA's TLM-2.0 sockets: either the stand-in (a bandwidth
// and a latency; bandwidth 0 means unlimited, SCALE-Sim's stall-free CALC
// mode) or, when `detailed` is set (`dram.preset`), the cycle-approximate
// DRAM model of models/memory. per_operand_ports gives ifmap, filter and
// ofmap traffic a port (a DRAM) each (SCALE-Sim's USER mode does this).
struct DramPortConfig {
  double bandwidth_bytes_per_s = 0;
  double latency_s = 0;
  bool per_operand_ports = false;
  std::string standard = "lpddr4";  // prices DRAM energy per bit (cost/tables)
  std::optional<memory::DramConfig> detailed;
};

struct DmaConfig {
  std::uint64_t burst_bytes = 4096;
};

// How scratchpad traffic per fold is derived (sim/traffic/): "reuse" keeps
// operands resident when they fit; "scalesim" reproduces SCALE-Sim v2's
// double-buffered scratchpad.
struct AcceleratorConfig {
  std::string name;
  std::string source;  // file, or "built-in"
  std::vector<SetArgument> set_arguments;  // the --set arguments applied to it
  std::map<std::string, int> key_lines;    // line of each key in `source` (common/yaml_reader.h key_lines)
  double clock_hz = 1e9;
  SystolicArrayConfig array;
  VectorUnitConfig vector_unit;
  ScratchpadConfig ifmap, filter, ofmap;
  DramPortConfig dram;
  // Optional: a cache between the DMA and each DRAM port (system cache).
  std::optional<memory::CacheConfig> system_cache;
  // Optional: the weights (filter stream) live in flash and stream from it.
  std::optional<memory::FlashConfig> flash;
  // Optional: an on-chip cache that only the weights (filter stream) pass
  // through, between the DMA and where the weights live (a system cache, DRAM
  // or flash).
  std::optional<memory::CacheConfig> weight_cache;
  int dram_port_count() const { return dram.per_operand_ports ? 3 : 1; }
  // The weights have a DMA port of their own, after the DRAM ports: to flash,
  // or to their weight cache when they would otherwise share port 0.
  bool weights_port_of_their_own() const { return flash || (weight_cache && !dram.per_operand_ports); }
  int dma_port_count() const { return dram_port_count() + (weights_port_of_their_own() ? 1 : 0); }
  DmaConfig dma;
  std::string traffic_model = "reuse";
  // SCALE-Sim compatibility: report each layer's cycles as SCALE-Sim v2 does
  // (the 0-based index of the last cycle, i.e. one less; SCALE-Sim issue #125).
  bool scalesim_cycle_quirk = false;
  // Cost model inputs: technology node and an optional user cost table.
  std::string technology_node = "45nm";
  std::string cost_table_path;

  double cycle_seconds() const { return 1.0 / clock_hz; }
  // Bits per scratchpad port: as wide as the array edge it feeds, one byte per
  // column, 64..1024 bits. Each bank holds whole words of this width.
  int scratchpad_port_bits() const;
  // Where the value of a key came from, for errors found after loading: its
  // line, or for a key left out (a default) the line of the section around it.
  SourceRef where(const std::string& key_path) const;
  // The last --set that gave one of `key_paths` or a key inside one, if any.
  const SetArgument* set_argument_within(std::initializer_list<std::string> key_paths) const;
  // where(), but a section (a list of format pairs) changed inside by a --set
  // is named by that --set: a combination error about it names the --set.
  SourceRef where_within(const std::string& key_path) const;
  // Looks up the pair; nullptr when the array cannot run it.
  const MacFormatSupport* find_format_pair(const std::string& weights,
                                           const std::string& inputs) const;
};

AcceleratorConfig load_accelerator(const std::string& path,
                                   const std::vector<std::string>& overrides = {});
// The design point `qarch demo` runs when given no file.
AcceleratorConfig builtin_accelerator(const std::vector<std::string>& overrides = {});
// A SCALE-Sim v2 .cfg (INI): architecture_presets and InterfaceBandwidth.
AcceleratorConfig load_scalesim_config(const std::string& path);

// The YAML text of the built-in design point (accelerators/edge-int8-32x32.yaml).
const char* builtin_accelerator_yaml();
// The built-in workload of `qarch demo` (workloads/examples/tiny-transformer.yaml).
const char* builtin_workload_yaml();

}  // namespace qarch::sim

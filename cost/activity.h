#pragma once
// What a run did, as the simulator counts it, and what the accelerator is
// made of. The SystemC models fill ActivityCounters; cost/price.h prices them.
// Plain structs, no SystemC, no pJ: models count actions, cost/ prices them.
// Memories are named in the ComponentInventory; counters refer to them by name.
#include <cstdint>
#include <string>
#include <vector>

#include "cost/datapath.h"
#include "cost/memory_cost.h"

namespace qarch::cost {

// MACs per (weight format, activation format, accumulator format), names as
// in models/numerics/format_registry.h.
struct MacActivity {
  std::string weight_format;
  std::string act_format;
  std::string acc_format;
  MacOptions options;
  std::uint64_t macs = 0;        // executed multiply-accumulates
  std::uint64_t gated_macs = 0;  // skipped (zero operand) but clocked
};

struct SramActivity {  // scratchpads: bytes moved
  std::string name;
  std::uint64_t read_bytes = 0;
  std::uint64_t write_bytes = 0;
};

struct RegisterFileActivity {  // register files: accesses of their width
  std::string name;
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
};

struct CacheActivity {
  std::string name;
  std::uint64_t tag_accesses = 0;  // lookups (all ways' tags read)
  std::uint64_t data_read_bytes = 0;
  std::uint64_t data_write_bytes = 0;
};

struct OffChipActivity {  // DRAM or flash
  std::string standard;  // e.g. "lpddr5x", "hbm3", "ufs4.0"
  std::uint64_t read_bytes = 0;
  std::uint64_t write_bytes = 0;
};

struct ActivityCounters {
  std::vector<MacActivity> macs;
  std::uint64_t idle_pe_cycles = 0;  // no dynamic energy; idle PEs leak (priced via area x time)
  std::uint64_t vector_ops = 0;      // vector-unit element operations, one MAC of a vector lane each
  std::vector<RegisterFileActivity> register_files;
  std::vector<SramActivity> scratchpads;
  std::vector<CacheActivity> caches;
  std::vector<OffChipActivity> dram;
  std::vector<OffChipActivity> flash;
  double wire_bit_mm = 0;  // bits moved x millimetres travelled on chip
  std::uint64_t cycles = 0;
  double clock_hz = 0;
};

struct MacUnits {
  std::string weight_format;
  std::string act_format;
  std::string acc_format;
  MacOptions options;
  std::uint64_t count = 0;  // MAC units (PEs) of this kind
};

struct NamedSram {
  std::string name;
  SramGeometry geometry;
};

struct CacheGeometry {
  std::string name;
  double capacity_bytes = 0;
  int ways = 1;
  int line_bytes = 64;
  int data_width_bits = 64;  // bits per data-array access
  int tag_bits = 20;         // per line, plus 2 state bits
  int instances = 1;         // identical caches (one per DRAM port): each access is priced on one
};

struct ComponentInventory {
  std::vector<MacUnits> mac_units;
  MacUnits vector_lanes;  // the vector unit: count lanes, each one MAC unit of these formats
  std::vector<NamedSram> register_files;  // geometry.width_bits = register width
  std::vector<NamedSram> scratchpads;
  std::vector<CacheGeometry> caches;
  double other_logic_um2 = 0;  // at the base node; control, DMA, NoC routers, ...
};

}  // namespace qarch::cost

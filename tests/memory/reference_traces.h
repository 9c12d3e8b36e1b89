#pragma once
// The reference DRAM traces of ../shared/reference/dram/gen_traces.py,
// regenerated in C++ (Python's MT19937 seeding by init_by_array and
// getrandbits(26)), so tests need neither Python nor the shared folder.
// Checked once by hand against TRACES.sha256 (see docs/validation/memory.md).
#include <string>
#include <vector>

#include "models/memory/dram_channel.h"
#include "models/memory/dram_config.h"
#include "models/memory/dram_trace.h"

namespace qarch::memory::testing {

// pattern: seq_read, rand_read, stride_read, seq_write, mix_2r1w.
// saturated: 200 000 requests at cycle 0; unloaded: 10 000 requests, i at 200*i.
std::vector<MemoryTraceRecord> reference_trace(const std::string& pattern, bool saturated);
// The trace as gen_traces.py writes it ("0x%X READ|WRITE %d\n" per line).
std::string reference_trace_text(const std::vector<MemoryTraceRecord>& trace);

// A reference configuration (summary.csv / simspeed.csv `config_name`, e.g.
// "DDR4-2400R_4Gb_x8_1rank_64bit|map=Ro:Ba:Bg:Co") as a preset + mapping.
// Throws std::invalid_argument for a name it does not know.
DramConfig reference_config(const std::string& config_name);

// A preset cut to one channel (its mapping without `ch`).
DramConfig one_channel_preset(const std::string& preset);

// ACT, PRE, PREA, REF, RD, RDA, WR or WRA.
const char* command_name(const DramCommand& command);

}  // namespace qarch::memory::testing

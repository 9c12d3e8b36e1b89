#pragma once
// The one unit parser. Values in configs and on the command line carry units
// ("1 GHz", "64 KiB", "25.6 GB/s", "100 ns"); this turns them into SI base
// quantities. Binary prefixes (KiB, MiB, GiB) are powers of 1024, decimal ones
// (kB, KB, MB, GB, TB) powers of 1000, as IEC 80000-13 says.
#include <string>
#include <string_view>

namespace qarch {

enum class Dimension {
  kBytes,          // B, KiB, MiB, GiB, kB, KB, MB, GB, TB
  kFrequencyHz,    // Hz, kHz, MHz, GHz
  kBandwidthBps,   // B/s with decimal or binary prefixes: GB/s, GiB/s, MB/s, TB/s
  kTimeSeconds,    // s, ms, us, ns, ps
  kDimensionless,  // a plain number
};

const char* dimension_units_help(Dimension d);  // "B, KiB, MiB, ... (e.g. 64 KiB)"

// Parses "<number> <unit>" (space optional). Throws std::invalid_argument
// with a message naming the allowed units; callers add file/line context.
double parse_quantity(std::string_view text, Dimension dimension);

// Formats a byte count with a binary prefix: 65536 -> "64 KiB".
std::string format_bytes(double bytes);

}  // namespace qarch

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

// Parses "<number> <unit>" (space optional); 0 needs no unit. Throws
// std::invalid_argument with a message naming the allowed units; callers add
// file/line context.
double parse_quantity(std::string_view text, Dimension dimension);

// The values a quantity may take, in SI base units: min..max, and 0 as well
// when zero_allowed (a latency of 0, or else at least the 1 ps resolution).
struct QuantityRange {
  double min = 0;
  double max = 0;
  bool zero_allowed = false;
};
// Memory latencies and bandwidths (DRAM stand-in, flash). SystemC keeps time
// in whole picoseconds, at most 2^64 ps (213 days): a latency is 0 or at
// least 1 ps, and a latency of 1 s or a 1 GiB transfer at 1 MB/s (18 min)
// stays far inside it. 100 TB/s is beyond any memory one chip has.
inline constexpr QuantityRange kMemoryLatencyRange{1e-12, 1.0, true};
inline constexpr QuantityRange kMemoryBandwidthRange{1e6, 1e14};

// "1 ps .. 1 s", "0, or 1 ps .. 1 s".
std::string describe_range(const QuantityRange& range, Dimension dimension);

// Formats a byte count with a binary prefix: 65536 -> "64 KiB".
std::string format_bytes(double bytes);
// Formats a quantity with the largest decimal unit not above it (bytes: the
// binary prefix of format_bytes): 1e-12 s -> "1 ps", 1e14 B/s -> "100 TB/s".
std::string format_quantity(double value, Dimension dimension);

}  // namespace qarch

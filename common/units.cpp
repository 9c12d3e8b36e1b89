#include "common/units.h"

#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace qarch {
namespace {

struct Unit {
  std::string_view name;
  double scale;
};

constexpr std::array kByteUnits{
    Unit{"B", 1.0},           Unit{"KiB", 1024.0},    Unit{"MiB", 1048576.0},
    Unit{"GiB", 1073741824.0}, Unit{"TiB", 1099511627776.0}, Unit{"kB", 1e3},
    Unit{"KB", 1e3},          Unit{"MB", 1e6},        Unit{"GB", 1e9},        Unit{"TB", 1e12}};
constexpr std::array kFrequencyUnits{Unit{"Hz", 1.0}, Unit{"kHz", 1e3}, Unit{"MHz", 1e6},
                                     Unit{"GHz", 1e9}};
constexpr std::array kBandwidthUnits{
    Unit{"B/s", 1.0},  Unit{"kB/s", 1e3},  Unit{"KB/s", 1e3}, Unit{"MB/s", 1e6},
    Unit{"GB/s", 1e9}, Unit{"TB/s", 1e12}, Unit{"KiB/s", 1024.0},
    Unit{"MiB/s", 1048576.0}, Unit{"GiB/s", 1073741824.0}};
constexpr std::array kTimeUnits{Unit{"s", 1.0}, Unit{"ms", 1e-3}, Unit{"us", 1e-6},
                                Unit{"ns", 1e-9}, Unit{"ps", 1e-12}};

// The units a value is written in (format_quantity), smallest first.
constexpr std::array kByteOutputUnits{Unit{"B", 1.0}, Unit{"KiB", 1024.0}, Unit{"MiB", 1048576.0},
                                      Unit{"GiB", 1073741824.0}, Unit{"TiB", 1099511627776.0}};
constexpr std::array kFrequencyOutputUnits = kFrequencyUnits;
constexpr std::array kBandwidthOutputUnits{Unit{"B/s", 1.0}, Unit{"kB/s", 1e3}, Unit{"MB/s", 1e6},
                                           Unit{"GB/s", 1e9}, Unit{"TB/s", 1e12}};
constexpr std::array kTimeOutputUnits{Unit{"ps", 1e-12}, Unit{"ns", 1e-9}, Unit{"us", 1e-6},
                                      Unit{"ms", 1e-3}, Unit{"s", 1.0}};

// With the largest unit not above the value, else the smallest.
template <std::size_t N>
std::string with_unit(double value, const std::array<Unit, N>& units) {
  const Unit* unit = &units.front();
  for (const Unit& u : units) {
    if (u.scale <= std::fabs(value)) unit = &u;
  }
  return fmt::format("{:g} {}", value / unit->scale, unit->name);
}

template <std::size_t N>
bool lookup(const std::array<Unit, N>& units, std::string_view name, double* scale) {
  for (const Unit& u : units) {
    if (u.name == name) {
      *scale = u.scale;
      return true;
    }
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

const char* dimension_units_help(Dimension d) {
  switch (d) {
    case Dimension::kBytes:
      return "a size in B, KiB, MiB, GiB, TiB (1024-based) or kB, MB, GB, TB (1000-based), e.g. 64 KiB";
    case Dimension::kFrequencyHz:
      return "a frequency in Hz, kHz, MHz or GHz, e.g. 1 GHz";
    case Dimension::kBandwidthBps:
      return "a bandwidth in B/s, kB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s or GiB/s, e.g. 25.6 GB/s";
    case Dimension::kTimeSeconds:
      return "a time in s, ms, us, ns or ps, e.g. 100 ns";
    case Dimension::kDimensionless:
      return "a plain number";
  }
  return "";
}

double parse_quantity(std::string_view text, Dimension dimension) {
  const std::string_view s = trim(text);
  // Decimal only: stod would also read hexadecimal ("0x10 GHz" as 16 GHz).
  const std::size_t digits = s.find_first_not_of("+-");
  if (digits != std::string_view::npos && s.size() > digits + 1 && s[digits] == '0' &&
      (s[digits + 1] == 'x' || s[digits + 1] == 'X')) {
    throw std::invalid_argument(
        fmt::format("'{}' is not {}: numbers are written in decimal", s, dimension_units_help(dimension)));
  }
  std::size_t pos = 0;
  double value = 0.0;
  try {
    value = std::stod(std::string(s), &pos);
  } catch (const std::exception&) {
    throw std::invalid_argument(fmt::format("'{}' is not {}", s, dimension_units_help(dimension)));
  }
  if (!std::isfinite(value)) {
    throw std::invalid_argument(fmt::format("'{}' is not a finite number", s));
  }
  const std::string_view unit = trim(s.substr(pos));
  if (unit.empty() && value == 0) return 0.0;  // zero in any unit
  double scale = 0.0;
  bool ok = false;
  switch (dimension) {
    case Dimension::kBytes: ok = lookup(kByteUnits, unit, &scale); break;
    case Dimension::kFrequencyHz: ok = lookup(kFrequencyUnits, unit, &scale); break;
    case Dimension::kBandwidthBps: ok = lookup(kBandwidthUnits, unit, &scale); break;
    case Dimension::kTimeSeconds: ok = lookup(kTimeUnits, unit, &scale); break;
    case Dimension::kDimensionless:
      ok = unit.empty();
      scale = 1.0;
      break;
  }
  if (!ok) {
    if (unit.empty()) {
      throw std::invalid_argument(
          fmt::format("'{}' has no unit; expected {}", s, dimension_units_help(dimension)));
    }
    throw std::invalid_argument(fmt::format("'{}' has unit '{}'; expected {}", s, unit,
                                            dimension_units_help(dimension)));
  }
  return value * scale;
}

std::string describe_range(const QuantityRange& range, Dimension dimension) {
  const std::string span = format_quantity(range.min, dimension) + " .. " + format_quantity(range.max, dimension);
  return range.zero_allowed ? "0, or " + span : span;
}

std::string format_bytes(double bytes) { return with_unit(bytes, kByteOutputUnits); }

std::string format_quantity(double value, Dimension dimension) {
  switch (dimension) {
    case Dimension::kBytes: return format_bytes(value);
    case Dimension::kFrequencyHz: return with_unit(value, kFrequencyOutputUnits);
    case Dimension::kBandwidthBps: return with_unit(value, kBandwidthOutputUnits);
    case Dimension::kTimeSeconds: return with_unit(value, kTimeOutputUnits);
    case Dimension::kDimensionless: break;
  }
  return fmt::format("{:g}", value);
}

}  // namespace qarch

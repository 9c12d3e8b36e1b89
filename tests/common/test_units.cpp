#include <catch2/catch.hpp>

#include <stdexcept>

#include "common/units.h"

using qarch::Dimension;
using qarch::parse_quantity;

TEST_CASE("sizes use 1024 for binary and 1000 for decimal prefixes (IEC 80000-13)") {
  CHECK(parse_quantity("64 KiB", Dimension::kBytes) == 65536.0);
  CHECK(parse_quantity("1MiB", Dimension::kBytes) == 1048576.0);
  CHECK(parse_quantity("2 kB", Dimension::kBytes) == 2000.0);
  CHECK(parse_quantity("512 B", Dimension::kBytes) == 512.0);
  CHECK(parse_quantity("1 TiB", Dimension::kBytes) == 1099511627776.0);  // the scratchpad limit, as docs write it
  CHECK(qarch::format_bytes(1099511627776.0) == "1 TiB");
}

TEST_CASE("frequencies, bandwidths and times parse to SI base units") {
  CHECK(parse_quantity("1 GHz", Dimension::kFrequencyHz) == 1e9);
  CHECK(parse_quantity("800 MHz", Dimension::kFrequencyHz) == 8e8);
  CHECK(parse_quantity("25.6 GB/s", Dimension::kBandwidthBps) == Approx(25.6e9));
  CHECK(parse_quantity("100 ns", Dimension::kTimeSeconds) == Approx(100e-9));
}

TEST_CASE("wrong or missing units are rejected with the allowed units") {
  CHECK_THROWS_WITH(parse_quantity("64", Dimension::kBytes), Catch::Contains("has no unit") && Catch::Contains("KiB"));
  CHECK_THROWS_WITH(parse_quantity("1 GHz", Dimension::kBytes), Catch::Contains("unit 'GHz'"));
  CHECK_THROWS_WITH(parse_quantity("fast", Dimension::kFrequencyHz), Catch::Contains("MHz"));
  CHECK_THROWS_AS(parse_quantity("10 parsecs", Dimension::kTimeSeconds), std::invalid_argument);
  // Decimal only: stod read "0x10 GHz" as 16 GHz.
  CHECK_THROWS_WITH(parse_quantity("0x10 GHz", Dimension::kFrequencyHz),
                    Catch::StartsWith("'0x10 GHz' is not a frequency") && Catch::EndsWith("written in decimal"));
  CHECK_THROWS_WITH(parse_quantity("-0X1p3", Dimension::kDimensionless), Catch::EndsWith("written in decimal"));
  CHECK(parse_quantity("0.5 GHz", Dimension::kFrequencyHz) == 0.5e9);
}

TEST_CASE("0 needs no unit: it is zero in any unit") {
  // A size of 0 was refused for having no unit instead of for being out of range.
  CHECK(parse_quantity("0", Dimension::kBytes) == 0.0);
  CHECK(parse_quantity("0", Dimension::kTimeSeconds) == 0.0);
  CHECK(parse_quantity("-0", Dimension::kBandwidthBps) == 0.0);
  CHECK_THROWS_WITH(parse_quantity("-5", Dimension::kBytes), Catch::Contains("has no unit"));
}

TEST_CASE("format_quantity writes a value with the largest decimal unit not above it") {
  CHECK(qarch::format_quantity(1e-12, Dimension::kTimeSeconds) == "1 ps");
  CHECK(qarch::format_quantity(100e-9, Dimension::kTimeSeconds) == "100 ns");
  CHECK(qarch::format_quantity(2.0, Dimension::kTimeSeconds) == "2 s");
  CHECK(qarch::format_quantity(1e14, Dimension::kBandwidthBps) == "100 TB/s");
  CHECK(qarch::format_quantity(0.5, Dimension::kBandwidthBps) == "0.5 B/s");
  CHECK(qarch::format_quantity(1e6, Dimension::kFrequencyHz) == "1 MHz");
  CHECK(qarch::format_quantity(65536, Dimension::kBytes) == "64 KiB");
  CHECK(qarch::describe_range(qarch::kMemoryLatencyRange, Dimension::kTimeSeconds) == "0, or 1 ps .. 1 s");
  CHECK(qarch::describe_range(qarch::kMemoryBandwidthRange, Dimension::kBandwidthBps) == "1 MB/s .. 100 TB/s");
}

TEST_CASE("format_bytes picks the largest binary prefix") {
  CHECK(qarch::format_bytes(65536) == "64 KiB");
  CHECK(qarch::format_bytes(1536) == "1.5 KiB");
  CHECK(qarch::format_bytes(100) == "100 B");
}

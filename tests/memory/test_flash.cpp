// UFS flash: sequential vs random read rates against the figures the presets
// are built from (Samsung eUFS 3.1 / UFS 4.0 press releases), queue depth.
#include <catch2/catch.hpp>

#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "models/memory/flash.h"

using namespace qarch::memory;

TEST_CASE("sequential reads stream at the link bandwidth") {
  for (const char* name : {"ufs3.1", "ufs4.0"}) {
    const FlashConfig c = flash_preset(name);
    Flash flash(c);
    const std::uint64_t command = 128 * 1024, total = 64ull << 20;
    double done = 0;
    for (std::uint64_t a = 0; a < total; a += command) done = flash.access(a, command, false, 0);
    // One array access for the first command, then link-bound.
    const double expected_ns = c.read_latency_ns + double(total) / c.seq_read_gbps;
    CHECK(done == Approx(expected_ns).epsilon(1e-9));
    CHECK(flash.counters().pages_read == total / 4096);
    CHECK(flash.counters().sequential_commands == total / command - 1);
  }
}

TEST_CASE("a command continues the stream when it starts in the logical block where the previous one ended or the next") {
  // UFS addresses 4 KiB logical blocks: operands placed at 4 KiB boundaries
  // leave byte gaps inside a block that the device never sees.
  const FlashConfig c = flash_preset("ufs4.0");
  Flash flash(c);
  double done = flash.access(0, 1000, false, 0);
  CHECK(done == Approx(60e3 + 1000 / 4.2));
  done = flash.access(1000, 1000, false, 0);  // same block, byte after
  CHECK(done == Approx(60e3 + 2000 / 4.2));
  done = flash.access(4096, 4096, false, 0);  // next block, 2096 bytes skipped
  CHECK(done == Approx(60e3 + 6096 / 4.2));
  CHECK(flash.counters().sequential_commands == 2);
  // Skipping a whole block is a random read: the array latency again.
  const double issued = done;
  done = flash.access(3 * 4096, 4096, false, issued);
  CHECK(done == Approx(issued + 60e3 + 4096 / 4.2));
  CHECK(flash.counters().sequential_commands == 2);
  // Reads and writes are separate streams.
  flash.access(0, 4096, true, 0);
  CHECK(flash.counters().sequential_commands == 2);
}

TEST_CASE("random 4 KiB reads reach the rated IOPS at full queue depth and 1/latency at depth 1") {
  // Samsung eUFS 3.1: 100K random-read IOPS.
  FlashConfig c = flash_preset("ufs3.1");
  Flash deep(c);
  double done = 0;
  const int commands = 20000;
  for (int i = 0; i < commands; ++i) done = deep.access(std::uint64_t(i) * 7919 * 4096, 4096, false, 0);
  CHECK(commands / (done * 1e-9) == Approx(100e3).epsilon(0.02));

  c.queue_depth = 1;
  Flash shallow(c);
  const double first = shallow.access(0, 4096, false, 0);
  CHECK(first == Approx(80e3 + 4096 / 2.1));
  const double second = shallow.access(1 << 20, 4096, false, 0);  // waits for the only slot
  CHECK(second == Approx(2 * first));
}

TEST_CASE("flash config: preset plus overrides, errors name the key") {
  auto load = [](const std::string& yaml) {
    qarch::YamlMap m(qarch::load_yaml_string(yaml, "acc.yaml"), "acc.yaml", "flash");
    return load_flash_config(m);
  };
  const FlashConfig c = load("preset: ufs4.0\nqueue_depth: 8\nread_latency: 50 us\n");
  CHECK(c.queue_depth == 8);
  CHECK(c.read_latency_ns == Approx(50e3));
  CHECK(c.seq_read_gbps == Approx(4.2));
  CHECK_THROWS_WITH(load("preset: ufs2\n"), Catch::Contains("acc.yaml:1: flash.preset") && Catch::Contains("ufs3.1"));
  CHECK_THROWS_WITH(load("preset: ufs3.1\nqueue_depth: 0\n"), Catch::Contains("flash.queue_depth"));
}

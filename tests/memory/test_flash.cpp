// UFS flash: sequential vs random read rates against the figures the presets
// are built from (Samsung eUFS 3.1 / UFS 4.0 press releases), queue depth.
#include <catch2/catch.hpp>

#include <utility>

#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "models/memory/flash.h"

using namespace qarch::memory;

TEST_CASE("sequential reads stream at the link bandwidth") {
  // The rated sequential reads: Samsung 512 GB eUFS 3.1, 2100 MB/s (press
  // release, March 2020); Samsung UFS 4.0, 4200 MB/s (press release, May 2022).
  for (const auto& [name, rated_gbps] : {std::pair{"ufs3.1", 2.1}, {"ufs4.0", 4.2}}) {
    INFO(name);
    const FlashConfig c = flash_preset(name);
    Flash flash(c);
    const std::uint64_t command = 128 * 1024, total = 64ull << 20;
    // One array access for the first command (its assumed latency, flash.cpp),
    // then every byte after it at the link's rate.
    const double first = flash.access(0, command, false, 0);
    double done = first;
    for (std::uint64_t a = command; a < total; a += command) done = flash.access(a, command, false, 0);
    CHECK(double(total - command) / (done - first) == Approx(rated_gbps).epsilon(1e-9));
    CHECK(flash.counters().pages_read == total / 4096);
    CHECK(flash.counters().sequential_commands == total / command - 1);
  }
}

TEST_CASE("pages read count the logical blocks read, each once while a stream stays in it") {
  // 8 MiB read as 8192 sequential 1 KiB commands: 8 MiB / 64 KiB = 128
  // blocks of 64 KiB, 8 MiB / 1 KiB = 8192 of 1 KiB. Before, each command
  // counted a page, 8192 for any page size.
  for (const auto& [page, expected] : {std::pair{65536, 128}, std::pair{4096, 2048}, std::pair{1024, 8192}}) {
    INFO("page = " << page);
    FlashConfig c = flash_preset("ufs4.0");
    c.page_bytes = page;
    Flash flash(c);
    for (std::uint64_t a = 0; a < (8u << 20); a += 1024) flash.access(a, 1024, false, 0);
    CHECK(flash.counters().pages_read == std::uint64_t(expected));
  }
  // 64 KiB pages: 8 KiB from 60 KiB spans blocks 0 and 1 (2); 1 KiB at 70 KiB
  // stays in block 1 (0 more); 1 KiB at 1 MiB is block 16 (1); 1 KiB at 0 is
  // block 0 again, read anew (1). Writes count on their own: 4 KiB at 0 (1).
  FlashConfig c = flash_preset("ufs4.0");
  c.page_bytes = 65536;
  Flash flash(c);
  flash.access(60 << 10, 8 << 10, false, 0);
  CHECK(flash.counters().pages_read == 2);
  flash.access(70 << 10, 1 << 10, false, 0);
  CHECK(flash.counters().pages_read == 2);
  flash.access(1 << 20, 1 << 10, false, 0);
  CHECK(flash.counters().pages_read == 3);
  flash.access(0, 1 << 10, false, 0);
  CHECK(flash.counters().pages_read == 4);
  flash.access(0, 4 << 10, true, 0);
  CHECK(flash.counters().pages_written == 1);
  CHECK(flash.counters().pages_read == 4);
}

TEST_CASE("a command continues the stream when it starts in the logical block where the previous one ended or the next") {
  // UFS addresses 4 KiB logical blocks: operands placed at 4 KiB boundaries
  // leave byte gaps inside a block that the device never sees. 60 us is the
  // ufs4.0 preset's assumed random-read latency (flash.cpp), 4.2 GB/s its
  // rated sequential read.
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

TEST_CASE("random 4 KiB reads run units / latency at full queue depth and latency + transfer at depth 1") {
  // A consistency check, not a validation: the preset's random-read latency
  // (80 us) is an assumption, and its 8 array units were chosen so that
  // units / latency is the Samsung eUFS 3.1 rating of 100K random-read IOPS
  // (flash.cpp). The model must then run that rate at full queue depth.
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

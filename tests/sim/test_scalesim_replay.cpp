// SCALE-Sim v2 USER-bandwidth replay: buffer pieces on hand-sized cases, and
// the 12 AlexNet reference rows of SCALE-Sim itself
// (tests/data/scalesim/user_bandwidth_alexnet.csv, sources named in its header).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scalesim/scratchpad_buffers.h"
#include "sim/scalesim/user_bandwidth_replay.h"

using namespace qarch::sim::scalesim;
using qarch::compute::Dataflow;

TEST_CASE("read buffer window slides round the ring of lines", "[scalesim]") {
  // 4-word SRAM: lines of ceil(4/100) = 1 address, active window A = 2 lines,
  // slide P = 2 lines; 6 addresses -> 6 lines + the trailing empty one = 7.
  ReadBufferWindow buffer({0, 1, 2, 3, 4, 5}, 6, 6, 4, 1);
  CHECK(buffer.lines() == 7);
  CHECK(buffer.active_lines() == 2);
  CHECK(buffer.slide_lines() == 2);
  CHECK(buffer.first_fill_dram_lines() == 2);  // min(ceil(2/1), ceil(6/1))
  CHECK(buffer.prefetch_dram_lines() == 2);    // ceil(2/1)
  CHECK(buffer.dram_start_cycle() == -2);
  CHECK(buffer.last_prefetch_cycle() == -1);   // the first fill lands at -1

  // Word rank i holds address i here.
  CHECK(buffer.run_in_window(0, 2));  // lines 0-1
  CHECK_FALSE(buffer.run_in_window(0, 4));
  CHECK_FALSE(buffer.run_in_window(1, 3));
  CHECK(buffer.demand_run(0, {0, 1}) == 0);
  CHECK(buffer.demand_word(2, 2) == 1);  // window {2,3}
  CHECK(buffer.demand_word(5, 5) == 1);  // window {4,5}
  CHECK(buffer.demand_word(0, 0) == 1);  // window {empty line, 0}: wraps
  CHECK(buffer.window_start_line() == 6);
  CHECK(buffer.demand_word(3, 3) == 2);  // {1,2} still misses, then {3,4}
  CHECK(buffer.prefetches() == 5);
  // Each slide: 2 DRAM lines, issued after the previous slide's last response.
  CHECK(buffer.last_prefetch_cycle() == -1 + 5 * 3);
  CHECK(buffer.dram_reads_words() == (2 + 5 * 2) * 1);
}

TEST_CASE("read buffer lines count duplicate addresses towards their size", "[scalesim]") {
  // Lines {7}, {7}, {8}, {9}, {}: the window {7},{7} holds one distinct address.
  ReadBufferWindow buffer({7, 7, 8, 9}, 10, 4, 4, 1);
  CHECK(buffer.lines() == 5);
  CHECK(buffer.demand_word(0, 7) == 0);
  CHECK(buffer.demand_word(2, 8) == 1);  // window lines 2,3 = {8}, {9}
  CHECK(buffer.demand_word(3, 9) == 0);
  // The second 7 (rank 1, line 1) is two slides away, but line 0 holds
  // address 7 too and is one slide away: window lines 4,0 = {}, {7}.
  CHECK(buffer.demand_word(1, 7) == 1);
  CHECK(buffer.window_start_line() == 4);
  CHECK(buffer.demand_word(0, 7) == 0);
  CHECK_THROWS_AS(buffer.demand_word(5, 9), std::logic_error);  // no word of rank 5
  CHECK_THROWS_AS(buffer.demand_word(1, 10), std::logic_error);  // address outside the operand
}

TEST_CASE("read buffer that holds the whole operand never slides", "[scalesim]") {
  ReadBufferWindow buffer({0, 1, 2, 3}, 4, 4, 1000, 1);
  CHECK(buffer.slide_lines() == 0);
  CHECK(buffer.demand_word(3, 3) == 0);
  CHECK(buffer.run_in_window(0, 4));
  CHECK(buffer.dram_reads_words() == 4);
  CHECK_THROWS_AS(buffer.demand_word(5, 5), std::logic_error);  // not in the order
}

TEST_CASE("read buffer of one word cannot prefetch", "[scalesim]") {
  // No prefetch half (P = 0): SCALE-Sim's `while not hit: new_prefetch()` never ends.
  ReadBufferWindow buffer({0, 1, 2}, 3, 3, 1, 1);
  CHECK(buffer.slide_lines() == 0);
  CHECK(buffer.demand_word(0, 0) == 0);
  CHECK_THROWS_AS(buffer.demand_word(1, 1), std::invalid_argument);
}

TEST_CASE("write buffer drains half the SRAM and stalls only when full while draining",
          "[scalesim]") {
  // 4 words, 1 word per DRAM line: a drain starts once more than 2 words are
  // held and moves up to ceil(2/1) = 2 lines, one per cycle.
  WriteBufferDrain buffer(4, 1);
  CHECK(buffer.write_row(0, 3) == 0);  // drains lines 0-1 in cycles 0-1, no wait
  CHECK(buffer.first_drain_start_cycle() == 0);
  CHECK(buffer.occupancy_words() == 1);
  CHECK(buffer.write_row(1, 4) == 1);  // drain in cycles 1-2, then 2 words fit
  CHECK(buffer.occupancy_words() == 3);
  // 1 word starts a drain (cycles 2-3); 2 fill the buffer: wait to cycle 3,
  // another drain (3-4) starts, the last word waits for it: served at 4.
  CHECK(buffer.write_row(2, 5) == 4);
  CHECK(buffer.drains() == 4);
  buffer.empty_all(10);  // 4 lines left: chunks at 10-11 and 12-13
  CHECK(buffer.drains() == 6);
  CHECK(buffer.last_drain_end_cycle() == 13);
  CHECK(buffer.dram_writes_words() == 12);
  CHECK(buffer.occupancy_words() == 0);
}

TEST_CASE("write buffer counts the padding of a partial line inside a drain chunk",
          "[scalesim]") {
  // 8 words, 2 words per line: drains move up to 2 lines. write_buffer.py only
  // discounts the -1 padding of the last line of a chunk.
  WriteBufferDrain buffer(8, 2);
  CHECK(buffer.write_row(0, 5) == 0);  // lines {2}, {2}, {1 + pad}: drains the two full ones
  CHECK(buffer.dram_writes_words() == 4);
  CHECK(buffer.write_row(1, 1) == 1);
  CHECK(buffer.write_row(2, 4) == 2);  // chunk = padded line 2 + full line 3: 4 words counted
  CHECK(buffer.dram_writes_words() == 8);
  buffer.empty_all(10);                // lines 4 (full) and 5 (1 + pad, last of chunk)
  CHECK(buffer.dram_writes_words() == 11);  // 10 words written, 11 counted
  CHECK(buffer.occupancy_words() == -1);
}

namespace {

// SCALE-Sim issue #125's 4x4 GEMM M=N=K=4 on a 4x4 array, with SRAMs that
// hold everything: no stalls, Total Cycles = folds * L - 1.
ScratchpadSetup roomy_4x4(Dataflow dataflow) {
  return ScratchpadSetup{4, 4, dataflow, 1000, 1000, 1000, 1};
}
const ConvLayer kGemm4{4, 4, 1, 4, 1, 4, 1};  // ifmap M x K, filter 1 x K, N filters

}  // namespace

TEST_CASE("stall-free os GEMM matches the closed form and fills once", "[scalesim]") {
  const auto r = replay_user_bandwidth(kGemm4, roomy_4x4(Dataflow::kOutputStationary));
  CHECK(r.total_cycles == 9);  // L = 4 + 4 + 4 - 2 = 10 rows, 0-based last row
  CHECK(r.stall_cycles == 0);
  CHECK(r.stall_cycles_per_fold == std::vector<std::int64_t>{0});
  CHECK(r.dram_ifmap_reads == 16);  // first fill: the 16-word prefetch order
  CHECK(r.dram_filter_reads == 16);
  CHECK(r.dram_ifmap_start_cycle == -16);
  CHECK(r.dram_ifmap_stop_cycle == -1);
  CHECK(r.sram_ifmap_start_cycle == 1);  // row 0 served with read latency 1
  CHECK(r.sram_ifmap_stop_cycle == 7);   // row 6 = last skewed column's last k
  CHECK(r.sram_ofmap_start_cycle == 3);  // after T - 1 = 3 rows
  CHECK(r.sram_ofmap_stop_cycle == 9);
  // 16 words never reach the drain threshold (500): all drain at the end.
  CHECK(r.dram_ofmap_writes == 16);
  CHECK(r.dram_ofmap_start_cycle == 9);
  CHECK(r.dram_ofmap_stop_cycle == 24);
}

TEST_CASE("stall-free ws and is GEMMs match the closed form", "[scalesim]") {
  for (auto dataflow : {Dataflow::kWeightStationary, Dataflow::kInputStationary}) {
    INFO((dataflow == Dataflow::kWeightStationary ? "ws" : "is"));
    const auto r = replay_user_bandwidth(kGemm4, roomy_4x4(dataflow));
    CHECK(r.total_cycles == 13);  // L = 2*4 + 4 + 4 - 2 = 14
    CHECK(r.stall_cycles == 0);
    CHECK(r.sram_ifmap_start_cycle == (dataflow == Dataflow::kWeightStationary ? 5 : 1));
    CHECK(r.sram_filter_start_cycle == (dataflow == Dataflow::kWeightStationary ? 1 : 5));
    CHECK(r.sram_ofmap_start_cycle == 7);  // after 2 * 4 - 1 rows
    CHECK(r.dram_ofmap_writes == 16);
  }
}

TEST_CASE("malformed layers and setups are rejected", "[scalesim]") {
  auto setup = roomy_4x4(Dataflow::kWeightStationary);
  CHECK_THROWS_AS(replay_user_bandwidth(ConvLayer{4, 4, 5, 1, 1, 4, 1}, setup), std::invalid_argument);
  CHECK_THROWS_AS(replay_user_bandwidth(ConvLayer{4, 4, 1, 4, 1, 0, 1}, setup), std::invalid_argument);
  setup.bandwidth_words_per_cycle = 0;
  CHECK_THROWS_AS(replay_user_bandwidth(kGemm4, setup), std::invalid_argument);
}

namespace {

std::vector<std::map<std::string, std::string>> read_reference_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, ',')) fields.push_back(field);
    if (line.back() == ',') fields.emplace_back();
    if (header.empty()) {
      header = fields;
      continue;
    }
    REQUIRE(fields.size() == header.size());
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("AlexNet layers 0-2 match SCALE-Sim v2 USER-bandwidth runs exactly", "[scalesim]") {
  const auto rows = read_reference_csv(QARCH_TEST_DATA_DIR "/scalesim/user_bandwidth_alexnet.csv");
  REQUIRE(rows.size() == 12);
  for (const auto& row : rows) {
    auto num = [&](const std::string& key) { return std::stoll(row.at(key)); };
    const ConvLayer layer{num("ifmap_h"), num("ifmap_w"),  num("filter_h"), num("filter_w"),
                          num("channels"), num("filters"), num("stride")};
    // configs/32x32_{ws,os}_user_bw{10,2}.cfg: 32x32, 64 kB (= 65536 words) each.
    const ScratchpadSetup setup{32, 32,
                                row.at("dataflow") == "ws" ? Dataflow::kWeightStationary
                                                           : Dataflow::kOutputStationary,
                                65536, 65536, 65536, num("bandwidth")};
    INFO(row.at("dataflow") << " bw" << row.at("bandwidth") << " layer " << row.at("layer"));
    const auto r = replay_user_bandwidth(layer, setup);
    CHECK(r.total_cycles == num("total_cycles"));
    CHECK(r.stall_cycles == num("stall_cycles"));
    CHECK(std::accumulate(r.stall_cycles_per_fold.begin(), r.stall_cycles_per_fold.end(),
                          std::int64_t{0}) == r.stall_cycles);

    const std::map<std::string, std::int64_t> ours{
        {"sram_ifmap_start", r.sram_ifmap_start_cycle},   {"sram_ifmap_stop", r.sram_ifmap_stop_cycle},
        {"sram_filter_start", r.sram_filter_start_cycle}, {"sram_filter_stop", r.sram_filter_stop_cycle},
        {"sram_ofmap_start", r.sram_ofmap_start_cycle},   {"sram_ofmap_stop", r.sram_ofmap_stop_cycle},
        {"dram_ifmap_start", r.dram_ifmap_start_cycle},   {"dram_ifmap_stop", r.dram_ifmap_stop_cycle},
        {"dram_ifmap_reads", r.dram_ifmap_reads},         {"dram_filter_start", r.dram_filter_start_cycle},
        {"dram_filter_stop", r.dram_filter_stop_cycle},   {"dram_filter_reads", r.dram_filter_reads},
        {"dram_ofmap_start", r.dram_ofmap_start_cycle},   {"dram_ofmap_stop", r.dram_ofmap_stop_cycle},
        {"dram_ofmap_writes", r.dram_ofmap_writes}};
    for (const auto& [key, value] : ours) {
      if (row.at(key).empty()) continue;  // not in SCALE-Sim's console log
      INFO(key);
      CHECK(value == num(key));
    }

    // BANDWIDTH_REPORT: words / (stop - start + 1). Full precision for ws bw10,
    // SCALE-Sim's 3-decimal console print for the other rows.
    const bool full_report = !row.at("dram_ifmap_reads").empty();
    auto avg_bw = [](std::int64_t words, std::int64_t start, std::int64_t stop) {
      return static_cast<double>(words) / static_cast<double>(stop - start + 1);
    };
    const std::map<std::string, double> bandwidths{
        {"avg_ifmap_dram_bw", avg_bw(r.dram_ifmap_reads, r.dram_ifmap_start_cycle, r.dram_ifmap_stop_cycle)},
        {"avg_filter_dram_bw", avg_bw(r.dram_filter_reads, r.dram_filter_start_cycle, r.dram_filter_stop_cycle)},
        {"avg_ofmap_dram_bw", avg_bw(r.dram_ofmap_writes, r.dram_ofmap_start_cycle, r.dram_ofmap_stop_cycle)}};
    for (const auto& [key, value] : bandwidths) {
      INFO(key);
      const double ref = std::stod(row.at(key));
      if (full_report) {
        CHECK(value == Approx(ref).epsilon(1e-12));
      } else {
        CHECK(std::abs(value - ref) <= 0.0005 + 1e-9);
      }
    }
  }
}

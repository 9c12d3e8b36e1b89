// DramChannel's event-driven FR-FCFS scheduler against a naive reference
// controller (reference_dram_controller.h) that recomputes every decision from
// scratch: the same commands at the same cycles, the same acceptance cycles,
// completions and counters, on every preset, open and closed page, queue and
// rank variants and eleven traffic patterns. DramChannel's speed comes from
// cached candidates, competing-bank lists, plans kept across arrivals and idle
// refresh periods skipped in closed form; this is where they are checked
// against the policy itself rather than against earlier versions of
// themselves. The model runs twice: with a command log (idle refreshes one
// by one) and without (idle periods skipped), and both must agree with the
// reference.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "models/memory/dram_system.h"
#include "tests/memory/reference_dram_controller.h"
#include "tests/memory/reference_traces.h"

using namespace qarch::memory;
using qarch::memory::testing::command_name;
using qarch::memory::testing::one_channel_preset;
using qarch::memory::testing::ReferenceDramController;

namespace {

struct Burst {
  std::uint64_t addr;
  bool w;
  std::uint64_t cycle;
  std::uint64_t tag;
};

std::string describe(const DramCommand& c) {
  return fmt::format("{:>8} {:<4} pc{} ra{} bg{} ba{} row{} tag{}", c.cycle, command_name(c), c.pseudo_channel, c.rank,
                     c.bank_group, c.bank, c.row, c.tag);
}

bool is_col(DramCommand::Kind k) {
  return k == DramCommand::Kind::kRead || k == DramCommand::Kind::kWrite;
}
bool is_bank_cmd(DramCommand::Kind k) {
  return k != DramCommand::Kind::kPrechargeAll && k != DramCommand::Kind::kRefresh;
}

// The fields a command defines: cycle, kind, pc, rank; bank group and bank
// for bank commands; row for ACT and RD/WR; tag and auto-precharge for RD/WR.
bool same_cmd(const DramCommand& a, const DramCommand& b) {
  if (a.cycle != b.cycle || a.kind != b.kind || a.pseudo_channel != b.pseudo_channel || a.rank != b.rank) return false;
  if (is_bank_cmd(a.kind) && (a.bank_group != b.bank_group || a.bank != b.bank)) return false;
  if ((a.kind == DramCommand::Kind::kActivate || is_col(a.kind)) && a.row != b.row) return false;
  if (is_col(a.kind) && (a.tag != b.tag || a.auto_precharge != b.auto_precharge)) return false;
  return true;
}

std::vector<Burst> make_trace(const DramConfig& c, const DramAddressMap& map, const std::string& pattern,
                              std::uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  const std::uint64_t bb = c.burst_bytes();
  const std::uint64_t nb = map.capacity_bytes() / bb;
  auto rnd = [&](std::uint64_t k) { return std::uniform_int_distribution<std::uint64_t>(0, k - 1)(rng); };
  auto flat = [&](const DramAddress& a) {
    return ((int(a.pseudo_channel) * c.ranks + int(a.rank)) * c.bank_groups + int(a.bank_group)) * c.banks_per_group +
           int(a.bank);
  };
  std::vector<Burst> v;
  std::uint64_t cyc = 100;
  const int nbanks = c.banks_per_channel();
  std::vector<int> chosen;
  if (pattern == "conflict") {
    const int k = std::min(2 + int(rnd(3)), nbanks);  // 2-4 banks, as many as there are
    while (int(chosen.size()) < k) {
      int b = int(rnd(nbanks));
      if (std::find(chosen.begin(), chosen.end(), b) == chosen.end()) chosen.push_back(b);
    }
  }
  std::uint64_t seq_addr = rnd(nb);
  int cluster_left = 0;
  for (int i = 0; i < n; ++i) {
    Burst b;
    b.tag = std::uint64_t(i);
    std::uint64_t gap = rnd(4);
    if (pattern == "random") {
      b.w = false;
      b.addr = rnd(nb) * bb;
    } else if (pattern == "mix21") {
      b.w = rnd(3) == 0;
      b.addr = rnd(nb) * bb;
    } else if (pattern == "conflict") {
      b.w = rnd(3) == 0;
      for (;;) {
        b.addr = rnd(nb) * bb;
        int f = flat(map.decode(b.addr));
        if (std::find(chosen.begin(), chosen.end(), f) != chosen.end()) break;
      }
      gap = rnd(6);
    } else if (pattern == "sequential") {
      if (rnd(64) == 0) seq_addr = rnd(nb);
      b.w = (i / 16) % 4 == 3;
      b.addr = (seq_addr++ % nb) * bb;
      gap = rnd(3);
    } else if (pattern == "writeheavy") {
      b.w = rnd(5) != 0;
      b.addr = (rnd(2) ? rnd(nb) : (seq_addr++ % nb)) * bb;
      gap = rnd(3);
    } else if (pattern == "lowrate") {
      b.w = rnd(3) == 0;
      b.addr = rnd(nb) * bb;
      gap = 1 + rnd(60);
    } else if (pattern == "hotbank") {
      // One bank, three rows, both directions, arrivals 0-2 cycles apart.
      if (chosen.empty()) chosen.push_back(int(rnd(nbanks)));
      b.w = rnd(2) == 0;
      for (;;) {
        b.addr = rnd(nb) * bb;
        DramAddress a = map.decode(b.addr);
        if (flat(a) == chosen[0] && a.row % 8 < 3) break;
      }
      gap = rnd(3);
    } else if (pattern == "refedge") {
      // Small groups of bursts landing within a few cycles of refresh due cycles.
      if (cluster_left == 0) {
        cluster_left = 1 + int(rnd(8));
        std::uint64_t k = cyc / std::uint64_t(c.timing.tREFI) + 1;
        std::uint64_t target = k * std::uint64_t(c.timing.tREFI) - 30 + rnd(36);
        if (target > cyc) cyc = target;
      }
      --cluster_left;
      b.w = rnd(3) == 0;
      for (;;) {
        b.addr = rnd(nb) * bb;
        DramAddress a = map.decode(b.addr);
        if (flat(a) % 4 == 0 && flat(a) < 8 && a.row % 16 < 2) break;
      }
      gap = rnd(3);
    } else if (pattern == "bursty") {
      // Batches arriving at once (queues fill, front end stalls), then pauses.
      if (cluster_left == 0) {
        cluster_left = 40 + int(rnd(80));
        if (i > 0) cyc += rnd(2000);
        seq_addr = rnd(nb);
      }
      --cluster_left;
      b.w = rnd(2) == 0;
      b.addr = ((seq_addr + rnd(64)) % nb) * bb;
      gap = 0;
    } else if (pattern == "longidle") {
      // Short clusters separated by 5-40 tREFI: the model without a log skips
      // idle refresh periods in closed form (DramSystem::accept_burst -> run_until).
      if (cluster_left == 0) {
        cluster_left = 10 + int(rnd(60));
        if (i > 0) cyc += std::uint64_t(c.timing.tREFI) * (5 + rnd(36)) + rnd(c.timing.tREFI);
      }
      --cluster_left;
      b.w = rnd(3) == 0;
      b.addr = (rnd(2) ? rnd(nb) : (seq_addr++ % nb)) * bb;
      gap = rnd(5);
    } else {  // idle
      if (cluster_left == 0) {
        cluster_left = 50 + int(rnd(150));
        if (i > 0) cyc += std::uint64_t(c.timing.tREFI) * (2 + rnd(3)) + rnd(c.timing.tREFI);
      }
      --cluster_left;
      b.w = rnd(3) == 0;
      b.addr = (rnd(2) ? rnd(nb) : (seq_addr++ % nb)) * bb;
      gap = rnd(5);
    }
    cyc += gap;
    b.cycle = cyc;
    v.push_back(b);
  }
  return v;
}

// Runs `trace` through the model (with and without a command log) and through
// one reference controller per channel given `reference_config`; "" if
// everything agrees, else what differs first, with context.
std::string differences(const DramConfig& cfg, const DramConfig& reference_config, const std::vector<Burst>& trace) {
  testing::RecordingSink sink, sink_unlogged;
  DramSystem logged(cfg, &sink), unlogged(cfg, &sink_unlogged);
  const std::size_t channels = std::size_t(cfg.channels);
  std::vector<std::vector<DramCommand>> model_logs(channels);
  for (std::size_t ch = 0; ch < channels; ++ch) logged.set_command_log(int(ch), &model_logs[ch]);
  // Channels are independent; the front end accepts bursts in order, each
  // no earlier than the one before, whatever its channel.
  std::vector<ReferenceDramController> references(channels, ReferenceDramController(reference_config));
  std::vector<std::uint64_t> model_accepted, unlogged_accepted, reference_accepted;
  std::uint64_t m = 0, u = 0, r = 0;
  for (const Burst& b : trace) {
    m = logged.accept_burst(b.addr, b.w, std::max(b.cycle, m), b.tag);
    u = unlogged.accept_burst(b.addr, b.w, std::max(b.cycle, u), b.tag);
    const DramAddress a = logged.address_map().decode(b.addr);
    r = references[a.channel].accept(a, b.w, std::max(b.cycle, r), b.tag);
    model_accepted.push_back(m);
    unlogged_accepted.push_back(u);
    reference_accepted.push_back(r);
  }
  logged.drain();
  unlogged.drain();
  for (auto& reference : references) reference.drain();
  // Then some idle refresh periods, which the unlogged model skips.
  const std::uint64_t until =
      std::max(logged.last_data_end_cycle(), trace.back().cycle) + 11 * std::uint64_t(cfg.timing.tREFI) + 17;
  logged.run_until(until);
  unlogged.run_until(until);
  for (auto& reference : references) reference.run_until(until);

  std::ostringstream os;
  for (std::size_t ch = 0; ch < channels; ++ch) {
    const auto& model_log = model_logs[ch];
    const auto& reference_log = references[ch].log;
    const std::size_t n = std::min(model_log.size(), reference_log.size());
    std::size_t i = 0;
    while (i < n && same_cmd(model_log[i], reference_log[i])) ++i;
    if (i == n && model_log.size() == reference_log.size()) continue;
    os << "channel " << ch << ": first command mismatch at index " << i << " (model " << model_log.size()
       << " commands, reference " << reference_log.size() << ")\n  model:\n";
    const std::size_t from = i >= 10 ? i - 10 : 0;
    for (std::size_t k = from; k < std::min(model_log.size(), i + 4); ++k)
      os << (k == i ? "  >> " : "     ") << describe(model_log[k]) << "\n";
    os << "  reference:\n";
    for (std::size_t k = from; k < std::min(reference_log.size(), i + 4); ++k)
      os << (k == i ? "  >> " : "     ") << describe(reference_log[k]) << "\n";
    break;
  }
  for (std::size_t k = 0; k < trace.size(); ++k) {
    if (model_accepted[k] != reference_accepted[k] || unlogged_accepted[k] != reference_accepted[k]) {
      os << "burst " << k << " accepted at " << model_accepted[k] << " (unlogged " << unlogged_accepted[k]
         << "), reference " << reference_accepted[k] << "\n";
      break;
    }
  }
  DramCounters expected;
  std::vector<testing::BurstDone> reference_done;
  for (const auto& reference : references) {
    expected += reference.counters;
    reference_done.insert(reference_done.end(), reference.done.begin(), reference.done.end());
  }
  const auto counts = logged.counters().named(), unlogged_counts = unlogged.counters().named(),
             expected_counts = expected.named();
  for (std::size_t k = 0; k < counts.size(); ++k) {
    if (counts[k].second != expected_counts[k].second || unlogged_counts[k].second != expected_counts[k].second) {
      os << counts[k].first << ": model " << counts[k].second << " (unlogged " << unlogged_counts[k].second
         << "), reference " << expected_counts[k].second << "\n";
    }
  }
  if (sink.done != sink_unlogged.done) os << "completions differ between the model with and without a log\n";
  // Completions in tag order (the order of burst_done calls is not specified).
  auto model_done = sink.done;
  const auto by_tag = [](const testing::BurstDone& a, const testing::BurstDone& b) { return a.tag < b.tag; };
  std::stable_sort(model_done.begin(), model_done.end(), by_tag);
  std::stable_sort(reference_done.begin(), reference_done.end(), by_tag);
  if (model_done != reference_done) os << "completion cycles differ\n";
  return os.str();
}

const std::vector<std::string> kPatterns = {"random", "mix21",   "conflict", "sequential", "writeheavy", "lowrate",
                                            "idle",   "hotbank", "refedge",  "bursty",     "longidle"};
constexpr int kBursts = 2000;

// Every pattern, open and closed page, on `base` changed by `change`.
void check_against_reference(const DramConfig& base, const std::string& label,
                             const std::function<void(DramConfig&)>& change) {
  for (const PagePolicy page : {PagePolicy::kOpen, PagePolicy::kClosed}) {
    DramConfig cfg = base;
    change(cfg);
    cfg.page_policy = page;
    validate_dram_config(cfg);
    const DramAddressMap map(cfg);
    for (std::size_t p = 0; p < kPatterns.size(); ++p) {
      const auto trace =
          make_trace(cfg, map, kPatterns[p], 1000 + p * 7 + (page == PagePolicy::kClosed ? 1 : 0), kBursts);
      INFO(base.preset << " " << label << " " << (page == PagePolicy::kOpen ? "open" : "closed") << " page, "
                       << kPatterns[p]);
      const std::string diff = differences(cfg, cfg, trace);
      INFO(diff);
      CHECK(diff.empty());
    }
  }
}

void check_variants(const std::string& preset) {
  const std::string ranked = one_channel_preset(preset).pseudo_channels > 1 ? "ro:ra:ba:co:bg:pc" : "ro:ra:ba:co:bg";
  check_against_reference(one_channel_preset(preset), "2 ranks", [&](DramConfig& c) {
    c.ranks = 2;
    c.address_mapping = ranked;
  });
  check_against_reference(one_channel_preset(preset), "2 ranks, tRTRS 8", [&](DramConfig& c) {
    c.ranks = 2;
    c.address_mapping = ranked;
    c.timing.tRTRS = 8;
  });
  check_against_reference(one_channel_preset(preset), "queues of 4",
                          [](DramConfig& c) { c.read_queue_depth = c.write_queue_depth = 4; });
  check_against_reference(one_channel_preset(preset), "queues of 64",
                          [](DramConfig& c) { c.read_queue_depth = c.write_queue_depth = 64; });
  // Every preset has tRC <= tRAS + tRP, so tRC never binds on its own there.
  check_against_reference(one_channel_preset(preset), "tRC 8 above tRAS + tRP",
                          [](DramConfig& c) { c.timing.tRC = c.timing.tRAS + c.timing.tRP + 8; });
  check_against_reference(one_channel_preset(preset), "watermarks 0.5/0.4", [](DramConfig& c) {
    c.write_high_watermark = 0.5;
    c.write_low_watermark = 0.4;
  });
}

}  // namespace

TEST_CASE("the DRAM scheduler issues what a naive FR-FCFS controller issues: every preset") {
  for (const auto& preset : dram_preset_names())
    check_against_reference(one_channel_preset(preset), "", [](DramConfig&) {});
}

TEST_CASE(
    "the DRAM scheduler issues what a naive FR-FCFS controller issues: ddr4-2400 ranks, queues, watermarks, tRC") {
  check_variants("ddr4-2400");
}

TEST_CASE("the DRAM scheduler issues what a naive FR-FCFS controller issues: hbm2 ranks, queues, watermarks, tRC") {
  check_variants("hbm2");
}

TEST_CASE(
    "the DRAM scheduler issues what a naive FR-FCFS controller issues: ddr5-4800 ranks, queues, watermarks, tRC") {
  check_variants("ddr5-4800");
}

TEST_CASE(
    "the DRAM scheduler issues what a naive FR-FCFS controller issues: lpddr5-6400 ranks, queues, watermarks, tRC") {
  check_variants("lpddr5-6400");
}

TEST_CASE("the DRAM scheduler issues what a naive FR-FCFS controller issues: channels run apart") {
  // DramSystem runs each channel only up to the cycle of the burst reaching
  // it; the reference runs one controller per channel the same way.
  check_against_reference(dram_preset("hbm3"), "16 channels", [](DramConfig&) {});
  check_against_reference(dram_preset("ddr4-2400"), "4 channels", [](DramConfig& c) {
    c.channels = 4;
    c.address_mapping = "ro:ba:co:ch:bg";
  });
}

TEST_CASE("the comparison sees a reference one cycle or one queue entry off") {
  // A comparison that cannot fail proves nothing: the reference given one
  // parameter slightly off must differ from the model on a trace that
  // exercises it.
  struct Case {
    const char* what;
    const char* pattern;
    std::function<void(DramConfig&)> model, reference;
  };
  const std::vector<Case> cases = {
      {"tFAW - 1", "random", [](DramConfig&) {}, [](DramConfig& c) { --c.timing.tFAW; }},
      {"tRCD + 1", "lowrate", [](DramConfig&) {}, [](DramConfig& c) { ++c.timing.tRCD; }},
      {"tRTRS 7 against 8", "mix21",
       [](DramConfig& c) {
         c.ranks = 2;
         c.address_mapping = "ro:ra:ba:co:bg";
         c.timing.tRTRS = 8;
       },
       [](DramConfig& c) {
         c.ranks = 2;
         c.address_mapping = "ro:ra:ba:co:bg";
         c.timing.tRTRS = 7;
       }},
      {"write high watermark 24 against 25 entries", "writeheavy", [](DramConfig&) {},
       [](DramConfig& c) { c.write_high_watermark = 0.75; }},
      {"read queue 31 entries", "bursty", [](DramConfig&) {}, [](DramConfig& c) { c.read_queue_depth = 31; }},
  };
  for (const Case& k : cases) {
    DramConfig model = one_channel_preset("ddr4-2400");
    k.model(model);
    DramConfig reference = model;
    k.reference(reference);
    const auto trace = make_trace(model, DramAddressMap(model), k.pattern, 7, kBursts);
    INFO(k.what);
    CHECK_FALSE(differences(model, reference, trace).empty());
  }
}

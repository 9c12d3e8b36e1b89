// Independent DRAM command-protocol checker (Catch2 v2).
//
// Replays synthetic traces through qarch::memory::DramSystem with the command
// log enabled and checks the logged command stream against JEDEC-style timing
// rules. The rules below were derived from the DramTiming field comments in
// dram_config.h and JEDEC (JESD79-4/5, JESD209-4/5, JESD235/238), NOT from the
// channel model's implementation.
//
// unit  = (pseudo_channel, rank); bank = (pseudo_channel, rank, bank_group, bank);
// BL    = burst_cycles().
//
// Rules (rule name in [brackets] as it appears in violation messages):
//  Bank state
//   [state-ACT-open]    ACT only to a closed bank.
//   [state-RW-closed]   RD/WR only to an open bank (after RDA/WRA the bank is closed
//                       until the next ACT).
//   [state-RW-row]      RD/WR only with the row the bank has open.
//   [state-PRE-closed]  PRE only to an open bank. PREA closes every open bank of its unit.
//  Same bank
//   [tRCD]   ACT->RD >= tRCD          [tRCDWR] ACT->WR >= tRCDWR
//   [tRAS]   ACT->PRE >= tRAS         [tRC]    ACT->ACT >= tRC
//   [tRP]    PRE/PREA/auto-precharge -> ACT >= tRP
//   [tRTP]   RD->PRE >= tRTP          [tWR]    WR->PRE >= CWL + BL + tWR
//   PREA must satisfy tRAS/tRTP/tWR for every bank it closes. RDA/WRA: the internal
//   precharge is at P = max(ACT + tRAS, every RD + tRTP, every WR + CWL + BL + tWR)
//   (over the RD/WR to that row); next ACT >= P + tRP.
//  Same unit
//   [tRRD_L] ACT->ACT other bank, same bank group >= tRRD_L
//   [tRRD_S] ACT->ACT other bank group >= tRRD_S
//   [tFAW]   an ACT is >= tFAW after the 4th ACT before it in the unit
//   [tCCD_L] RD->RD same bank group >= tCCD_L     [tCCD_L_WR] WR->WR same bank group >= tCCD_L_WR
//   [tCCD_S] RD->RD / WR->WR other bank group >= tCCD_S
//   [tWTR_L] WR->RD same bank group >= CWL + BL + tWTR_L
//   [tWTR_S] WR->RD other bank group >= CWL + BL + tWTR_S
//   [tRTW]   RD->WR >= max(0, CL + BL + 2 - CWL) (Ramulator's read-to-write)
//   [REF-bank-open] REF only with every bank of the unit closed
//   [REF-tRP]       every bank closed >= tRP before the REF (PRE, PREA or auto-precharge)
//   [tRFC]          no ACT in the unit before REF + tRFC; REF->REF same unit >= tRFC
//   [refresh-early] the k-th REF of a unit (k = 1, 2, ...) is at or after k * tREFI
//   [refresh-late]  the k-th REF comes before the next is due: earlier than k * tREFI + tREFI
//   [refresh-missing] up to the end of the run no unit misses a REF due more than tREFI earlier
//  Data bus per (channel, pseudo_channel): RD data [RD + CL, RD + CL + BL), WR data
//   [WR + CWL, WR + CWL + BL)
//   [data-overlap]  no two bursts overlap
//   [tRTRS]         bursts of different ranks are separated by >= tRTRS
//  Command bus per channel (split_command_bus: ACT/PRE/PREA/REF row bus, RD/WR column
//   bus; else one bus). ACT occupies act_command_cycles, RD/WR cas_command_cycles,
//   PRE/PREA/REF 1 cycle.
//   [cmd-bus-overlap] commands on the same bus never overlap
//   [log-order]       commands of a channel are logged in non-decreasing cycle order
//  Requests (check_requests)
//   [req-*] every burst fed is served by exactly one RD (read) / WR (write) with its
//   tag, no earlier than its acceptance cycle, on the decoded channel, to the decoded
//   (pc, rank, bg, bank, row); burst_done's done_cycle = cmd + CL/CWL + BL; counters
//   agree with the log (activates, read/write bursts, refreshes, precharges =
//   #PRE + banks closed by PREA + #RDA/WRA, row_hits + row_misses = bursts,
//   row_misses <= activates).
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/memory/dram_address_map.h"
#include "models/memory/dram_config.h"
#include "models/memory/dram_system.h"
#include "tests/memory/reference_dram_controller.h"
#include "tests/memory/reference_traces.h"

namespace {

using qarch::memory::AddressHash;
using qarch::memory::DramAddress;
using qarch::memory::DramBurstSink;
using qarch::memory::DramCommand;
using qarch::memory::DramConfig;
using qarch::memory::DramCounters;
using qarch::memory::DramSystem;
using qarch::memory::PagePolicy;
using qarch::memory::testing::command_name;
using qarch::memory::testing::one_channel_preset;
using qarch::memory::testing::RecordingSink;
using Kind = DramCommand::Kind;

constexpr std::int64_t kNever = INT64_MIN / 4;

std::string describe(const DramCommand& c) {
  std::ostringstream os;
  os << command_name(c) << "@" << c.cycle << "(pc" << int(c.pseudo_channel) << " ra" << int(c.rank);
  if (c.kind != Kind::kPrechargeAll && c.kind != Kind::kRefresh) {
    os << " bg" << int(c.bank_group) << " ba" << int(c.bank) << " row" << c.row;
  }
  if (c.kind == Kind::kRead || c.kind == Kind::kWrite) os << " tag" << c.tag;
  os << ")";
  return os.str();
}

// The rule name of a violation string "[rule] ...".
std::string rule_of(const std::string& v) {
  if (v.size() < 2 || v[0] != '[') return "";
  return v.substr(1, v.find(']') - 1);
}

struct ProtocolReport {
  std::vector<std::string> violations;
  std::int64_t worst_refresh_delay = -1;          // max over REFs of (cycle - k * tREFI)
  std::map<std::string, std::int64_t> min_slack;  // per rule: min over checks of (gap - required)
};

// Checks one channel's command log. end_cycle: the cycle the run went up to
// (for [refresh-missing]); 0 = the last logged cycle.
ProtocolReport check_protocol(const DramConfig& cfg, const std::vector<DramCommand>& log, std::uint64_t end_cycle = 0) {
  ProtocolReport rep;
  auto& out = rep.violations;
  const auto& t = cfg.timing;
  const std::int64_t BL = cfg.burst_cycles();
  const int n_units = cfg.pseudo_channels * cfg.ranks;
  const int bpu = cfg.bank_groups * cfg.banks_per_group;
  const std::int64_t wr_to_pre = t.CWL + BL + t.tWR;
  const std::int64_t rtw = std::max<std::int64_t>(0, t.CL + BL + 2 - t.CWL);

  auto gap_violation = [&](const char* rule, const DramCommand& later, const std::string& earlier, std::int64_t gap,
                           std::int64_t need) {
    std::ostringstream os;
    os << "[" << rule << "] " << describe(later) << " after " << earlier << ": gap " << gap << " < " << need
       << " (short by " << (need - gap) << ")";
    out.push_back(os.str());
  };
  // Every timing check goes through chk(): records the smallest slack per rule
  // (how tightly the model runs at each limit) and reports a violation.
  std::map<const char*, std::int64_t> slack_by_ptr;  // keyed by the literal (cheap); merged at the end
  auto note = [&](const char* rule, std::int64_t slack) {
    auto it = slack_by_ptr.find(rule);
    if (it == slack_by_ptr.end())
      slack_by_ptr.emplace(rule, slack);
    else
      it->second = std::min(it->second, slack);
  };
  auto chk = [&](const char* rule, const DramCommand& later, auto&& earlier, std::int64_t gap, std::int64_t need) {
    note(rule, gap - need);
    if (gap < need) gap_violation(rule, later, earlier(), gap, need);
  };
  auto state_violation = [&](const char* rule, const DramCommand& c, const std::string& why) {
    out.push_back(std::string("[") + rule + "] " + describe(c) + ": " + why);
  };

  struct Bank {
    bool open = false;
    std::uint32_t row = 0;
    std::int64_t act = kNever;
    DramCommand act_cmd;
    std::int64_t last_rd = kNever, last_wr = kNever;  // since the current ACT
    DramCommand rd_cmd, wr_cmd;
    std::int64_t closed_at = kNever;  // when the last precharge (of any kind) happened
    std::string close_desc;
  };
  struct Unit {
    std::vector<Bank> banks;
    std::vector<DramCommand> recent_acts;  // last 4
    std::vector<std::int64_t> last_rd_bg, last_wr_bg;
    std::vector<DramCommand> rd_bg_cmd, wr_bg_cmd;
    std::int64_t last_ref = kNever;
    DramCommand ref_cmd;
    std::uint64_t ref_count = 0;
  };
  std::vector<Unit> units{std::size_t(n_units)};
  for (auto& u : units) {
    u.banks.resize(std::size_t(bpu));
    u.last_rd_bg.assign(std::size_t(cfg.bank_groups), kNever);
    u.last_wr_bg.assign(std::size_t(cfg.bank_groups), kNever);
    u.rd_bg_cmd.resize(std::size_t(cfg.bank_groups));
    u.wr_bg_cmd.resize(std::size_t(cfg.bank_groups));
  }
  struct Burst {
    std::int64_t start, end;
    int pc, rank;
    DramCommand cmd;
  };
  std::vector<Burst> bursts;
  std::array<std::int64_t, 2> bus_end{{kNever, kNever}};
  std::array<DramCommand, 2> bus_cmd{};
  std::int64_t prev_cycle = kNever;
  DramCommand prev_cmd;

  auto check_pre_rules = [&](const DramCommand& c, Bank& b) {
    const std::int64_t now = std::int64_t(c.cycle);
    chk(
        "tRAS", c, [&] { return std::string(describe(b.act_cmd)); }, now - b.act, t.tRAS);
    if (b.last_rd != kNever)
      chk(
          "tRTP", c, [&] { return std::string(describe(b.rd_cmd)); }, now - b.last_rd, t.tRTP);
    if (b.last_wr != kNever)
      chk(
          "tWR", c, [&] { return std::string(describe(b.wr_cmd) + " (CWL+BL+tWR)"); }, now - b.last_wr, wr_to_pre);
  };

  for (const DramCommand& c : log) {
    const std::int64_t now = std::int64_t(c.cycle);
    if (prev_cycle != kNever)
      chk(
          "log-order", c, [&] { return std::string(describe(prev_cmd)); }, now - prev_cycle, 0);
    prev_cycle = std::max(prev_cycle, now);
    prev_cmd = c;
    if (c.pseudo_channel >= cfg.pseudo_channels || c.rank >= cfg.ranks || c.bank_group >= cfg.bank_groups ||
        c.bank >= cfg.banks_per_group) {
      state_violation("bad-address", c, "index out of range");
      continue;
    }
    // Command bus.
    const bool is_col = c.kind == Kind::kRead || c.kind == Kind::kWrite;
    const int bus = cfg.split_command_bus && is_col ? 1 : 0;
    const std::int64_t len = c.kind == Kind::kActivate ? cfg.act_command_cycles : is_col ? cfg.cas_command_cycles : 1;
    if (bus_end[std::size_t(bus)] != kNever) note("cmd-bus-overlap", now - bus_end[std::size_t(bus)]);
    if (now < bus_end[std::size_t(bus)]) {
      std::ostringstream os;
      os << "[cmd-bus-overlap] " << describe(c) << " starts while " << describe(bus_cmd[std::size_t(bus)])
         << " occupies the " << (cfg.split_command_bus ? (bus ? "column" : "row") : "command") << " bus until "
         << bus_end[std::size_t(bus)] << " (short by " << (bus_end[std::size_t(bus)] - now) << ")";
      out.push_back(os.str());
    }
    if (now + len > bus_end[std::size_t(bus)]) {
      bus_end[std::size_t(bus)] = now + len;
      bus_cmd[std::size_t(bus)] = c;
    }

    Unit& u = units[std::size_t(c.pseudo_channel * cfg.ranks + c.rank)];
    const int bg = c.bank_group;
    const int bi = bg * cfg.banks_per_group + c.bank;
    Bank& b = u.banks[std::size_t(bi)];

    switch (c.kind) {
      case Kind::kActivate: {
        if (u.last_ref != kNever)
          chk(
              "tRFC", c, [&] { return std::string(describe(u.ref_cmd)); }, now - u.last_ref, t.tRFC);
        if (b.open) {
          state_violation("state-ACT-open", c,
                          "bank already open with row " + std::to_string(b.row) + " since " + describe(b.act_cmd));
        } else if (b.closed_at != kNever) {
          chk(
              "tRP", c, [&] { return b.close_desc; }, now - b.closed_at, t.tRP);
        }
        if (b.act != kNever)
          chk(
              "tRC", c, [&] { return std::string(describe(b.act_cmd)); }, now - b.act, t.tRC);
        for (int oi = 0; oi < bpu; ++oi) {
          if (oi == bi) continue;
          const Bank& o = u.banks[std::size_t(oi)];
          if (o.act == kNever) continue;
          const bool same_bg = oi / cfg.banks_per_group == bg;
          const std::int64_t need = same_bg ? t.tRRD_L : t.tRRD_S;
          chk(
              same_bg ? "tRRD_L" : "tRRD_S", c, [&] { return std::string(describe(o.act_cmd)); }, now - o.act, need);
        }
        if (u.recent_acts.size() == 4) {
          const DramCommand& f = u.recent_acts.front();
          chk(
              "tFAW", c, [&] { return std::string(describe(f) + " (4th ACT before)"); }, now - std::int64_t(f.cycle),
              t.tFAW);
          u.recent_acts.erase(u.recent_acts.begin());
        }
        u.recent_acts.push_back(c);
        b.open = true;
        b.row = c.row;
        b.act = now;
        b.act_cmd = c;
        b.last_rd = b.last_wr = kNever;
        break;
      }
      case Kind::kPrecharge: {
        if (!b.open) {
          state_violation("state-PRE-closed", c, "bank is not open");
          break;
        }
        check_pre_rules(c, b);
        b.open = false;
        b.closed_at = now;
        b.close_desc = describe(c);
        break;
      }
      case Kind::kPrechargeAll: {
        for (int i = 0; i < bpu; ++i) {
          Bank& x = u.banks[std::size_t(i)];
          if (!x.open) continue;
          DramCommand as_bank = c;  // name the bank in messages
          as_bank.kind = Kind::kPrecharge;
          as_bank.bank_group = std::uint8_t(i / cfg.banks_per_group);
          as_bank.bank = std::uint8_t(i % cfg.banks_per_group);
          as_bank.row = x.row;
          const std::size_t before = out.size();
          check_pre_rules(as_bank, x);
          for (std::size_t k = before; k < out.size(); ++k) {
            // Mark these as coming from a PREA.
            const auto p = out[k].find("] PRE@");
            if (p != std::string::npos) out[k].replace(p, 6, "] PREA(bank)@");
          }
          x.open = false;
          x.closed_at = now;
          x.close_desc = describe(c);
        }
        break;
      }
      case Kind::kRefresh: {
        for (int i = 0; i < bpu; ++i) {
          Bank& x = u.banks[std::size_t(i)];
          if (x.open) {
            state_violation("REF-bank-open", c,
                            "bank bg" + std::to_string(i / cfg.banks_per_group) + " ba" +
                                std::to_string(i % cfg.banks_per_group) + " open (row " + std::to_string(x.row) +
                                ") since " + describe(x.act_cmd));
            x.open = false;
            x.closed_at = now;
            x.close_desc = describe(c) + " (implicit)";
          } else if (x.closed_at != kNever) {
            chk(
                "REF-tRP", c,
                [&] {
                  return x.close_desc + " closing bg" + std::to_string(i / cfg.banks_per_group) + " ba" +
                         std::to_string(i % cfg.banks_per_group);
                },
                now - x.closed_at, t.tRP);
          }
        }
        if (u.last_ref != kNever)
          chk(
              "tRFC", c, [&] { return std::string(describe(u.ref_cmd)); }, now - u.last_ref, t.tRFC);
        ++u.ref_count;
        const std::int64_t due = std::int64_t(u.ref_count) * t.tREFI;
        if (now < due) {
          std::ostringstream os;
          os << "[refresh-early] " << describe(c) << " is REF #" << u.ref_count << " of its unit, due at " << due
             << " (early by " << (due - now) << ")";
          out.push_back(os.str());
        }
        if (now - due >= t.tREFI) {
          std::ostringstream os;
          os << "[refresh-late] " << describe(c) << " is REF #" << u.ref_count << " of its unit, due at " << due
             << ": late by " << (now - due) << " >= tREFI " << t.tREFI << " (previous REF "
             << (u.last_ref == kNever ? std::string("none") : describe(u.ref_cmd)) << ")";
          out.push_back(os.str());
        }
        rep.worst_refresh_delay = std::max(rep.worst_refresh_delay, now - due);
        note("refresh-early", now - due);
        note("refresh-late", t.tREFI - 1 - (now - due));
        u.last_ref = now;
        u.ref_cmd = c;
        break;
      }
      case Kind::kRead:
      case Kind::kWrite: {
        const bool rd = c.kind == Kind::kRead;
        if (!b.open) {
          state_violation("state-RW-closed", c,
                          b.closed_at == kNever ? std::string("bank never opened") : "bank closed by " + b.close_desc);
        } else {
          if (b.row != c.row)
            state_violation("state-RW-row", c,
                            "bank has row " + std::to_string(b.row) + " open (" + describe(b.act_cmd) + ")");
          const std::int64_t need = rd ? t.tRCD : t.tRCDWR;
          chk(
              rd ? "tRCD" : "tRCDWR", c, [&] { return std::string(describe(b.act_cmd)); }, now - b.act, need);
        }
        for (int g = 0; g < cfg.bank_groups; ++g) {
          const bool same = g == bg;
          const std::int64_t lr = u.last_rd_bg[std::size_t(g)], lw = u.last_wr_bg[std::size_t(g)];
          if (rd) {
            if (lr != kNever)
              chk(
                  same ? "tCCD_L" : "tCCD_S", c, [&] { return describe(u.rd_bg_cmd[std::size_t(g)]); }, now - lr,
                  same ? t.tCCD_L : t.tCCD_S);
            const std::int64_t need = t.CWL + BL + (same ? t.tWTR_L : t.tWTR_S);
            if (lw != kNever)
              chk(
                  same ? "tWTR_L" : "tWTR_S", c,
                  [&] { return describe(u.wr_bg_cmd[std::size_t(g)]) + " (CWL+BL+tWTR)"; }, now - lw, need);
          } else {
            if (lw != kNever)
              chk(
                  same ? "tCCD_L_WR" : "tCCD_S", c, [&] { return describe(u.wr_bg_cmd[std::size_t(g)]); }, now - lw,
                  same ? t.tCCD_L_WR : t.tCCD_S);
            if (lr != kNever)
              chk(
                  "tRTW", c, [&] { return describe(u.rd_bg_cmd[std::size_t(g)]) + " (CL+BL+2-CWL)"; }, now - lr, rtw);
          }
        }
        if (rd) {
          u.last_rd_bg[std::size_t(bg)] = now;
          u.rd_bg_cmd[std::size_t(bg)] = c;
        } else {
          u.last_wr_bg[std::size_t(bg)] = now;
          u.wr_bg_cmd[std::size_t(bg)] = c;
        }
        if (b.open) {
          if (rd) {
            b.last_rd = now;
            b.rd_cmd = c;
          } else {
            b.last_wr = now;
            b.wr_cmd = c;
          }
          if (c.auto_precharge) {
            std::int64_t p = b.act + t.tRAS;
            if (b.last_rd != kNever) p = std::max(p, b.last_rd + t.tRTP);
            if (b.last_wr != kNever) p = std::max(p, b.last_wr + wr_to_pre);
            b.open = false;
            b.closed_at = p;
            b.close_desc = "auto-precharge@" + std::to_string(p) + " of " + describe(c);
          }
        }
        const std::int64_t start = now + (rd ? t.CL : t.CWL);
        bursts.push_back({start, start + BL, c.pseudo_channel, c.rank, c});
        break;
      }
    }
  }

  // Data bus per pseudo-channel.
  std::stable_sort(bursts.begin(), bursts.end(),
                   [](const Burst& a, const Burst& b) { return a.pc != b.pc ? a.pc < b.pc : a.start < b.start; });
  const Burst* prev = nullptr;
  for (const Burst& x : bursts) {
    if (prev && prev->pc == x.pc) {
      std::ostringstream os;
      note("data-overlap", x.start - prev->end);
      if (x.rank != prev->rank) note("tRTRS", x.start - prev->end - t.tRTRS);
      if (x.start < prev->end) {
        os << "[data-overlap] " << describe(x.cmd) << " data [" << x.start << "," << x.end << ") overlaps "
           << describe(prev->cmd) << " data [" << prev->start << "," << prev->end << ") by " << (prev->end - x.start);
        out.push_back(os.str());
      } else if (x.rank != prev->rank && x.start - prev->end < t.tRTRS) {
        os << "[tRTRS] " << describe(x.cmd) << " data [" << x.start << "," << x.end << ") after " << describe(prev->cmd)
           << " data [" << prev->start << "," << prev->end << ") of another rank: gap " << (x.start - prev->end)
           << " < " << t.tRTRS << " (short by " << (t.tRTRS - (x.start - prev->end)) << ")";
        out.push_back(os.str());
      }
    }
    if (!prev || prev->pc != x.pc || x.end >= prev->end) prev = &x;
  }

  for (const auto& kv : slack_by_ptr) {
    auto it = rep.min_slack.find(kv.first);
    if (it == rep.min_slack.end())
      rep.min_slack.emplace(kv.first, kv.second);
    else
      it->second = std::min(it->second, kv.second);
  }

  // Missing refreshes up to the end of the run.
  const std::int64_t end = end_cycle ? std::int64_t(end_cycle) : (log.empty() ? 0 : std::int64_t(log.back().cycle));
  for (int ui = 0; ui < n_units; ++ui) {
    const Unit& u = units[std::size_t(ui)];
    const std::int64_t k = std::int64_t(u.ref_count) + 1;  // the first REF not seen
    if ((k + 1) * std::int64_t(t.tREFI) < end) {
      const std::int64_t missing = (end - 1) / t.tREFI - 1 - std::int64_t(u.ref_count);
      std::ostringstream os;
      os << "[refresh-missing] unit pc" << ui / cfg.ranks << " ra" << ui % cfg.ranks << ": " << u.ref_count
         << " REFs by cycle " << end << "; REF #" << k << " was due at " << k * t.tREFI << " (" << missing
         << " REF(s) missing)";
      out.push_back(os.str());
    }
  }
  return rep;
}

// ---------------------------------------------------------------------------
// Replay harness.

struct Fed {
  std::uint64_t addr = 0;
  bool write = false;
  std::uint64_t accept = 0;
};

struct TraceRec {
  std::uint64_t cycle, addr;
  bool write;
};

std::vector<std::string> check_requests(const DramConfig& cfg, const DramSystem& sys, const std::vector<Fed>& fed,
                                        const std::vector<std::vector<DramCommand>>& logs,
                                        const std::vector<qarch::memory::testing::BurstDone>& done,
                                        const DramCounters& ctr) {
  std::vector<std::string> out;
  const auto& t = cfg.timing;
  auto add = [&](const std::string& s) { out.push_back(s); };
  std::vector<int> served(fed.size(), 0);
  std::vector<std::int64_t> cmd_done(fed.size(), -1);
  std::uint64_t n_act = 0, n_rd = 0, n_wr = 0, n_ref = 0, n_pre = 0, n_prea_banks = 0, n_auto = 0;
  std::uint64_t n_first_col_after_act = 0;
  for (std::size_t ch = 0; ch < logs.size(); ++ch) {
    std::vector<char> open(std::size_t(cfg.banks_per_channel()), 0);
    std::vector<char> used(std::size_t(cfg.banks_per_channel()), 0);
    const int bpu = cfg.bank_groups * cfg.banks_per_group;
    for (const DramCommand& c : logs[ch]) {
      const int u = c.pseudo_channel * cfg.ranks + c.rank;
      const std::size_t bi = std::size_t(u * bpu + c.bank_group * cfg.banks_per_group + c.bank);
      switch (c.kind) {
        case Kind::kActivate:
          ++n_act;
          open[bi] = 1;
          used[bi] = 0;
          break;
        case Kind::kPrecharge:
          ++n_pre;
          open[bi] = 0;
          break;
        case Kind::kPrechargeAll:
          for (int i = 0; i < bpu; ++i) {
            if (open[std::size_t(u * bpu + i)]) ++n_prea_banks;
            open[std::size_t(u * bpu + i)] = 0;
          }
          break;
        case Kind::kRefresh: ++n_ref; break;
        case Kind::kRead:
        case Kind::kWrite: {
          const bool rd = c.kind == Kind::kRead;
          (rd ? n_rd : n_wr)++;
          if (!used[bi]) ++n_first_col_after_act;
          used[bi] = 1;
          if (c.auto_precharge) {
            ++n_auto;
            open[bi] = 0;
          }
          if (c.tag >= fed.size()) {
            add("[req-unknown-tag] " + describe(c) + " on channel " + std::to_string(ch));
            break;
          }
          const Fed& f = fed[c.tag];
          if (++served[c.tag] > 1) add("[req-served-twice] " + describe(c));
          if (rd == f.write)
            add("[req-kind] " + describe(c) + std::string(": burst is a ") + (f.write ? "write" : "read"));
          if (c.cycle < f.accept)
            add("[req-before-accept] " + describe(c) + ": accepted at " + std::to_string(f.accept));
          const DramAddress a = sys.address_map().decode(f.addr);
          if (a.channel != ch || a.pseudo_channel != c.pseudo_channel || a.rank != c.rank ||
              a.bank_group != c.bank_group || a.bank != c.bank || a.row != c.row) {
            std::ostringstream os;
            os << "[req-location] " << describe(c) << " on ch" << ch << ": address 0x" << std::hex << f.addr << std::dec
               << " decodes to ch" << a.channel << " pc" << a.pseudo_channel << " ra" << a.rank << " bg" << a.bank_group
               << " ba" << a.bank << " row" << a.row;
            add(os.str());
          }
          cmd_done[c.tag] = std::int64_t(c.cycle) + (rd ? t.CL : t.CWL) + cfg.burst_cycles();
          break;
        }
      }
    }
  }
  std::size_t unserved = 0;
  for (std::size_t i = 0; i < fed.size(); ++i) {
    if (served[i] == 0 && unserved++ < 5) add("[req-unserved] tag " + std::to_string(i) + " never got a RD/WR");
  }
  std::vector<int> done_count(fed.size(), 0);
  for (const auto& d : done) {
    if (d.tag >= fed.size()) {
      add("[req-done-tag] burst_done for unknown tag " + std::to_string(d.tag));
      continue;
    }
    if (++done_count[d.tag] > 1) add("[req-done-twice] tag " + std::to_string(d.tag));
    if (d.is_write != fed[d.tag].write) add("[req-done-kind] tag " + std::to_string(d.tag));
    if (std::int64_t(d.done) != cmd_done[d.tag])
      add("[req-done-cycle] tag " + std::to_string(d.tag) + ": done_cycle " + std::to_string(d.done) +
          ", command + latency + burst = " + std::to_string(cmd_done[d.tag]));
  }
  for (std::size_t i = 0; i < fed.size(); ++i)
    if (done_count[i] == 0 && served[i]) add("[req-done-missing] tag " + std::to_string(i));
  auto cmp = [&](const char* what, std::uint64_t counter, std::uint64_t logged) {
    if (counter != logged)
      add(std::string("[counters] ") + what + ": counter " + std::to_string(counter) + ", log " +
          std::to_string(logged));
  };
  cmp("activates", ctr.activates, n_act);
  cmp("read_bursts", ctr.read_bursts, n_rd);
  cmp("write_bursts", ctr.write_bursts, n_wr);
  cmp("refreshes", ctr.refreshes, n_ref);
  cmp("precharges (PRE + PREA banks + auto)", ctr.precharges, n_pre + n_prea_banks + n_auto);
  cmp("row_hits + row_misses", ctr.row_hits + ctr.row_misses, n_rd + n_wr);
  if (ctr.row_misses > ctr.activates) cmp("row_misses <= activates", ctr.row_misses, ctr.activates);
  // A column command needed an ACT of its own iff it is the first column command
  // after an ACT to its bank (FR-FCFS: whichever request the ACT was issued for,
  // exactly one column command per used ACT counts as a miss).
  cmp("row_misses (first column command after each ACT)", ctr.row_misses, n_first_col_after_act);
  return out;
}

enum class TraceKind { kRandRead, kMix, kRowConflict, kSeq, kWriteHeavy, kIdleGaps, kLowRate };
const char* trace_name(TraceKind k) {
  switch (k) {
    case TraceKind::kRandRead: return "rand_read";
    case TraceKind::kMix: return "mix_2r1w";
    case TraceKind::kRowConflict: return "row_conflict";
    case TraceKind::kSeq: return "seq_rw";
    case TraceKind::kWriteHeavy: return "write_heavy";
    case TraceKind::kIdleGaps: return "idle_gaps";
    case TraceKind::kLowRate: return "low_rate";
  }
  return "?";
}
const std::vector<TraceKind> kAllTraces = {TraceKind::kRandRead, TraceKind::kMix,        TraceKind::kRowConflict,
                                           TraceKind::kSeq,      TraceKind::kWriteHeavy, TraceKind::kIdleGaps,
                                           TraceKind::kLowRate};

constexpr int kBurstsPerTrace = 20000;

std::vector<TraceRec> make_trace(const DramConfig& cfg, TraceKind kind, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  qarch::memory::DramAddressMap map(cfg);
  const std::uint64_t bb = std::uint64_t(cfg.burst_bytes());
  const std::uint64_t cap = map.capacity_bytes();
  const std::uint64_t nb = cap / bb;
  auto rand_addr = [&] { return (rng() % nb) * bb; };
  std::vector<TraceRec> tr;
  tr.reserve(std::size_t(n));
  switch (kind) {
    case TraceKind::kRandRead:
      for (int i = 0; i < n; ++i) tr.push_back({0, rand_addr(), false});
      break;
    case TraceKind::kMix:
      for (int i = 0; i < n; ++i) tr.push_back({0, rand_addr(), rng() % 3 == 0});
      break;
    case TraceKind::kWriteHeavy:
      for (int i = 0; i < n; ++i) tr.push_back({0, rand_addr(), rng() % 5 != 0});
      break;
    case TraceKind::kRowConflict: {
      // Two banks of the channel, random rows (rejection sampling over decode).
      const DramAddress a0 = map.decode(rand_addr());
      DramAddress a1 = map.decode(rand_addr());
      for (int tries = 0; tries < 1000; ++tries) {
        a1 = map.decode(rand_addr());
        if (a1.pseudo_channel == a0.pseudo_channel && a1.rank == a0.rank && a1.bank_group == a0.bank_group &&
            a1.bank != a0.bank)
          break;  // prefer a bank of the same unit and group when there is one
      }
      auto same_bank = [](const DramAddress& x, const DramAddress& y) {
        return x.pseudo_channel == y.pseudo_channel && x.rank == y.rank && x.bank_group == y.bank_group &&
               x.bank == y.bank;
      };
      while (int(tr.size()) < n) {
        const std::uint64_t a = rand_addr();
        const DramAddress d = map.decode(a);
        if (same_bank(d, a0) || same_bank(d, a1)) tr.push_back({0, a, rng() % 4 == 0});
      }
      break;
    }
    case TraceKind::kSeq: {
      const std::uint64_t rbase = rand_addr() & ~(std::uint64_t(1 << 20) - 1);
      const std::uint64_t wbase = (rbase + cap / 2) % cap;
      std::uint64_t ri = 0, wi = 0;
      for (int i = 0; i < n; ++i) {
        const bool w = (i / 32) % 2 == 1;
        const std::uint64_t a = w ? (wbase + bb * wi++) % cap : (rbase + bb * ri++) % cap;
        tr.push_back({0, a, w});
      }
      break;
    }
    case TraceKind::kIdleGaps: {
      std::uint64_t cyc = 0;
      for (int i = 0; i < n; ++i) {
        if (i > 0 && i % 1000 == 0) cyc += std::uint64_t(cfg.timing.tREFI) * (2 + rng() % 3) + rng() % 1000;
        tr.push_back({cyc, rand_addr(), rng() % 3 == 0});
      }
      break;
    }
    case TraceKind::kLowRate: {
      std::uint64_t cyc = 0;
      for (int i = 0; i < n; ++i) {
        cyc += 1 + rng() % 99;
        tr.push_back({cyc, rand_addr(), rng() % 3 == 0});
      }
      break;
    }
  }
  return tr;
}

struct RunResult {
  std::vector<std::vector<DramCommand>> logs;
  std::vector<std::string> violations;
  std::int64_t worst_refresh_delay = -1;
  std::uint64_t commands = 0, end_cycle = 0;
  std::map<std::string, std::int64_t> min_slack;
};

RunResult replay(const DramConfig& cfg, const std::vector<TraceRec>& tr) {
  RunResult r;
  RecordingSink sink;
  DramSystem sys(cfg, &sink);
  r.logs.resize(std::size_t(cfg.channels));
  for (int ch = 0; ch < cfg.channels; ++ch) sys.set_command_log(ch, &r.logs[std::size_t(ch)]);
  std::vector<Fed> fed;
  fed.reserve(tr.size());
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < tr.size(); ++i) {
    const std::uint64_t at = std::max(tr[i].cycle, prev);
    const std::uint64_t acc = sys.accept_burst(tr[i].addr, tr[i].write, at, i);
    if (acc < at)
      r.violations.push_back("[req-accept] accept_burst returned " + std::to_string(acc) + " < " + std::to_string(at));
    fed.push_back({tr[i].addr, tr[i].write, acc});
    prev = acc;
  }
  sys.drain();
  const std::uint64_t end = std::max(prev, sys.last_data_end_cycle()) + 3 * std::uint64_t(cfg.timing.tREFI) + 17;
  sys.run_until(end);
  r.end_cycle = end;
  for (int ch = 0; ch < cfg.channels; ++ch) {
    const auto rep = check_protocol(cfg, r.logs[std::size_t(ch)], end);
    for (const auto& v : rep.violations) r.violations.push_back("ch" + std::to_string(ch) + " " + v);
    r.worst_refresh_delay = std::max(r.worst_refresh_delay, rep.worst_refresh_delay);
    for (const auto& kv : rep.min_slack) {
      auto it = r.min_slack.find(kv.first);
      if (it == r.min_slack.end())
        r.min_slack.insert(kv);
      else
        it->second = std::min(it->second, kv.second);
    }
    r.commands += r.logs[std::size_t(ch)].size();
  }
  for (auto& v : check_requests(cfg, sys, fed, r.logs, sink.done, sys.counters())) r.violations.push_back(v);
  return r;
}

// Violation strings start "ch<N> [rule]" or "[rule]".
std::string rule_in(const std::string& v) {
  const auto p = v.find('[');
  return p == std::string::npos ? "" : rule_of(v.substr(p));
}

// Replays each trace; CHECKs that none breaks a rule. Returns the smallest
// slack per rule over the traces (0: some command ran exactly at that limit).
std::map<std::string, std::int64_t> run_and_check(const DramConfig& cfg, const std::string& label,
                                                  const std::vector<TraceKind>& traces, std::uint64_t seed) {
  std::map<std::string, std::int64_t> min_slack;
  for (const TraceKind tk : traces) {
    const auto tr = make_trace(cfg, tk, kBurstsPerTrace, seed * 1000 + std::uint64_t(tk));
    const RunResult r = replay(cfg, tr);
    for (const auto& kv : r.min_slack) {
      auto it = min_slack.find(kv.first);
      if (it == min_slack.end())
        min_slack.insert(kv);
      else
        it->second = std::min(it->second, kv.second);
    }
    std::map<std::string, std::size_t> by_rule;
    for (const auto& v : r.violations) by_rule[rule_in(v)]++;
    std::ostringstream os;
    os << label << " " << trace_name(tk) << ": " << r.commands << " commands to cycle " << r.end_cycle
       << ", worst refresh delay " << r.worst_refresh_delay << " (tREFI " << cfg.timing.tREFI << "), "
       << r.violations.size() << " violations";
    for (const auto& kv : by_rule) os << " [" << kv.first << " x" << kv.second << "]";
    INFO(os.str());
    std::ostringstream first;
    std::map<std::string, int> shown;
    for (const auto& v : r.violations)
      if (shown[rule_in(v)]++ < 3) first << "  " << v << "\n";
    INFO("first violations per rule:\n" << first.str());
    CHECK(r.violations.empty());
  }
  return min_slack;
}

// The timing rules a preset's own numbers let bind: tFAW only if four ACTs
// tRRD_S apart span no more than it, tRC only if tRAS + tRP is no longer (at
// equality the limit is reached either way), the other-bank-group rules only
// with bank groups.
std::vector<std::string> binding_rules(const DramConfig& c) {
  const auto& t = c.timing;
  std::vector<std::string> rules = {"tRCD", "tRCDWR", "tRP",    "tRAS", "tRRD_L",       "tCCD_L",          "tCCD_L_WR",
                                    "tRTP", "tWR",    "tWTR_L", "tRTW", "data-overlap", "cmd-bus-overlap", "REF-tRP",
                                    "tRFC"};
  if (t.tFAW >= 4 * t.tRRD_S) rules.push_back("tFAW");
  if (t.tRC >= t.tRAS + t.tRP) rules.push_back("tRC");
  if (c.bank_groups > 1) {
    for (const char* r : {"tRRD_S", "tCCD_S", "tWTR_S"}) rules.push_back(r);
  }
  return rules;
}

void preset_test(const std::string& preset, std::uint64_t seed) {
  for (const PagePolicy pp : {PagePolicy::kOpen, PagePolicy::kClosed}) {
    DramConfig c = one_channel_preset(preset);
    c.page_policy = pp;
    SECTION(preset + (pp == PagePolicy::kOpen ? " open page" : " closed page")) {
      const auto min_slack =
          run_and_check(c, preset + (pp == PagePolicy::kOpen ? " open" : " closed"), kAllTraces, seed);
      // The traces drive the model against every limit that can bind: a
      // rule never met at exactly its limit would be a rule left untested.
      for (const std::string& rule : binding_rules(c)) {
        INFO("rule " << rule);
        REQUIRE(min_slack.count(rule) == 1);
        CHECK(min_slack.at(rule) == 0);
      }
    }
  }
}

}  // namespace

TEST_CASE("DRAM protocol: ddr4-2400", "[dram][protocol]") {
  preset_test("ddr4-2400", 1);
}
TEST_CASE("DRAM protocol: ddr4-3200", "[dram][protocol]") {
  preset_test("ddr4-3200", 2);
}
TEST_CASE("DRAM protocol: ddr5-4800", "[dram][protocol]") {
  preset_test("ddr5-4800", 3);
}
TEST_CASE("DRAM protocol: lpddr4-3200", "[dram][protocol]") {
  preset_test("lpddr4-3200", 4);
}
TEST_CASE("DRAM protocol: lpddr5-6400", "[dram][protocol]") {
  preset_test("lpddr5-6400", 5);
}
TEST_CASE("DRAM protocol: lpddr5x-8533", "[dram][protocol]") {
  preset_test("lpddr5x-8533", 6);
}
TEST_CASE("DRAM protocol: hbm2", "[dram][protocol]") {
  preset_test("hbm2", 7);
}
TEST_CASE("DRAM protocol: hbm3", "[dram][protocol]") {
  preset_test("hbm3", 8);
}

namespace {

const std::vector<TraceKind> kVariantTraces = {TraceKind::kMix, TraceKind::kRowConflict, TraceKind::kWriteHeavy,
                                               TraceKind::kIdleGaps, TraceKind::kLowRate};

void variant_test(const std::string& preset, const std::string& label, std::uint64_t seed, void (*mod)(DramConfig&)) {
  for (const PagePolicy pp : {PagePolicy::kOpen, PagePolicy::kClosed}) {
    DramConfig c = one_channel_preset(preset);
    c.page_policy = pp;
    mod(c);
    qarch::memory::validate_dram_config(c);
    SECTION(preset + " " + label + (pp == PagePolicy::kOpen ? " open page" : " closed page")) {
      run_and_check(c, preset + " " + label + (pp == PagePolicy::kOpen ? " open" : " closed"), kVariantTraces, seed);
    }
  }
}

std::string with_rank(const DramConfig& c) {
  return c.pseudo_channels > 1 ? "ro:ra:ba:co:bg:pc" : "ro:ra:ba:co:bg";
}

}  // namespace

TEST_CASE("DRAM protocol variants: ranks 2", "[dram][protocol][variant]") {
  for (const std::string p : {"ddr4-2400", "hbm2"}) {
    variant_test(p, "ranks2", 11, [](DramConfig& c) {
      c.ranks = 2;
      c.address_mapping = with_rank(c);
    });
  }
}

TEST_CASE("DRAM protocol variants: ranks 4", "[dram][protocol][variant]") {
  variant_test("ddr4-2400", "ranks4", 12, [](DramConfig& c) {
    c.ranks = 4;
    c.address_mapping = with_rank(c);
  });
  // hbm2 with 4 ranks would have 128 banks per channel (limit 64): halve the banks per group.
  variant_test("hbm2", "ranks4-2banks/bg", 12, [](DramConfig& c) {
    c.ranks = 4;
    c.banks_per_group = 2;
    c.address_mapping = with_rank(c);
  });
}

TEST_CASE("DRAM protocol variants: queue depth 4", "[dram][protocol][variant]") {
  for (const std::string p : {"ddr4-2400", "hbm2"})
    variant_test(p, "q4", 13, [](DramConfig& c) { c.read_queue_depth = c.write_queue_depth = 4; });
}

TEST_CASE("DRAM protocol variants: queue depth 64", "[dram][protocol][variant]") {
  for (const std::string p : {"ddr4-2400", "hbm2"})
    variant_test(p, "q64", 14, [](DramConfig& c) { c.read_queue_depth = c.write_queue_depth = 64; });
}

TEST_CASE("DRAM protocol variants: watermarks 0.5/0.4", "[dram][protocol][variant]") {
  for (const std::string p : {"ddr4-2400", "hbm2"})
    variant_test(p, "wm0.5/0.4", 15, [](DramConfig& c) {
      c.write_high_watermark = 0.5;
      c.write_low_watermark = 0.4;
    });
}

TEST_CASE("DRAM protocol variants: XOR address hash", "[dram][protocol][variant]") {
  for (const std::string p : {"ddr4-2400", "hbm2"})
    variant_test(p, "xor", 16, [](DramConfig& c) { c.address_hash = AddressHash::kXor; });
}

TEST_CASE("DRAM protocol variants: large tRTRS, 2 ranks interleaved", "[dram][protocol][variant]") {
  for (const std::string p : {"ddr4-2400", "hbm2"})
    variant_test(p, "tRTRS8", 17, [](DramConfig& c) {
      c.ranks = 2;
      c.timing.tRTRS = 8;
      c.address_mapping = c.pseudo_channels > 1 ? "ro:ba:co:ra:bg:pc" : "ro:ba:co:ra:bg";
    });
}

// ---------------------------------------------------------------------------
// Self-check: mutate real logged streams and require the checker to name the rule.
namespace {

std::map<std::string, int> rule_counts(const DramConfig& c, const std::vector<DramCommand>& log) {
  std::map<std::string, int> m;
  for (const auto& v : check_protocol(c, log).violations) m[rule_of(v)]++;
  return m;
}

// The rules reported more often on `mutated` than on `base`.
std::set<std::string> new_rules(const std::map<std::string, int>& base, const std::map<std::string, int>& mutated) {
  std::set<std::string> s;
  for (const auto& kv : mutated) {
    const auto it = base.find(kv.first);
    if (kv.second > (it == base.end() ? 0 : it->second)) s.insert(kv.first);
  }
  return s;
}

std::vector<DramCommand> sorted(std::vector<DramCommand> log) {
  std::stable_sort(log.begin(), log.end(),
                   [](const DramCommand& a, const DramCommand& b) { return a.cycle < b.cycle; });
  return log;
}

bool same_unit(const DramCommand& a, const DramCommand& b) {
  return a.pseudo_channel == b.pseudo_channel && a.rank == b.rank;
}
bool same_bank(const DramCommand& a, const DramCommand& b) {
  return same_unit(a, b) && a.bank_group == b.bank_group && a.bank == b.bank;
}

std::vector<DramCommand> logged_stream(const DramConfig& c, TraceKind k, int n, std::uint64_t seed) {
  const RunResult r = replay(c, make_trace(c, k, n, seed));
  return r.logs.at(0);
}

// Applies each candidate mutation (a function of the candidate index returning the
// mutated log); every one must make the checker newly report `rule`, and at least
// one must make it report only `rule` (unless the move cannot help breaking a
// neighbouring rule as well).
template <typename Mutate>
void expect_detected(const DramConfig& c, const std::vector<DramCommand>& base, const std::vector<std::size_t>& sites,
                     const std::string& rule, Mutate mutate, bool some_site_breaks_only_that_rule = true) {
  INFO("mutation rule " << rule << ", " << sites.size() << " candidate sites");
  REQUIRE(!sites.empty());
  const auto bc = rule_counts(c, base);
  int exact = 0;
  for (const std::size_t s : sites) {
    const auto mutated = mutate(s);
    const auto nr = new_rules(bc, rule_counts(c, mutated));
    std::string got;
    for (const auto& r : nr) got += r + " ";
    INFO("site " << s << " (" << describe(base[s]) << "): newly reported rules: " << got);
    CHECK(nr.count(rule) == 1);
    if (nr.size() == 1 && nr.count(rule)) ++exact;
  }
  if (some_site_breaks_only_that_rule) CHECK(exact >= 1);
}

constexpr std::size_t kMaxSites = 25;

}  // namespace

TEST_CASE("DRAM protocol checker detects mutated streams", "[dram][protocol][selfcheck]") {
  DramConfig c = one_channel_preset("ddr4-2400");
  c.page_policy = PagePolicy::kOpen;
  const auto& t = c.timing;
  const auto sparse = logged_stream(c, TraceKind::kLowRate, 4000, 99);
  const auto dense = logged_stream(c, TraceKind::kRandRead, 4000, 98);

  SECTION("ACT moved to 1 cycle short of tRCD before its RD") {
    std::vector<std::size_t> sites;
    for (std::size_t i = 0; i < sparse.size() && sites.size() < kMaxSites; ++i) {
      if (sparse[i].kind != Kind::kActivate) continue;
      for (std::size_t j = i + 1; j < sparse.size(); ++j) {
        if (!same_bank(sparse[i], sparse[j])) continue;
        if (sparse[j].kind == Kind::kRead) sites.push_back(i);
        break;
      }
    }
    expect_detected(c, sparse, sites, "tRCD", [&](std::size_t s) {
      auto m = sparse;
      for (std::size_t j = s + 1; j < m.size(); ++j)
        if (same_bank(m[s], m[j])) {
          m[s].cycle = m[j].cycle - std::uint64_t(t.tRCD) + 1;
          break;
        }
      return sorted(m);
    });
  }

  SECTION("PRE dropped") {
    std::vector<std::size_t> sites;
    for (std::size_t i = 0; i < sparse.size() && sites.size() < kMaxSites; ++i) {
      if (sparse[i].kind != Kind::kPrecharge) continue;
      for (std::size_t j = i + 1; j < sparse.size(); ++j) {
        const auto& x = sparse[j];
        if ((x.kind == Kind::kPrechargeAll || x.kind == Kind::kRefresh) && same_unit(x, sparse[i])) break;
        if (same_bank(x, sparse[i])) {
          if (x.kind == Kind::kActivate) sites.push_back(i);
          break;
        }
      }
    }
    expect_detected(c, sparse, sites, "state-ACT-open", [&](std::size_t s) {
      auto m = sparse;
      m.erase(m.begin() + std::ptrdiff_t(s));
      return m;
    });
  }

  SECTION("RD moved onto another bank") {
    // Target: the next bank of the same bank group; the expected rule depends on
    // whether that bank is closed (state-RW-closed) or open with another row.
    for (const std::string rule : {"state-RW-closed", "state-RW-row"}) {
      std::vector<std::size_t> sites;
      for (std::size_t i = 0; i < sparse.size() && sites.size() < kMaxSites; ++i) {
        if (sparse[i].kind != Kind::kRead || sparse[i].auto_precharge) continue;
        DramCommand target = sparse[i];
        target.bank = std::uint8_t((target.bank + 1) % c.banks_per_group);
        bool open = false;
        std::uint32_t row = 0;
        for (std::size_t j = 0; j < i; ++j) {
          const auto& x = sparse[j];
          if ((x.kind == Kind::kPrechargeAll || x.kind == Kind::kRefresh) && same_unit(x, target)) open = false;
          if (!same_bank(x, target)) continue;
          if (x.kind == Kind::kActivate) open = true, row = x.row;
          if (x.kind == Kind::kPrecharge || x.auto_precharge) open = false;
        }
        if (rule == "state-RW-closed" ? !open : (open && row != sparse[i].row)) sites.push_back(i);
      }
      expect_detected(c, sparse, sites, rule, [&](std::size_t s) {
        auto m = sparse;
        m[s].bank = std::uint8_t((m[s].bank + 1) % c.banks_per_group);
        return m;
      });
    }
  }

  SECTION("two ACTs closer than tRRD_S") {
    std::vector<std::size_t> sites;
    for (std::size_t i = 0; i < dense.size() && sites.size() < kMaxSites; ++i) {
      if (dense[i].kind != Kind::kActivate) continue;
      for (std::size_t j = i + 1; j < dense.size(); ++j) {
        if (dense[j].kind != Kind::kActivate || !same_unit(dense[i], dense[j])) continue;
        if (dense[j].bank_group != dense[i].bank_group) sites.push_back(j);
        break;
      }
    }
    expect_detected(c, dense, sites, "tRRD_S", [&](std::size_t s) {
      auto m = dense;
      for (std::size_t i = s; i-- > 0;)
        if (m[i].kind == Kind::kActivate && same_unit(m[i], m[s])) {
          m[s].cycle = m[i].cycle + std::uint64_t(t.tRRD_S) - 1;
          break;
        }
      return sorted(m);
    });
  }

  SECTION("fifth ACT inside tFAW") {
    std::vector<std::size_t> sites;
    std::vector<std::size_t> acts;
    for (std::size_t i = 0; i < dense.size(); ++i)
      if (dense[i].kind == Kind::kActivate) acts.push_back(i);  // one unit (1 rank, 1 pc)
    for (std::size_t k = 4; k < acts.size() && sites.size() < kMaxSites; ++k) {
      const std::uint64_t a1 = dense[acts[k - 4]].cycle, a4 = dense[acts[k - 1]].cycle;
      const std::uint64_t at = a1 + std::uint64_t(t.tFAW) - 1;
      if (at >= a4 + std::uint64_t(t.tRRD_L) && dense[acts[k]].cycle > at) sites.push_back(acts[k]);
    }
    expect_detected(c, dense, sites, "tFAW", [&](std::size_t s) {
      auto m = dense;
      int seen = 0;
      for (std::size_t i = s; i-- > 0;)
        if (m[i].kind == Kind::kActivate && ++seen == 4) {
          m[s].cycle = m[i].cycle + std::uint64_t(t.tFAW) - 1;
          break;
        }
      return sorted(m);
    });
  }

  SECTION("REF with a bank open (its PRE/PREA dropped)") {
    std::vector<std::size_t> sites;
    for (std::size_t i = 0; i < sparse.size() && sites.size() < kMaxSites; ++i) {
      if (sparse[i].kind != Kind::kRefresh) continue;
      for (std::size_t j = i; j-- > 0;) {
        if (sparse[j].kind == Kind::kActivate) {
          sites.push_back(i);
          break;
        }
        if (sparse[j].kind == Kind::kRefresh) break;
      }
    }
    expect_detected(c, sparse, sites, "REF-bank-open", [&](std::size_t s) {
      auto m = sparse;
      std::size_t act = s;
      while (m[act].kind != Kind::kActivate) --act;
      std::vector<DramCommand> out;
      for (std::size_t j = 0; j < m.size(); ++j) {
        const bool closes =
            m[j].kind == Kind::kPrechargeAll || (m[j].kind == Kind::kPrecharge && same_bank(m[j], m[act]));
        if (j > act && j < s && closes) continue;
        out.push_back(m[j]);
      }
      return out;
    });
  }

  SECTION("a command moved to 1 cycle short of a two-command rule") {
    // Each rule: which later command, the earlier one that binds it (the most
    // recent match, unless a command that would bind it instead comes
    // first) and the gap it needs; the later command is moved to 1 cycle
    // short of that gap.
    using Match = std::function<bool(const DramCommand& earlier, const DramCommand& later)>;
    struct Rule {
      const char* name;
      Kind later;
      Match binds, stops;
      std::int64_t need;
      // ddr4-2400: a PRE 1 short of tRTP is also short of tRAS here (each
      // RD came tRCD after its ACT); tCCD_S = 4 = the burst, so 1 short of
      // it the data overlaps too.
      bool alone = true;
    };
    const auto in_bank = [](Kind k) {
      return [k](const DramCommand& e, const DramCommand& l) { return e.kind == k && same_bank(e, l); };
    };
    const auto in_unit = [](Kind k, bool same_group) {
      return [k, same_group](const DramCommand& e, const DramCommand& l) {
        return e.kind == k && same_unit(e, l) && (e.bank_group == l.bank_group) == same_group;
      };
    };
    const Match never = [](const DramCommand&, const DramCommand&) { return false; };
    const Match bank_or_refresh = [](const DramCommand& e, const DramCommand& l) {
      return same_bank(e, l) || ((e.kind == Kind::kPrechargeAll || e.kind == Kind::kRefresh) && same_unit(e, l));
    };
    const std::int64_t burst = c.burst_cycles();
    const std::vector<Rule> rules = {
        {"tRP", Kind::kActivate, in_bank(Kind::kPrecharge), bank_or_refresh, t.tRP},
        {"tRAS", Kind::kPrecharge, in_bank(Kind::kActivate), never, t.tRAS},
        {"tRTP", Kind::kPrecharge, in_bank(Kind::kRead), in_bank(Kind::kActivate), t.tRTP, false},
        {"tWR", Kind::kPrecharge, in_bank(Kind::kWrite), in_bank(Kind::kActivate), t.CWL + burst + t.tWR},
        {"tCCD_S", Kind::kRead, in_unit(Kind::kRead, false), in_unit(Kind::kRead, true), t.tCCD_S, false},
        {"tWTR_S", Kind::kRead, in_unit(Kind::kWrite, false), in_unit(Kind::kWrite, true), t.CWL + burst + t.tWTR_S},
        {"tRFC", Kind::kActivate,
         [](const DramCommand& e, const DramCommand& l) { return e.kind == Kind::kRefresh && same_unit(e, l); }, never,
         t.tRFC},
    };
    for (const Rule& rule : rules) {
      const auto earlier_of = [&](std::size_t i) -> std::ptrdiff_t {
        for (std::size_t j = i; j-- > 0;) {
          if (rule.binds(sparse[j], sparse[i])) return std::ptrdiff_t(j);
          if (rule.stops(sparse[j], sparse[i])) return -1;
        }
        return -1;
      };
      std::vector<std::size_t> sites;
      for (std::size_t i = 0; i < sparse.size() && sites.size() < kMaxSites; ++i) {
        if (sparse[i].kind == rule.later && !sparse[i].auto_precharge && earlier_of(i) >= 0) sites.push_back(i);
      }
      expect_detected(
          c, sparse, sites, rule.name,
          [&](std::size_t s) {
            auto m = sparse;
            m[s].cycle = sparse[std::size_t(earlier_of(s))].cycle + std::uint64_t(rule.need) - 1;
            return sorted(m);
          },
          rule.alone);
    }
  }

  SECTION("a REF dropped: the next one of its unit is late") {
    std::vector<std::size_t> sites;
    std::size_t last_ref = 0;
    for (std::size_t i = 0; i < sparse.size(); ++i) {
      if (sparse[i].kind == Kind::kRefresh) last_ref = i;
    }
    for (std::size_t i = 0; i < last_ref && sites.size() < kMaxSites; ++i) {
      if (sparse[i].kind == Kind::kRefresh) sites.push_back(i);  // one unit: a later REF follows
    }
    expect_detected(c, sparse, sites, "refresh-late", [&](std::size_t s) {
      auto m = sparse;
      m.erase(m.begin() + std::ptrdiff_t(s));
      return m;
    });
  }

  SECTION("a RD moved onto the command bus cycle of the ACT before it") {
    std::vector<std::size_t> sites;
    for (std::size_t i = 1; i < sparse.size() && sites.size() < kMaxSites; ++i) {
      if (sparse[i].kind == Kind::kRead && sparse[i - 1].kind == Kind::kActivate &&
          sparse[i].cycle == sparse[i - 1].cycle + 1)
        sites.push_back(i);
    }
    // In this low-rate traffic each such RD follows its own ACT by exactly
    // tRCD, so a cycle earlier it also breaks tRCD.
    expect_detected(
        c, sparse, sites, "cmd-bus-overlap",
        [&](std::size_t s) {
          auto m = sparse;
          m[s].cycle = m[s - 1].cycle;
          return m;
        },
        false);
  }

  SECTION("overlapping data bursts (two ranks)") {
    DramConfig c2 = c;
    c2.ranks = 2;
    c2.address_mapping = "ro:ba:co:ra:bg";
    const auto two = logged_stream(c2, TraceKind::kRandRead, 4000, 97);
    std::vector<std::size_t> sites;
    for (std::size_t i = 0; i < two.size() && sites.size() < kMaxSites; ++i) {
      if (two[i].kind != Kind::kRead) continue;
      for (std::size_t j = i + 1; j < two.size(); ++j) {
        if (two[j].kind != Kind::kRead && two[j].kind != Kind::kWrite) continue;
        if (two[j].kind == Kind::kRead && two[j].rank != two[i].rank &&
            two[j].cycle > two[i].cycle + std::uint64_t(c2.burst_cycles()) - 1)
          sites.push_back(j);
        break;
      }
    }
    expect_detected(c2, two, sites, "data-overlap", [&](std::size_t s) {
      auto m = two;
      for (std::size_t i = s; i-- > 0;)
        if (m[i].kind == Kind::kRead) {
          m[s].cycle = m[i].cycle + std::uint64_t(c2.burst_cycles()) - 1;
          break;
        }
      return sorted(m);
    });
  }
}

// Beyond the brief's 1-channel setups: hbm3 with 4 channels (per-channel logs,
// requests routed to the decoded channel).
TEST_CASE("DRAM protocol variants: hbm3 4 channels", "[dram][protocol][variant]") {
  for (const PagePolicy pp : {PagePolicy::kOpen, PagePolicy::kClosed}) {
    DramConfig c = qarch::memory::dram_preset("hbm3");
    c.channels = 4;
    c.page_policy = pp;
    qarch::memory::validate_dram_config(c);
    SECTION(std::string("hbm3 ch4") + (pp == PagePolicy::kOpen ? " open page" : " closed page")) {
      run_and_check(c, std::string("hbm3 ch4") + (pp == PagePolicy::kOpen ? " open" : " closed"),
                    {TraceKind::kMix, TraceKind::kIdleGaps}, 18);
    }
  }
}

TEST_CASE("a copy of a DRAM system runs on without adding to the original's command log") {
  // DramTarget runs copies of its channels ahead to find when transfers end:
  // those commands are not issued, so they must not be logged.
  RecordingSink sink;
  DramSystem sys(one_channel_preset("ddr4-2400"), &sink);
  std::vector<DramCommand> log;
  sys.set_command_log(0, &log);
  sys.accept_burst(0, false, 0, 0);
  DramSystem copy = sys;
  copy.drain();
  CHECK(copy.counters().read_bursts == 1);
  CHECK(log.empty());
  sys.drain();
  REQUIRE(log.size() == 2);  // ACT, RD
  CHECK(log[0].kind == Kind::kActivate);
  CHECK(log[1].kind == Kind::kRead);
}

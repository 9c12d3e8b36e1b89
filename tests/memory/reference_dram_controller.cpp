#include "tests/memory/reference_dram_controller.h"

#include <algorithm>
#include <stdexcept>

namespace qarch::memory::testing {

using Kind = DramCommand::Kind;

ReferenceDramController::ReferenceDramController(const DramConfig& c) : cfg_(c) {
  bank_groups_ = c.bank_groups;
  banks_per_group_ = c.banks_per_group;
  banks_per_unit_ = bank_groups_ * banks_per_group_;
  unit_count_ = c.pseudo_channels * c.ranks;
  bank_count_ = unit_count_ * banks_per_unit_;
  rtw_ = std::max<i64>(0, c.timing.CL + c.burst_cycles() + 2 - c.timing.CWL);
  banks_.resize(bank_count_);
  groups_.resize(unit_count_ * bank_groups_);
  units_.resize(unit_count_);
  for (auto& u : units_) u.next_due = c.timing.tREFI;
  pc_end_.assign(c.pseudo_channels, kNeg);
  pc_rank_.assign(c.pseudo_channels, -1);
}

void ReferenceDramController::set_bus(bool row, i64 free_at) {
  // One shared bus unless split_command_bus: then both "buses" are the same.
  if (!cfg_.split_command_bus) {
    row_bus_ = col_bus_ = free_at;
  } else if (row) {
    row_bus_ = free_at;
  } else {
    col_bus_ = free_at;
  }
}

void ReferenceDramController::update_mode() {
  const int qr = int(q_[0].size()), qw = int(q_[1].size());
  const int high = int(cfg_.write_high_watermark * cfg_.write_queue_depth);
  const int low = int(cfg_.write_low_watermark * cfg_.write_queue_depth);
  if (!write_mode_) {
    if (qw > high || (qr == 0 && qw > 0)) write_mode_ = true;
  } else {
    if ((qw < low || qw == 0) && qr > 0) write_mode_ = false;
  }
}

ReferenceDramController::i64 ReferenceDramController::pre_ready(const Bank& b) const {
  const auto& t = cfg_.timing;
  i64 r = b.act + t.tRAS;
  r = std::max(r, b.last_rd + t.tRTP);
  r = std::max(r, b.last_wr + t.CWL + cfg_.burst_cycles() + t.tWR);
  return r;
}

ReferenceDramController::i64 ReferenceDramController::act_ready(int bi) const {
  const auto& t = cfg_.timing;
  const Bank& b = banks_[bi];
  const Unit& u = units_[bi / banks_per_unit_];
  const Group& g = groups_[bi / banks_per_group_];
  i64 r = std::max(now_, row_bus_);
  r = std::max(r, b.pre + t.tRP);
  r = std::max(r, b.act + t.tRC);
  r = std::max(r, u.last_ref + t.tRFC);
  r = std::max(r, g.last_act + t.tRRD_L);
  r = std::max(r, u.last_act + t.tRRD_S);
  if (u.acts.size() >= 4) r = std::max(r, u.acts[u.acts.size() - 4] + t.tFAW);
  return r;
}

ReferenceDramController::i64 ReferenceDramController::col_ready(int bi, bool w) const {
  const auto& t = cfg_.timing;
  const Bank& b = banks_[bi];
  const int unit = bi / banks_per_unit_;
  const Unit& u = units_[unit];
  const Group& g = groups_[bi / banks_per_group_];
  const int pc = unit / cfg_.ranks, rank = unit % cfg_.ranks;
  i64 r = std::max(now_, col_bus_);
  i64 bus_end = pc_end_[pc];
  if (pc_rank_[pc] >= 0 && pc_rank_[pc] != rank) bus_end += t.tRTRS;
  if (!w) {
    r = std::max(r, b.act + t.tRCD);
    r = std::max(r, g.last_rd + t.tCCD_L);
    r = std::max(r, g.last_wr_end + t.tWTR_L);
    r = std::max(r, u.last_rd + t.tCCD_S);
    r = std::max(r, u.last_wr_end + t.tWTR_S);
    r = std::max(r, bus_end - t.CL);
  } else {
    r = std::max(r, b.act + t.tRCDWR);
    r = std::max(r, g.last_wr + t.tCCD_L_WR);
    r = std::max(r, u.last_wr + t.tCCD_S);
    r = std::max(r, u.last_rd + rtw_);
    r = std::max(r, bus_end - t.CWL);
  }
  return r;
}

ReferenceDramController::Candidate ReferenceDramController::best() {
  update_mode();
  const int dir = write_mode_ ? 1 : 0;
  Candidate bestc;
  auto consider = [&](const Candidate& c) {
    if (c.less(bestc)) bestc = c;
  };
  // Per bank: oldest request of dir, oldest hit of the open row.
  std::vector<int> oldest(bank_count_, -1), hit(bank_count_, -1);
  for (int i = 0; i < int(q_[dir].size()); ++i) {
    const Req& r = q_[dir][i];
    if (oldest[r.bank] < 0) oldest[r.bank] = i;
    const Bank& b = banks_[r.bank];
    if (b.open && b.row == r.a.row && hit[r.bank] < 0) hit[r.bank] = i;
  }
  for (int bi = 0; bi < bank_count_; ++bi) {
    const Bank& b = banks_[bi];
    const Unit& u = units_[bi / banks_per_unit_];
    Candidate c;
    c.valid = true;
    c.idx = bi;
    if (b.has_active) {
      c.kind = CandidateKind::kCol;
      c.cls = 0;
      c.seq = b.active.seq;
      c.cycle = col_ready(bi, b.active.w);
      consider(c);
      continue;
    }
    if (u.pending) continue;
    if (oldest[bi] < 0) continue;
    if (!b.open) {
      c.kind = CandidateKind::kAct;
      c.cls = 3;
      c.qdir = dir;
      c.qpos = oldest[bi];
      c.seq = q_[dir][oldest[bi]].seq;
      c.cycle = act_ready(bi);
    } else if (hit[bi] >= 0) {
      c.kind = CandidateKind::kCol;
      c.cls = 2;
      c.qdir = dir;
      c.qpos = hit[bi];
      c.seq = q_[dir][hit[bi]].seq;
      c.cycle = col_ready(bi, dir == 1);
    } else {
      c.kind = CandidateKind::kPre;
      c.cls = 3;
      c.qdir = dir;
      c.qpos = oldest[bi];
      c.seq = q_[dir][oldest[bi]].seq;
      c.cycle = std::max({now_, row_bus_, pre_ready(b)});
    }
    consider(c);
  }
  const auto& t = cfg_.timing;
  for (int ui = 0; ui < unit_count_; ++ui) {
    const Unit& u = units_[ui];
    Candidate c;
    c.valid = true;
    c.cls = 1;
    c.seq = 0;
    c.idx = ui;
    if (!u.pending) {
      c.kind = CandidateKind::kDue;
      c.cycle = std::max(now_, u.next_due);
      consider(c);
      continue;
    }
    bool active = false, any_open = false;
    for (int k = 0; k < banks_per_unit_; ++k) {
      const Bank& b = banks_[ui * banks_per_unit_ + k];
      active |= b.has_active;
      any_open |= b.open;
    }
    if (active) continue;
    i64 r = std::max(now_, row_bus_);
    if (any_open) {
      c.kind = CandidateKind::kPrea;
      for (int k = 0; k < banks_per_unit_; ++k) {
        const Bank& b = banks_[ui * banks_per_unit_ + k];
        if (b.open) r = std::max(r, pre_ready(b));
      }
    } else {
      c.kind = CandidateKind::kRef;
      for (int k = 0; k < banks_per_unit_; ++k) {
        const Bank& b = banks_[ui * banks_per_unit_ + k];
        r = std::max(r, b.pre + t.tRP);
        r = std::max(r, b.act + t.tRC);
      }
      r = std::max(r, u.last_ref + t.tRFC);
    }
    c.cycle = r;
    consider(c);
  }
  return bestc;
}

void ReferenceDramController::issue(const Candidate& c) {
  const auto& t = cfg_.timing;
  now_ = c.cycle;
  const i64 tc = c.cycle;
  DramCommand cmd;
  cmd.cycle = std::uint64_t(tc);
  auto set_unit = [&](int ui) {
    cmd.pseudo_channel = std::uint8_t(ui / cfg_.ranks);
    cmd.rank = std::uint8_t(ui % cfg_.ranks);
  };
  auto set_bank = [&](int bi) {
    set_unit(bi / banks_per_unit_);
    cmd.bank_group = std::uint8_t((bi / banks_per_group_) % bank_groups_);
    cmd.bank = std::uint8_t(bi % banks_per_group_);
  };
  switch (c.kind) {
    case CandidateKind::kDue: units_[c.idx].pending = true; return;
    case CandidateKind::kPrea: {
      for (int k = 0; k < banks_per_unit_; ++k) {
        Bank& b = banks_[c.idx * banks_per_unit_ + k];
        if (b.open) close(b, tc);
      }
      set_bus(true, tc + 1);
      cmd.kind = Kind::kPrechargeAll;
      set_unit(c.idx);
      log.push_back(cmd);
      return;
    }
    case CandidateKind::kRef: {
      Unit& u = units_[c.idx];
      u.pending = false;
      u.next_due += t.tREFI;
      u.last_ref = tc;
      ++counters.refreshes;
      set_bus(true, tc + 1);
      cmd.kind = Kind::kRefresh;
      set_unit(c.idx);
      log.push_back(cmd);
      return;
    }
    case CandidateKind::kAct: {
      Req r = q_[c.qdir][c.qpos];
      q_[c.qdir].erase(q_[c.qdir].begin() + c.qpos);
      Bank& b = banks_[c.idx];
      b.open = true;
      b.row = r.a.row;
      b.act = tc;
      b.has_active = true;
      b.active = r;
      ++counters.activates;
      Unit& u = units_[c.idx / banks_per_unit_];
      u.last_act = tc;
      u.acts.push_back(tc);
      groups_[c.idx / banks_per_group_].last_act = tc;
      set_bus(true, tc + cfg_.act_command_cycles);
      cmd.kind = Kind::kActivate;
      set_bank(c.idx);
      cmd.row = r.a.row;
      cmd.tag = r.tag;
      log.push_back(cmd);
      return;
    }
    case CandidateKind::kPre: {
      Bank& b = banks_[c.idx];
      cmd.row = b.row;
      close(b, tc);
      set_bus(true, tc + 1);
      cmd.kind = Kind::kPrecharge;
      set_bank(c.idx);
      log.push_back(cmd);
      return;
    }
    case CandidateKind::kCol: {
      Bank& b = banks_[c.idx];
      Req r;
      if (c.qdir < 0) {
        r = b.active;
        b.has_active = false;
        ++counters.row_misses;
      } else {
        ++counters.row_hits;
        r = q_[c.qdir][c.qpos];
        q_[c.qdir].erase(q_[c.qdir].begin() + c.qpos);
      }
      const int unit = c.idx / banks_per_unit_;
      Unit& u = units_[unit];
      Group& g = groups_[c.idx / banks_per_group_];
      const int pc = unit / cfg_.ranks;
      const int bc = cfg_.burst_cycles();
      ++(r.w ? counters.write_bursts : counters.read_bursts);
      if (!r.w) {
        b.last_rd = g.last_rd = u.last_rd = tc;
        pc_end_[pc] = tc + t.CL + bc;
        done.push_back({r.tag, std::uint64_t(tc + t.CL + bc), false});
      } else {
        b.last_wr = g.last_wr = u.last_wr = tc;
        g.last_wr_end = u.last_wr_end = tc + t.CWL + bc;
        pc_end_[pc] = tc + t.CWL + bc;
        done.push_back({r.tag, std::uint64_t(tc + t.CWL + bc), true});
      }
      pc_rank_[pc] = unit % cfg_.ranks;
      set_bus(false, tc + cfg_.cas_command_cycles);
      cmd.kind = r.w ? Kind::kWrite : Kind::kRead;
      set_bank(c.idx);
      cmd.row = b.row;
      cmd.tag = r.tag;
      if (cfg_.page_policy == PagePolicy::kClosed) {
        bool more = false;
        for (int d = 0; d < 2; ++d)
          for (const Req& q : q_[d])
            if (q.bank == c.idx && q.a.row == b.row) more = true;
        if (!more) {
          cmd.auto_precharge = true;
          close(b, pre_ready(b));
        }
      }
      log.push_back(cmd);
      return;
    }
  }
}

void ReferenceDramController::close(Bank& b, i64 precharge_cycle) {
  ++counters.precharges;
  b.open = false;
  b.pre = precharge_cycle;
}

void ReferenceDramController::run_before(i64 c) {
  for (;;) {
    Candidate b = best();
    if (!b.valid || b.cycle >= c) return;
    issue(b);
  }
}

std::uint64_t ReferenceDramController::accept(const DramAddress& a, bool is_write, std::uint64_t cycle,
                                              std::uint64_t tag) {
  i64 c = i64(cycle);
  const int d = is_write ? 1 : 0;
  const int depth = is_write ? cfg_.write_queue_depth : cfg_.read_queue_depth;
  for (;;) {
    run_before(c);
    if (int(q_[d].size()) < depth) break;
    Candidate b = best();
    if (!b.valid) throw std::logic_error("full queue and no event");
    c = std::max(c, b.cycle + 1);
  }
  now_ = std::max(now_, c);
  Req r;
  r.seq = seq_++;
  r.tag = tag;
  r.w = is_write;
  r.a = a;
  const int unit = int(a.pseudo_channel) * cfg_.ranks + int(a.rank);
  r.bank = (unit * bank_groups_ + int(a.bank_group)) * banks_per_group_ + int(a.bank);
  q_[d].push_back(r);
  update_mode();
  return std::uint64_t(c);
}

void ReferenceDramController::drain() {
  auto busy = [&] {
    if (!q_[0].empty() || !q_[1].empty()) return true;
    for (auto& b : banks_)
      if (b.has_active) return true;
    return false;
  };
  while (busy()) issue(best());
}

void ReferenceDramController::run_until(std::uint64_t cycle) {
  run_before(i64(cycle));
}

}  // namespace qarch::memory::testing

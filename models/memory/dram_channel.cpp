#include "models/memory/dram_channel.h"

#include <algorithm>
#include <cassert>

namespace qarch::memory {

DramCounters& DramCounters::operator+=(const DramCounters& o) {
  read_bursts += o.read_bursts;
  write_bursts += o.write_bursts;
  activates += o.activates;
  precharges += o.precharges;
  refreshes += o.refreshes;
  row_hits += o.row_hits;
  row_misses += o.row_misses;
  return *this;
}

DramChannel::DramChannel(const DramConfig& c, DramBurstSink* sink) {
  // Configuration, in cycles (members of the DramChannelState base: assigned).
  t_ = c.timing;
  burst_cycles_ = c.burst_cycles();
  act_cycles_ = c.act_command_cycles;
  cas_cycles_ = c.cas_command_cycles;
  rtw_ = std::uint64_t(std::max(0, c.timing.CL + c.burst_cycles() + 2 - c.timing.CWL));
  closed_page_ = c.page_policy == PagePolicy::kClosed;
  ranks_ = c.ranks;
  bank_groups_per_unit_ = c.bank_groups;
  banks_per_group_ = c.banks_per_group;
  banks_per_unit_ = c.bank_groups * c.banks_per_group;
  units_ = c.pseudo_channels * c.ranks;
  depth_[0] = c.read_queue_depth;
  depth_[1] = c.write_queue_depth;
  write_high_ = int(c.write_high_watermark * c.write_queue_depth);
  write_low_ = int(c.write_low_watermark * c.write_queue_depth);
  sink_ = sink;
  col_bus_ = c.split_command_bus ? 1 : 0;
  const int banks = c.banks_per_channel();
  assert(banks <= kMaxBanks);
  std::fill(std::begin(open_row_), std::end(open_row_), -1);
  std::fill(std::begin(active_entry_), std::end(active_entry_), kNone);
  // All-bank refresh once per tREFI per rank / pseudo-channel, first at tREFI
  // (as Ramulator 2's AllBank refresh manager).
  for (int u = 0; u < units_; ++u) {
    refresh_due_[u] = std::uint64_t(t_.tREFI);
    for (int b = 0; b < banks_per_unit_; ++b) {
      unit_bank_mask_[u] |= std::uint64_t{1} << (u * banks_per_unit_ + b);
    }
    unit_pc_[u] = std::uint8_t(u / ranks_);
    unit_rank_[u] = std::uint8_t(u % ranks_);
  }
  // No burst yet: the data buses constrain no rank (unit_own_ready_ stays 0)
  // until the first one; bus_rank_ means nothing before it.
  note_next_refresh();
  // Activated requests leave the queue for a per-bank active slot.
  const int slots = depth_[0] + depth_[1] + banks;
  entries_.resize(slots);
  free_slots_.reserve(slots);
  for (int i = slots - 1; i >= 0; --i) free_slots_.push_back(i);
  for (int b = 0; b < kMaxBanks; ++b) {
    cand_ready_[b] = kNever;
    cand_priority_[b] = ~std::uint64_t{0};
    cand_entry_[b] = kNone;
    cand_kind_[b] = kCandPrecharge;
    cand_unit_slot_[b] = cand_group_slot_[b] = 0;
  }
  for (int b = 0; b < banks; ++b) {
    bank_group_of_[b] = std::uint8_t(b / banks_per_group_);
    bank_unit_of_[b] = std::uint8_t(b / banks_per_unit_);
  }
}

void DramChannel::enqueue(const DramAddress& a, bool is_write, std::uint64_t cycle,
                          std::uint64_t tag) {
  assert(has_room(is_write) && cycle >= now_);
  now_ = cycle;
  const int unit = int(a.pseudo_channel) * ranks_ + int(a.rank);
  const int bank = (unit * bank_groups_per_unit_ + int(a.bank_group)) * banks_per_group_ +
                   int(a.bank);
  const std::int32_t e = free_slots_.back();
  free_slots_.pop_back();
  ListEnds& list = lists_[is_write][bank];
  entries_[e] = Entry{next_seq_++, tag, a.row, list.tail, kNone, std::uint16_t(bank), is_write, false};
  if (list.tail != kNone) {
    entries_[list.tail].next = e;
  } else {
    list.head = e;
  }
  list.tail = e;
  bank_mask_[is_write] |= std::uint64_t{1} << bank;
  ++queued_[is_write];
  if (open_row_[bank] == std::int64_t(a.row)) ++hit_count_[is_write][bank];
  dirty_mask_ |= std::uint64_t{1} << bank;
  if (!plan_valid_) return;
  // Keep the plan unless the new request can change it: a mode switch or a
  // request to the planned bank (it may now be a hit that forbids the PRE)
  // replan; otherwise only the new request's bank competes with the plan.
  if (update_write_mode() || (plan_.entry != kNone && plan_.bank == bank)) {
    dirty_mask_ = ~std::uint64_t{0};
    plan_valid_ = false;
    return;
  }
  if (is_write != write_mode_ || (pending_bank_mask_ >> bank & 1)) return;
  refresh_candidate(bank);
  dirty_mask_ &= ~(std::uint64_t{1} << bank);
  const std::uint64_t t = candidate_cycle(bank, unit_ready(cand_kind_[bank], unit));
  if (order(t, cand_priority_[bank]) < order(plan_.cycle, plan_.priority)) set_bank_plan(bank, t);
}

void DramChannel::unlink(std::int32_t e) {
  Entry& x = entries_[e];
  ListEnds& list = lists_[x.is_write][x.bank];
  if (x.prev != kNone) entries_[x.prev].next = x.next; else list.head = x.next;
  if (x.next != kNone) entries_[x.next].prev = x.prev; else list.tail = x.prev;
  if (list.head == kNone) bank_mask_[x.is_write] &= ~(std::uint64_t{1} << x.bank);
  dirty_mask_ |= std::uint64_t{1} << x.bank;
  if (x.activated) {
    active_entry_[x.bank] = kNone;
    active_mask_ &= ~(std::uint64_t{1} << x.bank);
  } else {
    --queued_[x.is_write];
    if (open_row_[x.bank] == std::int64_t(x.row)) --hit_count_[x.is_write][x.bank];
  }
  free_slots_.push_back(e);
}

inline bool DramChannel::update_write_mode() {
  // Ramulator 2.1 GenericDDR set_write_mode(), in whole entries.
  const bool before = write_mode_;
  if (!write_mode_) {
    if (queued_[1] > write_high_ || (queued_[0] == 0 && queued_[1] > 0)) write_mode_ = true;
  } else if ((queued_[1] < write_low_ || queued_[1] == 0) && queued_[0] > 0) {
    write_mode_ = false;
  }
  return write_mode_ != before;
}

void DramChannel::compute_unit_ready() {
  const std::uint64_t row_bus = later(now_, cmd_free_[0]);
  const std::uint64_t column_bus = later(now_, cmd_free_[col_bus_]);
  for (int u = 0; u < units_; ++u) {
    unit_ready_[kCandActivate][u] = later(row_bus, unit_own_ready_[kCandActivate][u]);
    unit_ready_[kCandPrecharge][u] = row_bus;
    unit_ready_[kCandRead][u] = later(column_bus, unit_own_ready_[kCandRead][u]);
    unit_ready_[kCandWrite][u] = later(column_bus, unit_own_ready_[kCandWrite][u]);
  }
}

void DramChannel::note_unit_activate_ready(int unit) {
  // The fifth ACT waits for the fourth-last one + tFAW.
  unit_own_ready_[kCandActivate][unit] = later(unit_next_act_[unit], faw_[unit][faw_pos_[unit]]);
}

void DramChannel::note_pc_column_ready(int pc) {
  for (int u = pc * ranks_; u < (pc + 1) * ranks_; ++u) {
    const std::uint64_t bus = data_bus_ready(u);
    unit_own_ready_[kCandRead][u] = later(unit_next_rd_[u], before_data_bus(bus, std::uint64_t(t_.CL)));
    unit_own_ready_[kCandWrite][u] = later(unit_next_wr_[u], before_data_bus(bus, std::uint64_t(t_.CWL)));
  }
}

void DramChannel::refresh_candidate(int bank) {
  const bool dir = write_mode_;
  const std::int32_t active = active_entry_[bank];
  const std::int32_t head = lists_[dir][bank].head;
  const std::int64_t row = open_row_[bank];
  std::uint64_t local, prio;
  std::int32_t entry;
  int kind;
  if (active != kNone) {
    const bool w = entries_[active].is_write;
    kind = w ? kCandWrite : kCandRead;
    local = w ? bank_next_wr_[bank] : bank_next_rd_[bank];
    prio = priority(0, entries_[active].seq, bank);
    entry = active;
  } else if (head == kNone) {
    kind = kCandPrecharge;
    local = kNever;
    prio = ~std::uint64_t{0};
    entry = kNone;
  } else if (row < 0) {
    kind = kCandActivate;
    local = later(bank_next_act_[bank], unit_refresh_end_[bank_unit_of_[bank]]);
    prio = priority(3, entries_[head].seq, bank);
    entry = head;
  } else if (hit_count_[dir][bank] > 0) {
    std::int32_t hit = head;
    while (entries_[hit].activated || entries_[hit].row != std::uint32_t(row)) hit = entries_[hit].next;
    kind = dir ? kCandWrite : kCandRead;
    local = dir ? bank_next_wr_[bank] : bank_next_rd_[bank];
    prio = priority(2, entries_[hit].seq, bank);
    entry = hit;
  } else {
    kind = kCandPrecharge;
    local = bank_next_pre_[bank];
    prio = priority(3, entries_[head].seq, bank);
    entry = head;
  }
  cand_priority_[bank] = prio;
  cand_entry_[bank] = entry;
  cand_kind_[bank] = std::uint8_t(kind);
  cand_unit_slot_[bank] = std::uint8_t(kind * kMaxUnits + bank_unit_of_[bank]);
  cand_group_slot_[bank] = std::uint8_t(kind * kMaxGroups + bank_group_of_[bank]);
  cand_ready_[bank] = later(local, group_ready_flat()[cand_group_slot_[bank]]);
}

void DramChannel::plan_pending_refresh() {
  // Refresh: becomes pending at its due cycle and then blocks the unit's
  // requests (not the activated ones); PREA closes the open banks, then REF.
  // The earliest refresh event wins; among equal cycles the lowest unit.
  std::uint64_t refresh_cycle = kNever;
  int refresh_unit = 0;
  Kind refresh_kind = Kind::kRefreshDue;
  for (int u = 0; u < units_; ++u) {
    if (!refresh_pending_[u] && refresh_due_[u] <= now_) {
      refresh_pending_[u] = true;
      pending_bank_mask_ |= unit_bank_mask_[u];
    }
    if (!refresh_pending_[u]) {
      if (refresh_due_[u] < refresh_cycle) {
        refresh_cycle = refresh_due_[u];
        refresh_unit = u;
        refresh_kind = Kind::kRefreshDue;
      }
    } else if ((active_mask_ & unit_bank_mask_[u]) == 0) {  // PREA would close their rows
      std::uint64_t t = later(now_, cmd_free_[0]);
      const std::uint64_t open = open_bank_mask_ & unit_bank_mask_[u];
      const bool any_open = open != 0;
      for (std::uint64_t m = open; m != 0; m &= m - 1) t = later(t, bank_next_pre_[__builtin_ctzll(m)]);
      if (!any_open) t = later(t, unit_bank_next_act_max_[u]);
      if (t < refresh_cycle) {
        refresh_cycle = t;
        refresh_unit = u;
        refresh_kind = any_open ? Kind::kPrechargeAll : Kind::kRefresh;
      }
    }
  }
  plan_ = Plan{refresh_cycle, kRefreshPriority, refresh_kind, refresh_unit, 0, kNone};
}

void DramChannel::note_next_refresh() {
  next_refresh_unit_ = 0;
  for (int u = 1; u < units_; ++u) {
    if (refresh_due_[u] < refresh_due_[next_refresh_unit_]) next_refresh_unit_ = u;
  }
  next_refresh_due_ = refresh_due_[next_refresh_unit_];
}

std::uint64_t DramChannel::next_event_cycle() {
  if (plan_valid_) return plan_.cycle;
  if (update_write_mode()) dirty_mask_ = ~std::uint64_t{0};

  plan_refresh();

  // Requests: one cached candidate per bank (recomputed when the bank, its
  // queue or the mode changed), timed against the shared constraints.
  const std::uint64_t mask = (bank_mask_[write_mode_] & ~pending_bank_mask_) | active_mask_;
  for (std::uint64_t d = mask & dirty_mask_; d != 0; d &= d - 1) refresh_candidate(__builtin_ctzll(d));
  dirty_mask_ &= ~mask;
  if (mask != competing_mask_) note_competing(mask);
  if (mask != 0) compute_unit_ready();
  const Order refresh_order = order(plan_.cycle, plan_.priority);
  Order best = refresh_order;
  const std::uint64_t* unit_ready_flat = &unit_ready_[0][0];
  auto bank_order = [&](int bank) {
    return order(candidate_cycle(bank, unit_ready_flat[cand_unit_slot_[bank]]), cand_priority_[bank]);
  };
  // Two banks per step into two running minima: halves the compare chain.
  Order other = best;
  const int n = competing_count_;
  for (int i = 0; i + 1 < n; i += 2) {
    const Order a = bank_order(competing_[i]);
    const Order b = bank_order(competing_[i + 1]);
    best = a < best ? a : best;
    other = b < other ? b : other;
  }
  if (n & 1) {
    const Order a = bank_order(competing_[n - 1]);
    best = a < best ? a : best;
  }
  best = other < best ? other : best;
  if (best != refresh_order) set_bank_plan(int(std::uint64_t(best) & 63), std::uint64_t(best >> 64));
  plan_valid_ = true;
  return plan_.cycle;
}

void DramChannel::note_competing(std::uint64_t mask) {
  for (std::uint64_t m = competing_mask_ & ~mask; m != 0; m &= m - 1) {
    const int bank = __builtin_ctzll(m);
    const std::uint8_t last = competing_[--competing_count_];
    competing_[competing_index_[bank]] = last;
    competing_index_[last] = competing_index_[bank];
  }
  for (std::uint64_t m = mask & ~competing_mask_; m != 0; m &= m - 1) {
    const int bank = __builtin_ctzll(m);
    competing_index_[bank] = std::uint8_t(competing_count_);
    competing_[competing_count_++] = std::uint8_t(bank);
  }
  competing_mask_ = mask;
}

void DramChannel::set_bank_plan(int bank, std::uint64_t cycle) {
  static constexpr Kind kKinds[] = {Kind::kActivate, Kind::kPrecharge, Kind::kColumn, Kind::kColumn};
  plan_ = Plan{cycle, cand_priority_[bank], kKinds[cand_kind_[bank]], 0, bank, cand_entry_[bank]};
}

void DramChannel::run_planned_event() {
  const std::uint64_t t = plan_.cycle;
  now_ = t;
  plan_valid_ = false;
  switch (plan_.kind) {
    case Kind::kRefreshDue:
      refresh_pending_[plan_.unit] = true;
      pending_bank_mask_ |= unit_bank_mask_[plan_.unit];
      break;
    case Kind::kPrechargeAll: issue_precharge_all(plan_.unit, t); break;
    case Kind::kRefresh: issue_refresh(plan_.unit, t); break;
    case Kind::kActivate: issue_activate(plan_.bank, plan_.entry, t); break;
    case Kind::kPrecharge: issue_precharge(plan_.bank, t); break;
    case Kind::kColumn: issue_column(plan_.bank, plan_.entry, t); break;
  }
}

DramChannel::IdleRefreshState DramChannel::idle_refresh_state() const {
  IdleRefreshState s{now_, cmd_free_[0], {}, {}, {}};
  for (int u = 0; u < units_; ++u) {
    s.due[u] = refresh_due_[u];
    s.end[u] = unit_refresh_end_[u];
    s.act_max[u] = unit_bank_next_act_max_[u];
  }
  return s;
}

bool DramChannel::idle_refresh_settled() const {
  return pending_bank_mask_ == 0 && open_bank_mask_ == 0;
}

// Once the channel is empty, no refresh is under way and every bank is
// closed, an idle period is one REF per unit. One period is run event by
// event; if it moved every time that matters by exactly tREFI, so will every
// later one, and whole periods are skipped by shifting those times. Whatever
// is left (less than a period and a half) run_until() runs one by one.
void DramChannel::run_idle_until(std::uint64_t cycle) {
  const std::uint64_t period = std::uint64_t(t_.tREFI);
  auto run_one = [&] {
    if (next_event_cycle() >= cycle) return false;
    run_planned_event();
    return true;
  };
  // Requests still in flight, then the refresh under way: one by one.
  while (!empty() || !idle_refresh_settled()) {
    if (!run_one()) return;
  }
  if (cycle < now_ + 4 * period) return;  // too little left to skip
  // The first period after traffic may still be shaped by it (a REF delayed
  // by PREA + tRP): compare consecutive periods, a few times at most.
  IdleRefreshState before = idle_refresh_state();
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::uint64_t refreshes_before = counters_.refreshes;
    while (counters_.refreshes < refreshes_before + std::uint64_t(units_) || !idle_refresh_settled()) {
      if (!run_one()) return;
    }
    const IdleRefreshState after = idle_refresh_state();
    bool periodic = counters_.refreshes == refreshes_before + std::uint64_t(units_) &&
                    after.now == before.now + period && after.row_bus == before.row_bus + period;
    for (int u = 0; u < units_; ++u) {
      periodic = periodic && after.due[u] == before.due[u] + period &&
                 after.end[u] == before.end[u] + period && after.act_max[u] == before.act_max[u] + period;
    }
    if (periodic) break;
    before = after;
    if (attempt == 2) return;
  }
  // The k-th next period's events fall in (now + (k-1) tREFI, now + k tREFI].
  const std::uint64_t periods = cycle > now_ ? (cycle - 1 - now_) / period : 0;
  if (periods > 0) {
    const std::uint64_t shift = periods * period;
    now_ += shift;
    cmd_free_[0] += shift;
    for (int u = 0; u < units_; ++u) {
      refresh_due_[u] += shift;
      unit_refresh_end_[u] += shift;
      unit_bank_next_act_max_[u] += shift;
    }
    counters_.refreshes += periods * std::uint64_t(units_);
    next_refresh_due_ += shift;
    plan_valid_ = false;
    dirty_mask_ = ~std::uint64_t{0};
  }
}

void DramChannel::group_ready_rose(int group) {
  // Every bank of the group, a fixed count (a loop branch that predicts):
  // the competing candidates need it, and the others are recomputed (made
  // dirty) before they next compete.
  for (int b = group * banks_per_group_; b < (group + 1) * banks_per_group_; ++b) {
    cand_ready_[b] = later(cand_ready_[b], group_ready_flat()[cand_group_slot_[b]]);
  }
}

void DramChannel::log_command(DramCommand::Kind kind, int bank, std::uint64_t t, std::uint32_t row,
                              std::uint64_t tag, bool auto_precharge) {
  // `bank` is a flat bank of the unit (for PREA and REF: any bank of it).
  const int unit = bank_unit_of_[bank];
  const int group = bank_group_of_[bank];
  command_log_->push_back(DramCommand{t, kind, auto_precharge, unit_pc_[unit], unit_rank_[unit],
                                      std::uint8_t(group % bank_groups_per_unit_),
                                      std::uint8_t(bank % banks_per_group_), row, tag});
}

void DramChannel::issue_activate(int bank, std::int32_t entry, std::uint64_t t) {
  const int group = bank_group_of_[bank];
  const int unit = bank_unit_of_[bank];
  const std::uint32_t row = entries_[entry].row;
  if (command_log_) log_command(DramCommand::Kind::kActivate, bank, t, row);
  open_row_[bank] = row;
  open_bank_mask_ |= std::uint64_t{1} << bank;
  dirty_mask_ |= std::uint64_t{1} << bank;
  entries_[entry].activated = true;
  for (int dir = 0; dir < 2; ++dir) {
    int hits = 0;
    for (std::int32_t e = lists_[dir][bank].head; e != kNone; e = entries_[e].next) {
      hits += !entries_[e].activated && entries_[e].row == row;
    }
    hit_count_[dir][bank] = hits;
  }
  active_entry_[bank] = entry;
  active_mask_ |= std::uint64_t{1} << bank;
  --queued_[entries_[entry].is_write];
  bank_next_rd_[bank] = t + t_.tRCD;
  bank_next_wr_[bank] = t + t_.tRCDWR;
  bank_next_pre_[bank] = later(bank_next_pre_[bank], t + t_.tRAS);
  raise_bank_next_act(bank, t + t_.tRC);
  group_ready_[kCandActivate][group] = later(group_ready_[kCandActivate][group], t + t_.tRRD_L);
  group_ready_rose(group);
  unit_next_act_[unit] = later(unit_next_act_[unit], t + t_.tRRD_S);
  faw_[unit][faw_pos_[unit]] = t + t_.tFAW;
  faw_pos_[unit] = std::uint8_t((faw_pos_[unit] + 1) & 3);
  note_unit_activate_ready(unit);
  cmd_free_[0] = t + act_cycles_;
  ++counters_.activates;
}

void DramChannel::close_bank(int bank, std::uint64_t precharge_cycle) {
  open_row_[bank] = -1;
  open_bank_mask_ &= ~(std::uint64_t{1} << bank);
  hit_count_[0][bank] = hit_count_[1][bank] = 0;
  dirty_mask_ |= std::uint64_t{1} << bank;
  raise_bank_next_act(bank, precharge_cycle + t_.tRP);
  ++counters_.precharges;
}

void DramChannel::raise_bank_next_act(int bank, std::uint64_t cycle) {
  bank_next_act_[bank] = later(bank_next_act_[bank], cycle);
  const int unit = bank_unit_of_[bank];
  unit_bank_next_act_max_[unit] = later(unit_bank_next_act_max_[unit], cycle);
}

void DramChannel::issue_precharge(int bank, std::uint64_t t) {
  if (command_log_) log_command(DramCommand::Kind::kPrecharge, bank, t);
  close_bank(bank, t);
  cmd_free_[0] = t + 1;
}

void DramChannel::issue_precharge_all(int unit, std::uint64_t t) {
  if (command_log_) log_command(DramCommand::Kind::kPrechargeAll, unit * banks_per_unit_, t);
  for (std::uint64_t m = open_bank_mask_ & unit_bank_mask_[unit]; m != 0; m &= m - 1) {
    close_bank(__builtin_ctzll(m), t);
  }
  cmd_free_[0] = t + 1;
}

void DramChannel::issue_refresh(int unit, std::uint64_t t) {
  if (command_log_) log_command(DramCommand::Kind::kRefresh, unit * banks_per_unit_, t);
  unit_refresh_end_[unit] = t + t_.tRFC;
  unit_bank_next_act_max_[unit] = later(unit_bank_next_act_max_[unit], t + t_.tRFC);
  refresh_pending_[unit] = false;
  dirty_mask_ |= unit_bank_mask_[unit];
  pending_bank_mask_ &= ~unit_bank_mask_[unit];
  refresh_due_[unit] += t_.tREFI;
  note_next_refresh();
  cmd_free_[0] = t + 1;
  ++counters_.refreshes;
}

void DramChannel::issue_column(int bank, std::int32_t entry, std::uint64_t t) {
  const int group = bank_group_of_[bank];
  const int unit = bank_unit_of_[bank];
  const int pc = unit_pc_[unit];
  const Entry e = entries_[entry];
  std::uint64_t done;
  if (e.is_write) {
    const std::uint64_t data_end = t + t_.CWL + burst_cycles_;
    bank_next_pre_[bank] = later(bank_next_pre_[bank], data_end + t_.tWR);
    group_ready_[kCandWrite][group] = later(group_ready_[kCandWrite][group], t + t_.tCCD_L_WR);
    group_ready_[kCandRead][group] = later(group_ready_[kCandRead][group], data_end + t_.tWTR_L);
    unit_next_wr_[unit] = later(unit_next_wr_[unit], t + t_.tCCD_S);
    unit_next_rd_[unit] = later(unit_next_rd_[unit], data_end + t_.tWTR_S);
    done = data_end;
    ++counters_.write_bursts;
  } else {
    const std::uint64_t data_end = t + t_.CL + burst_cycles_;
    bank_next_pre_[bank] = later(bank_next_pre_[bank], t + t_.tRTP);
    group_ready_[kCandRead][group] = later(group_ready_[kCandRead][group], t + t_.tCCD_L);
    unit_next_rd_[unit] = later(unit_next_rd_[unit], t + t_.tCCD_S);
    unit_next_wr_[unit] = later(unit_next_wr_[unit], t + rtw_);
    done = data_end;
    ++counters_.read_bursts;
  }
  group_ready_rose(group);
  bus_free_[pc] = done;
  bus_rank_[pc] = unit_rank_[unit];
  last_data_end_ = later(last_data_end_, done);
  note_pc_column_ready(pc);
  cmd_free_[col_bus_] = t + cas_cycles_;
  if (e.activated) ++counters_.row_misses; else ++counters_.row_hits;
  unlink(entry);
  // Closed page: auto-precharge (RDA/WRA) unless another queued request
  // still wants this row.
  const bool auto_precharge = closed_page_ && hit_count_[0][bank] + hit_count_[1][bank] == 0;
  if (command_log_) {
    log_command(e.is_write ? DramCommand::Kind::kWrite : DramCommand::Kind::kRead, bank, t,
                std::uint32_t(open_row_[bank]), e.tag, auto_precharge);
  }
  if (auto_precharge) close_bank(bank, bank_next_pre_[bank]);
  sink_->burst_done(e.tag, done, e.is_write);
}

}  // namespace qarch::memory

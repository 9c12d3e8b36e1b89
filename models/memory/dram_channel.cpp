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

DramChannel::DramChannel(const DramConfig& c, DramBurstSink* sink)
    : t_(c.timing),
      burst_cycles_(c.burst_cycles()),
      act_cycles_(c.act_command_cycles),
      cas_cycles_(c.cas_command_cycles),
      rtw_(c.timing.CL + c.burst_cycles() + 2 - c.timing.CWL),
      closed_page_(c.page_policy == PagePolicy::kClosed),
      ranks_(c.ranks),
      bank_groups_per_unit_(c.bank_groups),
      banks_per_group_(c.banks_per_group),
      banks_per_unit_(c.bank_groups * c.banks_per_group),
      units_(c.pseudo_channels * c.ranks),
      depth_{c.read_queue_depth, c.write_queue_depth},
      write_high_(int(c.write_high_watermark * c.write_queue_depth)),
      write_low_(int(c.write_low_watermark * c.write_queue_depth)),
      sink_(sink),
      col_bus_(c.split_command_bus ? 1 : 0) {
  const int banks = c.banks_per_channel();
  open_row_.assign(banks, -1);
  bank_next_act_.assign(banks, 0);
  bank_next_pre_.assign(banks, 0);
  bank_next_rd_.assign(banks, 0);
  bank_next_wr_.assign(banks, 0);
  const int groups = units_ * bank_groups_per_unit_;
  bg_next_act_.assign(groups, 0);
  bg_next_rd_.assign(groups, 0);
  bg_next_wr_.assign(groups, 0);
  unit_next_act_.assign(units_, 0);
  unit_next_rd_.assign(units_, 0);
  unit_next_wr_.assign(units_, 0);
  // Ready cycles (ACT + tFAW) of the last four ACTs; 0 = no constraint.
  faw_.assign(std::size_t(units_) * 4, 0);
  faw_pos_.assign(units_, 0);
  // All-bank refresh once per tREFI per rank / pseudo-channel, first at tREFI
  // (as Ramulator 2's AllBank refresh manager).
  refresh_due_.assign(units_, std::uint64_t(t_.tREFI));
  refresh_pending_.assign(units_, false);
  unit_bank_mask_.assign(units_, 0);
  for (int u = 0; u < units_; ++u) {
    for (int b = 0; b < banks_per_unit_; ++b) {
      unit_bank_mask_[u] |= std::uint64_t{1} << (u * banks_per_unit_ + b);
    }
  }
  bus_free_.assign(c.pseudo_channels, 0);
  bus_rank_.assign(c.pseudo_channels, 0);
  // Activated requests leave the queue for a per-bank active slot.
  const int slots = depth_[0] + depth_[1] + banks;
  entries_.resize(slots);
  free_slots_.reserve(slots);
  for (int i = slots - 1; i >= 0; --i) free_slots_.push_back(i);
  lists_[0].assign(banks, ListEnds{});
  lists_[1].assign(banks, ListEnds{});
  active_entry_.assign(banks, kNone);
}

void DramChannel::enqueue(const DramAddress& a, bool is_write, std::uint64_t cycle,
                          std::uint32_t tag) {
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
  plan_valid_ = false;
}

void DramChannel::unlink(std::int32_t e) {
  Entry& x = entries_[e];
  ListEnds& list = lists_[x.is_write][x.bank];
  if (x.prev != kNone) entries_[x.prev].next = x.next; else list.head = x.next;
  if (x.next != kNone) entries_[x.next].prev = x.prev; else list.tail = x.prev;
  if (list.head == kNone) bank_mask_[x.is_write] &= ~(std::uint64_t{1} << x.bank);
  if (x.activated) {
    active_entry_[x.bank] = kNone;
    active_mask_ &= ~(std::uint64_t{1} << x.bank);
  } else {
    --queued_[x.is_write];
  }
  free_slots_.push_back(e);
}

void DramChannel::update_write_mode() {
  // Ramulator 2.1 GenericDDR set_write_mode(), in whole entries.
  if (!write_mode_) {
    if (queued_[1] > write_high_ || (queued_[0] == 0 && queued_[1] > 0)) write_mode_ = true;
  } else if ((queued_[1] < write_low_ || queued_[1] == 0) && queued_[0] > 0) {
    write_mode_ = false;
  }
}

std::uint64_t DramChannel::column_ready(int bank, bool is_write) const {
  const int group = bank / banks_per_group_;
  const int unit = bank / banks_per_unit_;
  const int pc = unit / ranks_;
  const int rank = unit % ranks_;
  std::uint64_t t = std::max(now_, cmd_free_[col_bus_]);
  if (is_write) {
    t = std::max({t, bank_next_wr_[bank], bg_next_wr_[group], unit_next_wr_[unit]});
  } else {
    t = std::max({t, bank_next_rd_[bank], bg_next_rd_[group], unit_next_rd_[unit]});
  }
  // The data burst must start after the bus is free (+ rank switch).
  const std::uint64_t latency = std::uint64_t(is_write ? t_.CWL : t_.CL);
  const std::uint64_t bus = bus_free_[pc] + (bus_rank_[pc] != rank ? t_.tRTRS : 0);
  if (t + latency < bus) t = bus - latency;
  return t;
}

std::uint64_t DramChannel::activate_ready(int bank) const {
  const int group = bank / banks_per_group_;
  const int unit = bank / banks_per_unit_;
  // The fifth ACT waits for the fourth-last one + tFAW.
  const std::uint64_t faw = faw_[std::size_t(unit) * 4 + faw_pos_[unit]];
  return std::max({now_, cmd_free_[0], bank_next_act_[bank], bg_next_act_[group],
                   unit_next_act_[unit], faw});
}

bool DramChannel::row_has_pending_hit(int bank, std::uint32_t row) const {
  for (int dir = 0; dir < 2; ++dir) {
    for (std::int32_t e = lists_[dir][bank].head; e != kNone; e = entries_[e].next) {
      if (entries_[e].row == row) return true;
    }
  }
  return false;
}

void DramChannel::consider(const Plan& p) {
  if (p.cycle < plan_.cycle ||
      (p.cycle == plan_.cycle &&
       (p.rank_class < plan_.rank_class || (p.rank_class == plan_.rank_class && p.seq < plan_.seq)))) {
    plan_ = p;
  }
}

std::uint64_t DramChannel::next_event_cycle() {
  if (plan_valid_) return plan_.cycle;
  plan_ = Plan{};
  update_write_mode();

  // Refresh: becomes pending at its due cycle and then blocks the unit's
  // requests; PREA closes the open banks, then REF.
  // Activated requests first, in either direction and during refresh.
  for (std::uint64_t mask = active_mask_; mask != 0; mask &= mask - 1) {
    const int bank = __builtin_ctzll(mask);
    const std::int32_t e = active_entry_[bank];
    consider(Plan{column_ready(bank, entries_[e].is_write), 0, entries_[e].seq, Kind::kColumn, 0, bank, e});
  }

  for (int u = 0; u < units_; ++u) {
    if (!refresh_pending_[u] && refresh_due_[u] <= now_) {
      refresh_pending_[u] = true;
      pending_bank_mask_ |= unit_bank_mask_[u];
    }
    if (!refresh_pending_[u]) {
      consider(Plan{refresh_due_[u], 1, 0, Kind::kRefreshDue, u, 0, kNone});
      continue;
    }
    if (active_mask_ & unit_bank_mask_[u]) continue;  // PREA would close their rows
    std::uint64_t t = std::max(now_, cmd_free_[0]);
    bool any_open = false;
    const int first = u * banks_per_unit_;
    for (int b = first; b < first + banks_per_unit_; ++b) {
      if (open_row_[b] >= 0) {
        any_open = true;
        t = std::max(t, bank_next_pre_[b]);
      }
    }
    if (any_open) {
      consider(Plan{t, 1, 0, Kind::kPrechargeAll, u, 0, kNone});
    } else {
      for (int b = first; b < first + banks_per_unit_; ++b) t = std::max(t, bank_next_act_[b]);
      consider(Plan{t, 1, 0, Kind::kRefresh, u, 0, kNone});
    }
  }

  const bool dir = write_mode_;
  std::uint64_t mask = bank_mask_[dir] & ~pending_bank_mask_;
  while (mask != 0) {
    const int bank = __builtin_ctzll(mask);
    mask &= mask - 1;
    const std::int32_t head = lists_[dir][bank].head;
    if (open_row_[bank] >= 0) {
      std::int32_t hit = kNone;
      for (std::int32_t e = head; e != kNone; e = entries_[e].next) {
        if (entries_[e].row == std::uint32_t(open_row_[bank])) {
          hit = e;
          break;
        }
      }
      if (hit != kNone) {
        consider(Plan{column_ready(bank, dir), 2, entries_[hit].seq, Kind::kColumn, 0, bank, hit});
      } else if (active_entry_[bank] == kNone) {
        const std::uint64_t t = std::max({now_, cmd_free_[0], bank_next_pre_[bank]});
        consider(Plan{t, 3, entries_[head].seq, Kind::kPrecharge, 0, bank, head});
      }
    } else {
      consider(Plan{activate_ready(bank), 3, entries_[head].seq, Kind::kActivate, 0, bank, head});
    }
  }
  plan_valid_ = true;
  return plan_.cycle;
}

void DramChannel::run_next_event() {
  const std::uint64_t t = next_event_cycle();
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

void DramChannel::issue_activate(int bank, std::int32_t entry, std::uint64_t t) {
  const int group = bank / banks_per_group_;
  const int unit = bank / banks_per_unit_;
  open_row_[bank] = entries_[entry].row;
  entries_[entry].activated = true;
  active_entry_[bank] = entry;
  active_mask_ |= std::uint64_t{1} << bank;
  --queued_[entries_[entry].is_write];
  bank_next_rd_[bank] = t + t_.tRCD;
  bank_next_wr_[bank] = t + t_.tRCDWR;
  bank_next_pre_[bank] = std::max(bank_next_pre_[bank], t + t_.tRAS);
  bank_next_act_[bank] = t + t_.tRC;
  bg_next_act_[group] = std::max(bg_next_act_[group], t + t_.tRRD_L);
  unit_next_act_[unit] = std::max(unit_next_act_[unit], t + t_.tRRD_S);
  faw_[std::size_t(unit) * 4 + faw_pos_[unit]] = t + t_.tFAW;
  faw_pos_[unit] = (faw_pos_[unit] + 1) & 3;
  cmd_free_[0] = t + act_cycles_;
  ++counters_.activates;
}

void DramChannel::close_bank(int bank, std::uint64_t precharge_cycle) {
  open_row_[bank] = -1;
  bank_next_act_[bank] = std::max(bank_next_act_[bank], precharge_cycle + t_.tRP);
  ++counters_.precharges;
}

void DramChannel::issue_precharge(int bank, std::uint64_t t) {
  close_bank(bank, t);
  cmd_free_[0] = t + 1;
}

void DramChannel::issue_precharge_all(int unit, std::uint64_t t) {
  const int first = unit * banks_per_unit_;
  for (int b = first; b < first + banks_per_unit_; ++b) {
    if (open_row_[b] >= 0) close_bank(b, t);
  }
  cmd_free_[0] = t + 1;
}

void DramChannel::issue_refresh(int unit, std::uint64_t t) {
  const int first = unit * banks_per_unit_;
  for (int b = first; b < first + banks_per_unit_; ++b) {
    bank_next_act_[b] = std::max(bank_next_act_[b], t + t_.tRFC);
  }
  refresh_pending_[unit] = false;
  pending_bank_mask_ &= ~unit_bank_mask_[unit];
  refresh_due_[unit] += t_.tREFI;
  cmd_free_[0] = t + 1;
  ++counters_.refreshes;
}

void DramChannel::issue_column(int bank, std::int32_t entry, std::uint64_t t) {
  const int group = bank / banks_per_group_;
  const int unit = bank / banks_per_unit_;
  const int pc = unit / ranks_;
  const Entry e = entries_[entry];
  std::uint64_t done;
  if (e.is_write) {
    const std::uint64_t data_end = t + t_.CWL + burst_cycles_;
    bank_next_pre_[bank] = std::max(bank_next_pre_[bank], data_end + t_.tWR);
    bg_next_wr_[group] = std::max(bg_next_wr_[group], t + t_.tCCD_L);
    bg_next_rd_[group] = std::max(bg_next_rd_[group], data_end + t_.tWTR_L);
    unit_next_wr_[unit] = std::max(unit_next_wr_[unit], t + t_.tCCD_S);
    unit_next_rd_[unit] = std::max(unit_next_rd_[unit], data_end + t_.tWTR_S);
    done = data_end;
    ++counters_.write_bursts;
  } else {
    const std::uint64_t data_end = t + t_.CL + burst_cycles_;
    bank_next_pre_[bank] = std::max(bank_next_pre_[bank], t + t_.tRTP);
    bg_next_rd_[group] = std::max(bg_next_rd_[group], t + t_.tCCD_L);
    unit_next_rd_[unit] = std::max(unit_next_rd_[unit], t + t_.tCCD_S);
    unit_next_wr_[unit] = std::max(unit_next_wr_[unit], t + rtw_);
    done = data_end;
    ++counters_.read_bursts;
  }
  bus_free_[pc] = done;
  bus_rank_[pc] = unit % ranks_;
  cmd_free_[col_bus_] = t + cas_cycles_;
  if (e.activated) ++counters_.row_misses; else ++counters_.row_hits;
  unlink(entry);
  // Closed page: auto-precharge (RDA/WRA) unless another queued request
  // still wants this row.
  if (closed_page_ && !row_has_pending_hit(bank, e.row)) {
    close_bank(bank, bank_next_pre_[bank]);
  }
  sink_->burst_done(e.tag, done, e.is_write);
}

}  // namespace qarch::memory

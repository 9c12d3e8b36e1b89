#pragma once
// One DRAM channel: its banks' state and timing constraints, a bounded read
// queue and write queue of bursts, an FR-FCFS scheduler and all-bank refresh.
//
// Event-driven: instead of ticking every DRAM clock, the channel computes the
// earliest cycle at which any command can issue (next_event_cycle) and jumps
// there. At that cycle it picks exactly what a cycle-by-cycle FR-FCFS
// controller would: refresh first, then row hits (column commands), then the
// oldest request's ACT/PRE; among equals the oldest request.
//
// Queue structure (follows Ramulator 2.1's GenericDDR/HBM controller): a read
// queue and a write queue per channel; writes drain when the write queue is
// above the high watermark (or there is nothing to read) until it is below the
// low watermark. A PRE is never issued while a queued request of the current
// direction still hits the open row. As in Ramulator's active buffer, a
// request whose ACT has issued leaves its queue (freeing a slot) and is served
// first, whatever the read/write mode.
#include <array>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "models/memory/dram_address_map.h"
#include "models/memory/dram_config.h"

namespace qarch::memory {

// What a channel did, for the cost model (bursts, commands, row-buffer use).
struct DramCounters {
  std::uint64_t read_bursts = 0;
  std::uint64_t write_bursts = 0;
  std::uint64_t activates = 0;
  std::uint64_t precharges = 0;  // banks closed, by PRE, PREA or auto-precharge
  std::uint64_t refreshes = 0;   // all-bank REF commands
  std::uint64_t row_hits = 0;    // column commands that needed no ACT of their own
  std::uint64_t row_misses = 0;  // column commands that needed an ACT

  DramCounters& operator+=(const DramCounters& o);
  // Every counter with the name results and `qarch dram --json` give it.
  std::array<std::pair<const char*, std::uint64_t>, 7> named() const {
    return {{{"read_bursts", read_bursts},
             {"write_bursts", write_bursts},
             {"activates", activates},
             {"precharges", precharges},
             {"refreshes", refreshes},
             {"row_hits", row_hits},
             {"row_misses", row_misses}}};
  }
};

// One command a channel issued, for checking the command stream against the
// timing rules (DramChannel::set_command_log; tests).
struct DramCommand {
  enum class Kind : std::uint8_t { kActivate, kPrecharge, kPrechargeAll, kRefresh, kRead, kWrite };
  std::uint64_t cycle = 0;
  Kind kind = Kind::kActivate;
  // RD/WR with auto-precharge (RDA/WRA, closed page): the bank closes
  // itself as soon as its timing allows.
  bool auto_precharge = false;
  std::uint8_t pseudo_channel = 0;
  std::uint8_t rank = 0;
  std::uint8_t bank_group = 0;  // ACT, PRE, RD, WR
  std::uint8_t bank = 0;        // within its bank group
  std::uint32_t row = 0;        // ACT: the row opened; RD/WR: the open row
  std::uint64_t tag = 0;        // RD/WR: the tag of the burst it moves
};

class DramBurstSink {
 public:
  virtual ~DramBurstSink() = default;
  // The data burst of `tag` ends at `done_cycle` (reads: RD + CL + burst;
  // writes: WR + CWL + burst).
  virtual void burst_done(std::uint64_t tag, std::uint64_t done_cycle, bool is_write) = 0;
};

// The channel's state apart from its queue storage: trivially copyable, so
// that copying a channel (DramTarget runs a copy ahead to find when a
// transfer completes) is one block copy plus the two queue vectors.
struct DramChannelState {
  static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();
  enum class Kind : std::uint8_t { kRefreshDue, kPrechargeAll, kRefresh, kActivate, kPrecharge, kColumn };
  static constexpr std::int32_t kNone = -1;
  static constexpr int kMaxBanks = 64;   // banks per channel (validate_dram_config)
  static constexpr int kMaxUnits = kMaxBanks;
  static constexpr int kMaxGroups = kMaxBanks;

  struct ListEnds {
    std::int32_t head = kNone;
    std::int32_t tail = kNone;
  };
  struct Plan {
    std::uint64_t cycle = kNever;
    std::uint64_t priority = ~std::uint64_t{0};
    Kind kind = Kind::kRefreshDue;
    int unit = 0;
    int bank = 0;
    std::int32_t entry = kNone;
  };
  // A bank's next command is one of these kinds; each indexes a row of the
  // shared-constraint tables unit_ready_ and group_ready_.
  enum : std::uint8_t { kCandActivate, kCandPrecharge, kCandRead, kCandWrite, kCandKinds };

  // Configuration, in cycles.
  DramTiming t_;
  int burst_cycles_;
  int act_cycles_;
  int cas_cycles_;
  // RD to WR, same rank: CL + burst + 2 - CWL (Ramulator's formula), at
  // least 0: a write latency that long already puts the write data after
  // the read data.
  std::uint64_t rtw_;
  bool closed_page_;
  int ranks_;
  int bank_groups_per_unit_;
  int banks_per_group_;
  int banks_per_unit_;
  int units_;  // pseudo_channels x ranks: each has its own tFAW window and refresh
  int depth_[2];
  int write_high_;
  int write_low_;
  DramBurstSink* sink_;

  // Flat arrays, indexed by bank (flat bank = (unit x bank groups + group) x
  // banks + bank), group or unit.
  std::uint8_t bank_group_of_[kMaxBanks] = {};
  std::uint8_t bank_unit_of_[kMaxBanks] = {};
  std::uint8_t unit_pc_[kMaxUnits] = {};
  std::uint8_t unit_rank_[kMaxUnits] = {};
  // Bank state.
  std::int64_t open_row_[kMaxBanks];
  std::uint64_t open_bank_mask_ = 0;  // banks with an open row
  std::uint64_t bank_next_act_[kMaxBanks] = {};  // before refresh (unit_refresh_end_)
  std::uint64_t bank_next_pre_[kMaxBanks] = {};
  std::uint64_t bank_next_rd_[kMaxBanks] = {};
  std::uint64_t bank_next_wr_[kMaxBanks] = {};
  // Bank-group state: earliest ACT / RD / WR per group (no PRE constraint).
  std::uint64_t group_ready_[kCandKinds][kMaxGroups] = {};
  // Rank (or pseudo-channel) state.
  std::uint64_t unit_next_act_[kMaxUnits] = {};
  std::uint64_t unit_next_rd_[kMaxUnits] = {};
  std::uint64_t unit_next_wr_[kMaxUnits] = {};
  std::uint64_t faw_[kMaxUnits][4] = {};  // ring of four: ACT cycle + tFAW
  std::uint8_t faw_pos_[kMaxUnits] = {};
  std::uint64_t refresh_due_[kMaxUnits] = {};
  // The earliest refresh_due_ and its unit (the lowest among equals).
  std::uint64_t next_refresh_due_ = 0;
  int next_refresh_unit_ = 0;
  // A REF holds every bank of its unit until REF + tRFC: kept per unit, not
  // per bank (a bank's ACT waits for the later of the two).
  std::uint64_t unit_refresh_end_[kMaxUnits] = {};
  // Latest ACT-ready cycle of the unit's banks (each only ever rises, so a
  // running maximum): the earliest REF.
  std::uint64_t unit_bank_next_act_max_[kMaxUnits] = {};
  bool refresh_pending_[kMaxUnits] = {};
  std::uint64_t unit_bank_mask_[kMaxUnits] = {};
  std::uint64_t pending_bank_mask_ = 0;
  // Data bus per pseudo-channel: free from cycle, and the rank that used it
  // (read only after a burst has used it).
  std::uint64_t bus_free_[kMaxUnits] = {};
  std::uint8_t bus_rank_[kMaxUnits] = {};
  // Command buses: [0] row (and column when not split), [1] column.
  std::uint64_t cmd_free_[2] = {0, 0};
  int col_bus_;

  // Queues: per-bank, per-direction lists in arrival order of the slots in
  // DramChannel's pool.
  ListEnds lists_[2][kMaxBanks];
  std::uint64_t bank_mask_[2] = {0, 0};  // banks with queued requests
  int queued_[2] = {0, 0};  // not yet activated: these count against the depth
  // The request an ACT was issued for, per bank, until its column command
  // (Ramulator's active buffer): served first, and its row is not closed.
  std::int32_t active_entry_[kMaxBanks];
  std::uint64_t active_mask_ = 0;
  // Queued (not activated) requests per direction and bank that hit the open row.
  int hit_count_[2][kMaxBanks] = {};

  // Each bank's next command for the current mode (recomputed only when the
  // bank, its queue or the mode changed): it issues at
  // max(own ready cycle, unit_ready_[kind][unit], group_ready_[kind][group]).
  // max(own ready cycle, group_ready_[kind][group]): updated when either rises.
  std::uint64_t cand_ready_[kMaxBanks];
  std::uint64_t cand_priority_[kMaxBanks];
  std::int32_t cand_entry_[kMaxBanks];
  std::uint8_t cand_kind_[kMaxBanks];
  std::uint8_t cand_unit_slot_[kMaxBanks];   // kind x kMaxUnits + unit
  std::uint8_t cand_group_slot_[kMaxBanks];  // kind x kMaxGroups + group
  std::uint64_t dirty_mask_ = ~std::uint64_t{0};
  // The banks whose candidates compete (the last choice's), as a list: the
  // choice loops over it with no bit scan per bank.
  std::uint64_t competing_mask_ = 0;
  int competing_count_ = 0;
  std::uint8_t competing_[kMaxBanks];
  std::uint8_t competing_index_[kMaxBanks];  // of each competing bank in competing_
  // Per kind and unit: the earliest cycle allowed by the rank's constraints
  // and the data bus (kept by the issue_ functions; none for PRE) ...
  std::uint64_t unit_own_ready_[kCandKinds][kMaxUnits] = {};
  // ... and by these and the command buses (recomputed before each choice).
  std::uint64_t unit_ready_[kCandKinds][kMaxUnits] = {};
  bool write_mode_ = false;
  std::uint64_t next_seq_ = 0;

  std::uint64_t now_ = 0;
  std::uint64_t last_data_end_ = 0;  // of the last data burst a column command has moved
  bool plan_valid_ = false;
  Plan plan_;
  DramCounters counters_;
  std::vector<DramCommand>* command_log_ = nullptr;
};
static_assert(std::is_trivially_copyable_v<DramChannelState>);

class DramChannel : private DramChannelState {
 public:
  using DramChannelState::kNever;

  DramChannel(const DramConfig& config, DramBurstSink* sink);

  bool has_room(bool is_write) const {
    return queued_[is_write] < depth_[is_write];
  }
  // Adds a burst that arrives at `cycle` (>= every event already run).
  void enqueue(const DramAddress& address, bool is_write, std::uint64_t cycle,
               std::uint64_t tag);
  // Cycle of the next command or refresh event (refresh keeps running when
  // the queues are empty, so this is never kNever).
  std::uint64_t next_event_cycle();
  // Performs the event at next_event_cycle().
  void run_next_event() {
    next_event_cycle();
    run_planned_event();
  }
  // Runs every event before `cycle`. Once the channel is empty it only
  // refreshes: a long idle gap runs whole tREFI periods in closed form, with
  // the same state and counters as running them one by one (unless commands
  // are logged: then each refresh is issued and logged).
  void run_until(std::uint64_t cycle) {
    if (cycle >= now_ + 4 * std::uint64_t(t_.tREFI) && command_log_ == nullptr) run_idle_until(cycle);
    while (next_event_cycle() < cycle) run_planned_event();
  }
  std::uint64_t now() const { return now_; }
  // The end of the latest data burst so far (0 before the first).
  std::uint64_t last_data_end_cycle() const { return last_data_end_; }
  bool empty() const { return queued_[0] + queued_[1] == 0 && active_mask_ == 0; }
  const DramCounters& counters() const { return counters_; }
  // A copy runs on without logging (DramTarget runs copies ahead).
  DramChannel(const DramChannel& other)
      : DramChannelState(other), entries_(other.entries_), free_slots_(other.free_slots_) {
    command_log_ = nullptr;
  }
  DramChannel& operator=(const DramChannel& other) {
    DramChannelState::operator=(other);
    entries_ = other.entries_;
    free_slots_ = other.free_slots_;
    command_log_ = nullptr;
    return *this;
  }
  DramChannel(DramChannel&&) = default;
  DramChannel& operator=(DramChannel&&) = default;
  // Appends every command issued from now on to `log` (nullptr: stop).
  // Idle refresh periods are then run one by one, not skipped.
  void set_command_log(std::vector<DramCommand>* log) { command_log_ = log; }

 private:
  struct Entry {
    std::uint64_t seq;
    std::uint64_t tag;
    std::uint32_t row;
    std::int32_t prev;
    std::int32_t next;
    std::uint16_t bank;
    bool is_write;
    bool activated;  // an ACT was issued on its behalf
  };
  // Priority among commands ready at the same cycle, lower wins:
  // class (2 bits) | arrival order (56 bits) | bank (6 bits), class 0 an
  // activated request's column command, 1 refresh, 2 row hit, 3 ACT/PRE.
  // Arrival order fits 56 bits: 7e16 bursts per channel.
  static constexpr std::uint64_t priority(std::uint64_t cls, std::uint64_t seq, int bank) {
    return cls << 62 | seq << 6 | std::uint64_t(bank);
  }
  static constexpr std::uint64_t kRefreshPriority = std::uint64_t{1} << 62;
  // (cycle, priority) as one number, so the scheduler's choice is a plain
  // minimum (GCC/Clang 128-bit integers: one compare and two cmovs).
  using Order = unsigned __int128;
  // std::max by value: compiles to a conditional move, not a branch.
  static std::uint64_t later(std::uint64_t a, std::uint64_t b) { return a < b ? b : a; }
  static Order order(std::uint64_t cycle, std::uint64_t prio) { return Order(cycle) << 64 | prio; }


  void run_planned_event();  // the event plan_ holds (plan_valid_)
  bool update_write_mode();  // true if the mode changed
  void plan_refresh() {  // sets plan_ to the next refresh event
    // No refresh pending and none due yet (nearly every choice): the
    // earliest due one, kept by issue_refresh().
    if (pending_bank_mask_ == 0 && next_refresh_due_ > now_) {
      plan_ = Plan{next_refresh_due_, kRefreshPriority, Kind::kRefreshDue, next_refresh_unit_, 0, kNone};
    } else {
      plan_pending_refresh();
    }
  }
  void plan_pending_refresh();  // plan_refresh() when a refresh is pending or due
  void note_next_refresh();  // next_refresh_due_ / _unit_ from refresh_due_
  void refresh_candidate(int bank);
  void compute_unit_ready();
  std::uint64_t unit_ready(int kind, int unit) const {
    return later(later(now_, cmd_free_[kind >= kCandRead ? col_bus_ : 0]), unit_own_ready_[kind][unit]);
  }
  std::uint64_t candidate_cycle(int bank, std::uint64_t unit_ready_cycle) const {
    return later(cand_ready_[bank], unit_ready_cycle);
  }
  void group_ready_rose(int group);  // keeps cand_ready_ of the group's banks
  const std::uint64_t* group_ready_flat() const { return &group_ready_[0][0]; }
  void note_competing(std::uint64_t mask);  // competing_ from the competing banks' mask
  void set_bank_plan(int bank, std::uint64_t cycle);
  // Earliest start of a data burst of `unit` (data bus free, + rank switch).
  std::uint64_t data_bus_ready(int unit) const {
    const int pc = unit_pc_[unit];
    return bus_free_[pc] + (bus_rank_[pc] != unit_rank_[unit] ? t_.tRTRS : 0);
  }
  // Earliest cycle of a command whose burst starts `latency` later, for the data bus ready at `bus`.
  static std::uint64_t before_data_bus(std::uint64_t bus, std::uint64_t latency) {
    return bus > latency ? bus - latency : 0;
  }
  void note_unit_activate_ready(int unit);
  void note_pc_column_ready(int pc);  // after a burst on pseudo-channel `pc`
  void log_command(DramCommand::Kind kind, int bank, std::uint64_t t, std::uint32_t row = 0,
                   std::uint64_t tag = 0, bool auto_precharge = false);
  void issue_activate(int bank, std::int32_t entry, std::uint64_t t);
  void issue_precharge(int bank, std::uint64_t t);
  void issue_column(int bank, std::int32_t entry, std::uint64_t t);
  void issue_precharge_all(int unit, std::uint64_t t);
  void issue_refresh(int unit, std::uint64_t t);
  void close_bank(int bank, std::uint64_t precharge_cycle);
  void raise_bank_next_act(int bank, std::uint64_t cycle);
  void unlink(std::int32_t e);
  // The state an idle refresh period advances (times of the row bus and of
  // each unit's refresh); the rest of an idle channel's state is in the past.
  struct IdleRefreshState {
    std::uint64_t now, row_bus;
    std::uint64_t due[kMaxUnits], end[kMaxUnits], act_max[kMaxUnits];
  };
  IdleRefreshState idle_refresh_state() const;
  bool idle_refresh_settled() const;  // no refresh under way, every bank closed
  void run_idle_until(std::uint64_t cycle);

  // Queues: the slot pool the lists of DramChannelState link.
  std::vector<Entry> entries_;
  std::vector<std::int32_t> free_slots_;
};

}  // namespace qarch::memory

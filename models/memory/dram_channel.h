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
#include <cstdint>
#include <limits>
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
};

class DramBurstSink {
 public:
  virtual ~DramBurstSink() = default;
  // The data burst of `tag` ends at `done_cycle` (reads: RD + CL + burst;
  // writes: WR + CWL + burst).
  virtual void burst_done(std::uint32_t tag, std::uint64_t done_cycle, bool is_write) = 0;
};

class DramChannel {
 public:
  static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

  DramChannel(const DramConfig& config, DramBurstSink* sink);

  bool has_room(bool is_write) const {
    return queued_[is_write] < depth_[is_write];
  }
  // Adds a burst that arrives at `cycle` (>= every event already run).
  void enqueue(const DramAddress& address, bool is_write, std::uint64_t cycle,
               std::uint32_t tag);
  // Cycle of the next command or refresh event (refresh keeps running when
  // the queues are empty, so this is never kNever).
  std::uint64_t next_event_cycle();
  // Performs the event at next_event_cycle().
  void run_next_event();
  std::uint64_t now() const { return now_; }
  bool empty() const { return queued_[0] + queued_[1] == 0 && active_mask_ == 0; }
  const DramCounters& counters() const { return counters_; }

 private:
  enum class Kind : std::uint8_t { kRefreshDue, kPrechargeAll, kRefresh, kActivate, kPrecharge, kColumn };
  static constexpr std::int32_t kNone = -1;
  static constexpr int kMaxUnits = 64;  // banks per channel <= 64

  struct Entry {
    std::uint64_t seq;
    std::uint32_t tag;
    std::uint32_t row;
    std::int32_t prev;
    std::int32_t next;
    std::uint16_t bank;
    bool is_write;
    bool activated;  // an ACT was issued on its behalf
  };
  struct ListEnds {
    std::int32_t head = kNone;
    std::int32_t tail = kNone;
  };
  // Lower key wins a tie at the same cycle: (class << 60) | arrival order,
  // class 0 an activated request's column command, 1 refresh, 2 row hit,
  // 3 ACT/PRE.
  struct Plan {
    std::uint64_t cycle = kNever;
    std::uint64_t key = ~std::uint64_t{0};
    Kind kind = Kind::kRefreshDue;
    int unit = 0;
    int bank = 0;
    std::int32_t entry = kNone;
  };
  enum : std::uint8_t { kCandActivate, kCandPrecharge, kCandRead, kCandWrite, kCandNone, kCandKinds };
  // A bank's next command for the current mode; its cycle is
  // max(local, unit_base_[kind][unit], group_next_[kind][group]).
  struct BankCandidate {
    std::uint64_t local;
    std::uint64_t key;
    std::int32_t entry;
    std::uint8_t kind;
    const std::uint64_t* unit_base;   // &unit_base_[kind][unit]
    const std::uint64_t* group_next;  // &group_next_[kind][group]
  };

  bool update_write_mode();  // true if the mode changed
  void refresh_candidate(int bank);
  void compute_bases();
  inline std::uint64_t candidate_cycle(int bank) const;
  inline bool better(std::uint64_t cycle, std::uint64_t key) const;
  void set_bank_plan(int bank, std::uint64_t cycle);
  std::uint64_t column_base(int unit, bool is_write) const;
  std::uint64_t activate_base(int unit) const;
  void issue_activate(int bank, std::int32_t entry, std::uint64_t t);
  void issue_precharge(int bank, std::uint64_t t);
  void issue_column(int bank, std::int32_t entry, std::uint64_t t);
  void issue_precharge_all(int unit, std::uint64_t t);
  void issue_refresh(int unit, std::uint64_t t);
  void close_bank(int bank, std::uint64_t precharge_cycle);
  void unlink(std::int32_t e);

  // Configuration, in cycles.
  DramTiming t_;
  int burst_cycles_;
  int act_cycles_;
  int cas_cycles_;
  int rtw_;  // RD to WR, same rank: CL + burst + 2 - CWL (Ramulator's formula)
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

  // Index maps (flat bank = (unit x bank groups + group) x banks + bank).
  std::vector<std::uint8_t> bank_group_of_, bank_unit_of_, unit_pc_, unit_rank_;
  // Bank state.
  std::vector<std::int64_t> open_row_;
  std::vector<std::uint64_t> bank_next_act_, bank_next_pre_, bank_next_rd_, bank_next_wr_;
  // Bank-group state.
  std::vector<std::uint64_t> bg_next_act_, bg_next_rd_, bg_next_wr_;
  // Rank (or pseudo-channel) state.
  std::vector<std::uint64_t> unit_next_act_, unit_next_rd_, unit_next_wr_;
  std::vector<std::uint64_t> faw_;  // per unit, ring of four: ACT cycle + tFAW
  std::vector<int> faw_pos_;
  std::vector<std::uint64_t> refresh_due_;
  std::vector<bool> refresh_pending_;
  std::vector<std::uint64_t> unit_bank_mask_;
  std::uint64_t pending_bank_mask_ = 0;
  // Data bus per pseudo-channel: free from cycle, and the rank that used it.
  std::vector<std::uint64_t> bus_free_;
  std::vector<int> bus_rank_;
  // Command buses: [0] row (and column when not split), [1] column.
  std::uint64_t cmd_free_[2] = {0, 0};
  int col_bus_;

  // Queues: a slot pool with per-bank, per-direction lists in arrival order.
  std::vector<Entry> entries_;
  std::vector<std::int32_t> free_slots_;
  std::vector<ListEnds> lists_[2];
  std::uint64_t bank_mask_[2] = {0, 0};  // banks with queued requests
  int queued_[2] = {0, 0};  // not yet activated: these count against the depth
  // The request an ACT was issued for, per bank, until its column command
  // (Ramulator's active buffer): served first, and its row is not closed.
  std::vector<std::int32_t> active_entry_;
  std::uint64_t active_mask_ = 0;
  // Queued (not activated) requests per direction and bank that hit the open row.
  std::vector<int> hit_count_[2];
  std::vector<BankCandidate> candidates_;
  std::uint64_t dirty_mask_ = ~std::uint64_t{0};
  std::uint64_t unit_base_[kCandKinds][kMaxUnits] = {};
  const std::uint64_t* group_next_[kCandKinds] = {};
  std::vector<std::uint64_t> zeros_;
  bool write_mode_ = false;
  std::uint64_t next_seq_ = 0;

  std::uint64_t now_ = 0;
  bool plan_valid_ = false;
  Plan plan_;
  DramCounters counters_;
};

}  // namespace qarch::memory

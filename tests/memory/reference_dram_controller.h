#pragma once
// A naive reference DRAM controller for one channel, for tests: the FR-FCFS
// policy of DramChannel (docs/memory.md, "Controller"), written from that
// description by a helper who had not read dram_channel.cpp, with every
// bank's candidate, every timing constraint and the read/write mode
// recomputed from scratch at every decision. None of DramChannel's cached
// candidates, competing-bank lists, kept plans or skipped idle refresh
// periods: test_dram_scheduler.cpp compares the two command by command.
#include <cstdint>
#include <vector>

#include "models/memory/dram_address_map.h"
#include "models/memory/dram_channel.h"  // DramCommand, DramCounters, DramBurstSink
#include "models/memory/dram_config.h"

namespace qarch::memory::testing {

struct BurstDone {
  std::uint64_t tag, done;
  bool is_write;
  bool operator==(const BurstDone& o) const { return tag == o.tag && done == o.done && is_write == o.is_write; }
};

// Records the model's completions (DramBurstSink) in the reference's form.
struct RecordingSink : DramBurstSink {
  std::vector<BurstDone> done;
  void burst_done(std::uint64_t tag, std::uint64_t done_cycle, bool is_write) override {
    done.push_back({tag, done_cycle, is_write});
  }
};

class ReferenceDramController {
 public:
  explicit ReferenceDramController(const DramConfig& c);
  // Same contract as DramSystem::accept_burst (address already decoded).
  std::uint64_t accept(const DramAddress& a, bool is_write, std::uint64_t cycle, std::uint64_t tag);
  void drain();
  void run_until(std::uint64_t cycle);  // all events strictly before `cycle`

  std::vector<DramCommand> log;
  std::vector<BurstDone> done;
  DramCounters counters;  // counted here, as the model counts them

 private:
  using i64 = std::int64_t;
  static constexpr i64 kNeg = -(i64(1) << 40);
  struct Req {
    std::uint64_t seq, tag;
    bool w;
    DramAddress a;
    int bank;  // flat
  };
  struct Bank {
    bool open = false;
    std::uint32_t row = 0;
    i64 act = kNeg, pre = kNeg, last_rd = kNeg, last_wr = kNeg;
    bool has_active = false;
    Req active{};
  };
  struct Group {
    i64 last_act = kNeg, last_rd = kNeg, last_wr = kNeg, last_wr_end = kNeg;
  };
  struct Unit {
    i64 last_act = kNeg, last_rd = kNeg, last_wr = kNeg, last_wr_end = kNeg;
    std::vector<i64> acts;  // all ACT cycles (for tFAW)
    i64 last_ref = kNeg;
    i64 next_due = 0;
    bool pending = false;
  };
  enum class CandidateKind { kDue, kPrea, kRef, kAct, kPre, kCol };
  struct Candidate {
    bool valid = false;
    i64 cycle = 0;
    int cls = 0;
    std::uint64_t seq = 0;
    int idx = 0;  // flat bank, or unit for refresh
    CandidateKind kind = CandidateKind::kDue;
    int qdir = -1;  // queue direction of the request (-1: active entry)
    int qpos = -1;  // position in that queue
    bool less(const Candidate& o) const {
      if (!o.valid) return true;
      if (cycle != o.cycle) return cycle < o.cycle;
      if (cls != o.cls) return cls < o.cls;
      if (seq != o.seq) return seq < o.seq;
      return idx < o.idx;
    }
  };

  void update_mode();
  void set_bus(bool row, i64 free_at);
  Candidate best();
  void issue(const Candidate& c);
  void close(Bank& b, i64 precharge_cycle);  // PRE, PREA or auto-precharge
  void run_before(i64 c);
  i64 pre_ready(const Bank& b) const;
  i64 act_ready(int b) const;
  i64 col_ready(int b, bool w) const;

  DramConfig cfg_;
  int bank_count_, unit_count_, banks_per_unit_, bank_groups_, banks_per_group_;
  i64 rtw_;
  std::vector<Bank> banks_;
  std::vector<Group> groups_;
  std::vector<Unit> units_;
  std::vector<i64> pc_end_;
  std::vector<int> pc_rank_;
  i64 row_bus_ = 0, col_bus_ = 0;  // first free cycle
  std::vector<Req> q_[2];
  bool write_mode_ = false;
  std::uint64_t seq_ = 0;
  i64 now_ = 0;
};

}  // namespace qarch::memory::testing

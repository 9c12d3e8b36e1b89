#include "sim/scalesim/user_bandwidth_replay.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "sim/scalesim/scratchpad_buffers.h"

namespace qarch::sim::scalesim {
namespace {

using compute::Dataflow;

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// SCALE-Sim's operand matrices (compute/operand_matrix.py), addressed without
// their offsets (each buffer only sees its own operand):
//   ifmap  [E x K]: window pixel k of output pixel e, -1 outside the ifmap;
//   filter [K x N]: n * K + k.
// The ifmap address splits into an output-pixel part and a window part, so
// four small tables replace the E x K matrix.
class IfmapOperand {
 public:
  explicit IfmapOperand(const ConvLayer& l) {
    const std::int64_t out_h = ceil_div(l.ifmap_h - l.filter_h + l.stride, l.stride);
    const std::int64_t out_w = ceil_div(l.ifmap_w - l.filter_w + l.stride, l.stride);
    const std::int64_t pixels = out_h * out_w;
    const std::int64_t window = l.filter_h * l.filter_w * l.channels;
    ifmap_h_ = l.ifmap_h;
    ifmap_w_ = l.ifmap_w;
    const std::int64_t row_words = l.ifmap_w * l.channels;
    pixel_row_.resize(static_cast<std::size_t>(pixels));
    pixel_col_.resize(static_cast<std::size_t>(pixels));
    pixel_base_.resize(static_cast<std::size_t>(pixels));
    for (std::int64_t e = 0; e < pixels; ++e) {
      const auto i = static_cast<std::size_t>(e);
      pixel_row_[i] = static_cast<std::int32_t>((e / out_w) * l.stride);
      pixel_col_[i] = static_cast<std::int32_t>((e % out_w) * l.stride);
      pixel_base_[i] = pixel_row_[i] * row_words + pixel_col_[i] * l.channels;
    }
    window_row_.resize(static_cast<std::size_t>(window));
    window_col_.resize(static_cast<std::size_t>(window));
    window_offset_.resize(static_cast<std::size_t>(window));
    for (std::int64_t k = 0; k < window; ++k) {
      const auto i = static_cast<std::size_t>(k);
      const std::int64_t in_row = k % (l.filter_w * l.channels);
      window_row_[i] = static_cast<std::int32_t>(k / (l.filter_w * l.channels));
      window_col_[i] = static_cast<std::int32_t>(in_row / l.channels);
      window_offset_[i] = window_row_[i] * row_words + window_col_[i] * l.channels + in_row % l.channels;
    }
  }
  std::int64_t pixels() const { return static_cast<std::int64_t>(pixel_row_.size()); }
  std::int64_t window() const { return static_cast<std::int64_t>(window_row_.size()); }
  std::int32_t at(std::int64_t e, std::int64_t k) const {
    const auto pe = static_cast<std::size_t>(e);
    const auto pk = static_cast<std::size_t>(k);
    if (pixel_row_[pe] + window_row_[pk] >= ifmap_h_ || pixel_col_[pe] + window_col_[pk] >= ifmap_w_) {
      return -1;
    }
    return static_cast<std::int32_t>(pixel_base_[pe] + window_offset_[pk]);
  }

 private:
  std::int64_t ifmap_h_ = 0, ifmap_w_ = 0;
  std::vector<std::int32_t> pixel_row_, pixel_col_, window_row_, window_col_;
  std::vector<std::int64_t> pixel_base_, window_offset_;
};

struct FilterOperand {
  std::int64_t window = 0;  // K
  std::int32_t at(std::int64_t k, std::int64_t n) const {
    return static_cast<std::int32_t>(n * window + k);
  }
};

// Set bits of x (SWAR: without -mpopcnt, __builtin_popcountll is a libgcc call).
std::uint32_t bit_count(std::uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<std::uint32_t>((x * 0x0101010101010101ULL) >> 56);
}

// The shape of a prefetch order (create_*_prefetch_mat): `blocks` per-fold
// slices of block_rows x width entries stacked vertically, read row-major or
// "rolled out along the diagonal" (compute/systolic_compute_*.py: diagonal
// d = r + c in increasing order, rows from high to low within a diagonal).
// Entry (block b, row r, col c) is operand column col = b * width + c (-1
// from column_limit on, the padding to the array width) at row r, with the
// operand matrix transposed or not.
struct OrderShape {
  std::int64_t blocks = 0, block_rows = 0, width = 0;
  bool diagonal = false;
  std::int64_t column_limit = 0;
  bool transposed = false;
};

// One read buffer's prefetch order, never stored: entries are recomputed from
// the operand, and only the rank of each entry among the valid ones is kept
// (a bit per entry plus a count per 64 entries).
//
// Every demand row reads a run of consecutive entries of its operand's
// prefetch order, in that order: in a row-major order a segment of one row,
// in a diagonal order a segment of one diagonal with the column rising (and
// the row falling) from word to word (tables in docs/scalesim_user_bandwidth.md).
// A run is given by the stacked row of its first word and its first and last
// column; valid_run() gives its ranks.
template <class Operand>
class PrefetchOrder {
 public:
  PrefetchOrder(const Operand& operand, OrderShape shape)
      : operand_(operand), shape_(shape), rows_(shape.blocks * shape.block_rows) {
    if (words() >= std::numeric_limits<std::uint32_t>::max()) {
      throw std::invalid_argument("SCALE-Sim replay: prefetch order longer than 2^32 words");
    }
    if (shape_.diagonal) {
      diagonal_start_.resize(static_cast<std::size_t>(rows_ + shape_.width - 1));
      std::int64_t position = 0;
      for (std::int64_t d = 0; d + 1 < rows_ + shape_.width; ++d) {
        diagonal_start_[static_cast<std::size_t>(d)] = position;
        position += std::min(d, rows_ - 1) - std::max<std::int64_t>(0, d - shape_.width + 1) + 1;
      }
    }
    const auto blocks = static_cast<std::size_t>(words() / 64 + 1);
    valid_mask_.assign(blocks, 0);
    valid_before_.assign(blocks, 0);
    std::int64_t position = 0;
    std::uint32_t valid = 0;
    for_each_entry([&](std::int32_t a) {
      const auto block = static_cast<std::size_t>(position / 64);
      if (position % 64 == 0) valid_before_[block] = valid;
      if (a >= 0) {
        valid_mask_[block] |= std::uint64_t{1} << (position % 64);
        ++valid;
      }
      ++position;
    });
    if (position % 64 == 0) valid_before_[static_cast<std::size_t>(position / 64)] = valid;
    valid_words_ = valid;
  }

  std::int64_t words() const { return rows_ * shape_.width; }  // including -1 entries
  std::int64_t valid_words() const { return valid_words_; }

  // Calls sink(address) for each valid entry, in order.
  template <class Sink>
  void for_each_valid(Sink sink) const {
    for_each_entry([&](std::int32_t a) {
      if (a >= 0) sink(a);
    });
  }

  // Ranks [begin, end) of the valid words of a run.
  std::pair<std::uint32_t, std::uint32_t> valid_run(std::int64_t row, std::int64_t first_col,
                                                    std::int64_t last_col) const {
    const std::int64_t last_row = shape_.diagonal ? row - (last_col - first_col) : row;
    return {rank(position(row, first_col)), rank(position(last_row, last_col) + 1)};
  }
  // The valid addresses of a run, in order.
  void run_addresses(std::int64_t row, std::int64_t first_col, std::int64_t last_col,
                     std::vector<std::int32_t>& addresses) const {
    addresses.clear();
    for (std::int64_t c = first_col; c <= last_col; ++c) {
      const std::int64_t r = shape_.diagonal ? row - (c - first_col) : row;
      const std::int32_t a = entry(r / shape_.block_rows, r % shape_.block_rows, c);
      if (a >= 0) addresses.push_back(a);
    }
  }

 private:
  std::int32_t entry(std::int64_t block, std::int64_t row, std::int64_t col) const {
    const std::int64_t column = block * shape_.width + col;
    if (column >= shape_.column_limit) return -1;
    return shape_.transposed ? operand_.at(column, row) : operand_.at(row, column);
  }
  // visit(address or -1) for every entry in prefetch order.
  template <class Visit>
  void for_each_entry(Visit visit) const {
    if (!shape_.diagonal) {
      for (std::int64_t b = 0; b < shape_.blocks; ++b)
        for (std::int64_t r = 0; r < shape_.block_rows; ++r)
          for (std::int64_t c = 0; c < shape_.width; ++c) visit(entry(b, r, c));
      return;
    }
    for (std::int64_t d = 0; d + 1 < rows_ + shape_.width; ++d) {
      const std::int64_t high = std::min(d, rows_ - 1);
      const std::int64_t low = std::max<std::int64_t>(0, d - shape_.width + 1);
      // Walk the stacked rows down as (block, row in block), without dividing per entry.
      std::int64_t block = high / shape_.block_rows, row = high % shape_.block_rows;
      for (std::int64_t r = high; r >= low; --r) {
        visit(entry(block, row, d - r));
        if (row-- == 0) row = shape_.block_rows - 1, --block;
      }
    }
  }
  std::int64_t position(std::int64_t r, std::int64_t c) const {
    if (!shape_.diagonal) return r * shape_.width + c;
    const std::int64_t d = r + c;
    return diagonal_start_[static_cast<std::size_t>(d)] + std::min(d, rows_ - 1) - r;
  }
  // Valid entries before `position`.
  std::uint32_t rank(std::int64_t position) const {
    const auto block = static_cast<std::size_t>(position / 64);
    const std::uint64_t below = (std::uint64_t{1} << (position % 64)) - 1;
    return valid_before_[block] + bit_count(valid_mask_[block] & below);
  }

  const Operand& operand_;
  OrderShape shape_;
  std::int64_t rows_;
  std::int64_t valid_words_ = 0;
  std::vector<std::int64_t> diagonal_start_;  // position of each diagonal's first entry
  std::vector<std::uint64_t> valid_mask_;     // bit p % 64 of word p / 64: entry p is valid
  std::vector<std::uint32_t> valid_before_;   // valid entries before each 64-entry block
};

// Columns c in [0, used) with q - offset - c in [0, span): the skewed
// columns of a demand row that fall inside the streamed block.
struct ColumnRange {
  std::int64_t first = 0, end = 0;  // [first, end)
  std::int64_t size() const { return std::max<std::int64_t>(0, end - first); }
};
ColumnRange skewed_columns(std::int64_t q, std::int64_t offset, std::int64_t span,
                           std::int64_t used) {
  return {std::max<std::int64_t>(0, q - offset - span + 1), std::min(used, q - offset + 1)};
}

}  // namespace

void check_user_bandwidth_layer(const ConvLayer& l, const ScratchpadSetup& s) {
  auto positive = [](std::int64_t v, const char* name) {
    if (v < 1) throw std::invalid_argument(fmt::format("SCALE-Sim replay: {} must be >= 1, got {}", name, v));
  };
  positive(l.ifmap_h, "ifmap_h");
  positive(l.ifmap_w, "ifmap_w");
  positive(l.filter_h, "filter_h");
  positive(l.filter_w, "filter_w");
  positive(l.channels, "channels");
  positive(l.filters, "filters");
  positive(l.stride, "stride");
  positive(s.array_rows, "array_rows");
  positive(s.array_cols, "array_cols");
  positive(s.ifmap_words, "ifmap_words");
  positive(s.filter_words, "filter_words");
  positive(s.bandwidth_words_per_cycle, "bandwidth_words_per_cycle");
  if (s.ofmap_words < 2) {
    throw std::invalid_argument(fmt::format("SCALE-Sim replay: ofmap_words must be >= 2, got {}", s.ofmap_words));
  }
  if (l.filter_h > l.ifmap_h || l.filter_w > l.ifmap_w) {
    throw std::invalid_argument(fmt::format(
        "SCALE-Sim replay: filter {}x{} larger than ifmap {}x{}", l.filter_h, l.filter_w, l.ifmap_h, l.ifmap_w));
  }
  const std::int64_t limit = std::numeric_limits<std::int32_t>::max();
  const std::int64_t window = l.filter_h * l.filter_w * l.channels;
  if (l.ifmap_h * l.ifmap_w * l.channels > limit || window * l.filters > limit) {
    throw std::invalid_argument("SCALE-Sim replay: operand larger than 2^31 words");
  }
}

UserBandwidthReplay replay_user_bandwidth(const ConvLayer& layer, const ScratchpadSetup& setup) {
  check_user_bandwidth_layer(layer, setup);
  const IfmapOperand ifmap(layer);
  const FilterOperand filter{ifmap.window()};
  const std::int64_t pixels = ifmap.pixels();       // E
  const std::int64_t window = ifmap.window();       // K
  const std::int64_t filters = layer.filters;       // N
  const std::int64_t ah = setup.array_rows, aw = setup.array_cols;
  const Dataflow dataflow = setup.dataflow;

  // compute/systolic_compute_{os,ws,is}.py: what is mapped on rows (Sr),
  // columns (Sc) and time (T), and the fold length L.
  std::int64_t sr = 0, sc = 0, t_len = 0, fold_len = 0;
  switch (dataflow) {
    case Dataflow::kOutputStationary:
      sr = pixels, sc = filters, t_len = window, fold_len = ah + aw + t_len - 2;
      break;
    case Dataflow::kWeightStationary:
      sr = window, sc = filters, t_len = pixels, fold_len = 2 * ah + aw + t_len - 2;
      break;
    case Dataflow::kInputStationary:
      sr = window, sc = pixels, t_len = filters, fold_len = 2 * ah + aw + t_len - 2;
      break;
  }
  const std::int64_t row_folds = ceil_div(sr, ah), col_folds = ceil_div(sc, aw);

  // Prefetch orders (create_*_prefetch_mat): the per-fold slices of each
  // operand, -1 padded to the array width.
  OrderShape ifmap_shape, filter_shape;
  switch (dataflow) {
    case Dataflow::kWeightStationary:
      // ifmap: per row fold the T x AH slice ifmap[:, fr*AH ...], diagonal;
      // filter: per column fold the K x AW slice filter[:, fc*AW ...], row-major.
      ifmap_shape = {row_folds, t_len, ah, true, sr, false};
      filter_shape = {col_folds, sr, aw, false, sc, false};
      break;
    case Dataflow::kOutputStationary:
      // ifmap: per row fold the K x AH slice ifmap^T[:, fr*AH ...], diagonal;
      // filter: per column fold the K x AW slice filter[:, fc*AW ...], diagonal.
      ifmap_shape = {row_folds, t_len, ah, true, sr, true};
      filter_shape = {col_folds, t_len, aw, true, sc, false};
      break;
    case Dataflow::kInputStationary:
      // ifmap: per column fold the K x AW slice ifmap^T[:, fc*AW ...], row-major;
      // filter: per row fold the N x AH slice filter[fr*AH ..., :]^T, diagonal.
      ifmap_shape = {col_folds, sr, aw, false, sc, true};
      filter_shape = {row_folds, t_len, ah, true, sr, true};
      break;
  }
  const PrefetchOrder<IfmapOperand> ifmap_order(ifmap, ifmap_shape);
  const PrefetchOrder<FilterOperand> filter_order(filter, filter_shape);
  ReadBufferWindow ifmap_buffer([&](auto sink) { ifmap_order.for_each_valid(sink); },
                                layer.ifmap_h * layer.ifmap_w * layer.channels, ifmap_order.valid_words(),
                                ifmap_order.words(), setup.ifmap_words, setup.bandwidth_words_per_cycle);
  ReadBufferWindow filter_buffer([&](auto sink) { filter_order.for_each_valid(sink); }, window * filters,
                                 filter_order.valid_words(), filter_order.words(), setup.filter_words,
                                 setup.bandwidth_words_per_cycle);
  WriteBufferDrain ofmap_buffer(setup.ofmap_words, setup.bandwidth_words_per_cycle);

  UserBandwidthReplay out;
  out.stall_cycles_per_fold.assign(static_cast<std::size_t>(row_folds * col_folds), 0);
  bool seen_ifmap = false, seen_filter = false, seen_ofmap = false;
  std::int64_t stalls = 0;
  std::int64_t row = 0;
  std::int64_t last_ofmap_out = 0;
  std::vector<std::int32_t> run_addresses;

  // double_buffered_scratchpad_mem.py service_memory_requests: one demand row
  // per cycle; a row's stall is the largest extra delay of the three buffers.
  for (std::int64_t fc = 0; fc < col_folds; ++fc) {
    const std::int64_t cols_used = std::min(aw, sc - fc * aw);
    for (std::int64_t fr = 0; fr < row_folds; ++fr) {
      const std::int64_t rows_used = std::min(ah, sr - fr * ah);
      std::int64_t& fold_stalls = out.stall_cycles_per_fold[static_cast<std::size_t>(fc * row_folds + fr)];
      for (std::int64_t q = 0; q < fold_len; ++q, ++row) {
        // A read: the run of the operand's prefetch order starting at stacked
        // row `first_row`, columns [first, end). Served in one step when all
        // its words lie in window lines (run_in_window), word by word otherwise.
        auto read = [&](const auto& order, ReadBufferWindow& buffer, std::int64_t first_row,
                        std::int64_t first, std::int64_t end, bool* valid) -> std::int64_t {
          if (end <= first) return 0;
          const auto [begin_rank, end_rank] = order.valid_run(first_row, first, end - 1);
          *valid = end_rank > begin_rank;
          if (buffer.run_in_window(begin_rank, end_rank)) return 0;
          order.run_addresses(first_row, first, end - 1, run_addresses);
          return buffer.demand_run(begin_rank, run_addresses);
        };
        std::int64_t ifmap_slides = 0, filter_slides = 0, ofmap_words = 0;
        bool ifmap_valid = false, filter_valid = false;
        switch (dataflow) {
          case Dataflow::kWeightStationary: {
            // ifmap: column c carries ifmap[t, fr*AH+c], t = q - AH - c.
            const auto ic = skewed_columns(q, ah, t_len, rows_used);
            ifmap_slides = read(ifmap_order, ifmap_buffer, fr * t_len + q - ah - ic.first, ic.first, ic.end, &ifmap_valid);
            // filter: loaded in the first AH rows, last filter row first.
            if (q < ah && ah - 1 - q < rows_used) {
              filter_slides = read(filter_order, filter_buffer, fc * sr + fr * ah + ah - 1 - q, 0, cols_used, &filter_valid);
            }
            ofmap_words = skewed_columns(q, 2 * ah - 1, t_len, cols_used).size();
            break;
          }
          case Dataflow::kOutputStationary: {
            // ifmap[fr*AH+c, q-c] and filter[q-c, fc*AW+c].
            const auto ic = skewed_columns(q, 0, t_len, rows_used);
            ifmap_slides = read(ifmap_order, ifmap_buffer, fr * t_len + q - ic.first, ic.first, ic.end, &ifmap_valid);
            const auto fcr = skewed_columns(q, 0, t_len, cols_used);
            filter_slides = read(filter_order, filter_buffer, fc * t_len + q - fcr.first, fcr.first, fcr.end, &filter_valid);
            // ofmap: the flipped, -1 padded AH-row block after T-1 rows; only
            // its last rows_used rows (skew r = q - (T-1) - c) hold outputs.
            const auto oc = skewed_columns(q, t_len - 1 + (ah - rows_used), rows_used, cols_used);
            ofmap_words = oc.size();
            break;
          }
          case Dataflow::kInputStationary: {
            // ifmap: loaded in the first AH rows, last window row first.
            if (q < ah && ah - 1 - q < rows_used) {
              ifmap_slides = read(ifmap_order, ifmap_buffer, fc * sr + fr * ah + ah - 1 - q, 0, cols_used, &ifmap_valid);
            }
            // filter: column c carries filter[fr*AH+c, q-AH-c].
            const auto fcr = skewed_columns(q, ah, t_len, rows_used);
            filter_slides = read(filter_order, filter_buffer, fr * t_len + q - ah - fcr.first, fcr.first, fcr.end, &filter_valid);
            ofmap_words = skewed_columns(q, 2 * ah - 1, t_len, cols_used).size();
            break;
          }
        }

        const std::int64_t cycle = row + stalls;
        // read_buffer.py: a row that triggered new_prefetch() is served one
        // cycle after the last prefetch lands; prefetches are chained on an
        // absolute timeline, so this depends only on the prefetch count.
        const std::int64_t ifmap_stall =
            ifmap_slides > 0 ? std::max<std::int64_t>(0, ifmap_buffer.last_prefetch_cycle() - cycle - 1) : 0;
        const std::int64_t filter_stall =
            filter_slides > 0 ? std::max<std::int64_t>(0, filter_buffer.last_prefetch_cycle() - cycle - 1) : 0;
        const std::int64_t ofmap_out = ofmap_words > 0 ? ofmap_buffer.write_row(cycle, ofmap_words) : cycle;
        const std::int64_t ofmap_stall = ofmap_out - cycle;

        if (ifmap_valid) {
          if (!seen_ifmap) out.sram_ifmap_start_cycle = cycle + 1 + ifmap_stall;
          out.sram_ifmap_stop_cycle = cycle + 1 + ifmap_stall;
          seen_ifmap = true;
        }
        if (filter_valid) {
          if (!seen_filter) out.sram_filter_start_cycle = cycle + 1 + filter_stall;
          out.sram_filter_stop_cycle = cycle + 1 + filter_stall;
          seen_filter = true;
        }
        if (ofmap_words > 0) {
          if (!seen_ofmap) out.sram_ofmap_start_cycle = ofmap_out;
          out.sram_ofmap_stop_cycle = ofmap_out;
          seen_ofmap = true;
        }
        const std::int64_t row_stall = std::max({ifmap_stall, filter_stall, ofmap_stall});
        stalls += row_stall;
        fold_stalls += row_stall;
        last_ofmap_out = ofmap_out;
      }
    }
  }

  // SCALE-Sim reports the service cycle of the last OFMAP row as Total Cycles.
  out.total_cycles = last_ofmap_out;
  out.stall_cycles = stalls;
  ofmap_buffer.empty_all(out.total_cycles);

  out.ifmap_prefetches = ifmap_buffer.prefetches();
  out.filter_prefetches = filter_buffer.prefetches();
  out.dram_ifmap_reads = ifmap_buffer.dram_reads_words();
  out.dram_filter_reads = filter_buffer.dram_reads_words();
  out.dram_ofmap_writes = ofmap_buffer.dram_writes_words();
  out.dram_ifmap_start_cycle = ifmap_buffer.dram_start_cycle();
  out.dram_ifmap_stop_cycle = ifmap_buffer.last_prefetch_cycle();
  out.dram_filter_start_cycle = filter_buffer.dram_start_cycle();
  out.dram_filter_stop_cycle = filter_buffer.last_prefetch_cycle();
  out.dram_ofmap_start_cycle = ofmap_buffer.first_drain_start_cycle();
  out.dram_ofmap_stop_cycle = ofmap_buffer.last_drain_end_cycle();
  return out;
}

}  // namespace qarch::sim::scalesim

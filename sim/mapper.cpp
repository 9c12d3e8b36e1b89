#include "sim/mapper.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/input_error.h"
#include "common/units.h"
#include "models/numerics/format_registry.h"
#include "sim/scalesim/user_bandwidth_replay.h"

namespace qarch::sim {
namespace {

using compute::Dataflow;
using workloads::Op;
using workloads::OpType;

double bytes_per_element(const std::string& format) {
  return numerics::format_info(format).storage_bits / 8.0;
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// SRAM accesses of a pass, in elements: SCALE-Sim v2's counts (checked on
// every reference layer in shared/reference/scalesim/closed_form_check.csv)
// with the reduction dimension taken as its k elements. The plan maps
// ceil(k / p) reduction steps for a PE doing p MACs per cycle, but each step
// reads p elements; at p = 1, SCALE-Sim's case, the two are the same.
void count_sram(Pass& p, const compute::SystolicArrayShape& a) {
  const compute::FoldPlan& f = p.plan;
  const auto m = static_cast<std::uint64_t>(p.m), n = static_cast<std::uint64_t>(p.n),
             k = static_cast<std::uint64_t>(p.k), cfr = static_cast<std::uint64_t>(f.row_folds),
             cfc = static_cast<std::uint64_t>(f.col_folds);
  switch (a.dataflow) {
    case Dataflow::kOutputStationary:  // Sr = m, Sc = n, T = k
      p.sram_ifmap_reads = cfc * m * k;
      p.sram_filter_reads = cfr * k * n;
      p.sram_ofmap_writes = m * n;
      break;
    case Dataflow::kWeightStationary:  // Sr = k, Sc = n, T = m
      p.sram_ifmap_reads = cfc * m * k;
      p.sram_filter_reads = k * n;
      p.sram_ofmap_writes = cfr * m * n;
      break;
    case Dataflow::kInputStationary:  // Sr = k, Sc = m, T = n
      p.sram_ifmap_reads = k * m;
      p.sram_filter_reads = cfc * n * k;
      p.sram_ofmap_writes = cfr * m * n;
      break;
  }
  p.sram_psum_reads = p.sram_ofmap_writes - m * n;
}

Pass array_pass(const Op& op, const AcceleratorConfig& config, std::string label, std::int64_t m, std::int64_t n,
                std::int64_t k, double ifmap_elements) {
  const MacFormatSupport* support = config.find_format_pair(op.weights.format, op.inputs.format);
  if (support == nullptr) {
    std::string pairs;
    for (const MacFormatSupport& f : config.array.formats) {
      pairs += (pairs.empty() ? "" : ", ") + f.weights + " x " + f.inputs;
    }
    throw InputError(op.where, fmt::format("op '{}' needs weights {} x inputs {}, which the array does not run "
                                           "({}); supported: {}",
                                           op.name, op.weights.format, op.inputs.format,
                                           config.where_within("compute.systolic_array.formats").describe(), pairs));
  }
  Pass p;
  p.label = std::move(label);
  p.op_where = op.where;
  p.m = m;
  p.n = n;
  p.k = k;
  p.format_pair = op.weights.format + "*" + op.inputs.format + "->" + op.accumulator;
  p.macs_per_pe_per_cycle = support->macs_per_pe_per_cycle;
  p.plan = compute::plan_folds(config.array.shape, m, n, k, p.macs_per_pe_per_cycle);
  count_sram(p, config.array.shape);
  // DRAM holds operands with their scales and zero-points; the array reads
  // bare elements from the scratchpads.
  const workloads::OperandBytes stored = workloads::stored_bytes_per_element(op);
  p.ifmap_bytes = ifmap_elements * stored.inputs;
  p.filter_bytes = static_cast<double>(k * n) * stored.weights;
  p.ofmap_bytes = static_cast<double>(m * n) * stored.outputs;
  p.psum_bytes_per_output = bytes_per_element(op.accumulator);
  p.input_bytes_per_element = bytes_per_element(op.inputs.format);
  p.weight_bytes_per_element = bytes_per_element(op.weights.format);
  p.output_bytes_per_element = bytes_per_element(op.outputs.format);
  return p;
}

// The compute side of array fold `index`: its cycles, PEs used and MACs.
FoldWork array_fold(const Pass& p, const compute::SystolicArrayShape& shape, std::int64_t index) {
  const compute::FoldPlan& f = p.plan;
  const std::int64_t rows = f.rows_used(index % f.row_folds, shape.rows);
  const std::int64_t cols = f.cols_used(index / f.row_folds, shape.cols);
  FoldWork w;
  w.compute_cycles = f.cycles_per_fold;
  w.pes_used = rows * cols;
  w.macs = static_cast<std::uint64_t>(std::llround(static_cast<double>(p.m * p.n * p.k) *
                                                   static_cast<double>(rows * cols) /
                                                   static_cast<double>(f.spatial_rows * f.spatial_cols)));
  return w;
}

// Traffic model "reuse": an operand whose unique bytes fit in one half of its
// double-buffered scratchpad is fetched once; otherwise the slice a fold needs
// is fetched whenever it differs from the previous fold's slice. Fold order is
// column folds outer, row folds inner. Slices of the im2col input are priced
// at the unique input bytes they cover, in proportion. Partial sums of
// ws/is (reduction on rows) stay in the ofmap scratchpad when they fit and
// spill to DRAM (accumulator width) when they do not.
class ReuseSchedule : public FoldSchedule {
 public:
  ReuseSchedule(const Pass& p, const AcceleratorConfig& c) : p_(p), shape_(c.array.shape) {
    ifmap_fits_ = p.ifmap_bytes <= c.ifmap.size_bytes / 2;
    filter_fits_ = p.filter_bytes <= c.filter.size_bytes / 2;
    const double psum_bytes = static_cast<double>(p.plan.temporal) *
                              std::min<double>(shape_.cols, p.plan.spatial_cols) *
                              p.psum_bytes_per_output;
    psum_fits_ = psum_bytes <= c.ofmap.size_bytes / 2;
  }

  std::int64_t folds() const override { return p_.plan.folds(); }

  FoldWork fold(std::int64_t index) const override {
    const compute::FoldPlan& f = p_.plan;
    const std::int64_t j = index / f.row_folds;  // column fold (outer)
    const std::int64_t i = index % f.row_folds;  // row fold (inner)
    const std::int64_t rows = f.rows_used(i, shape_.rows), cols = f.cols_used(j, shape_.cols);
    FoldWork w = array_fold(p_, shape_, index);
    // Which fold index each operand's slice follows: row fold i, column fold j
    // or both (a new tile every fold).
    const bool first_of_row_slice = fetch_row_slice(i, j, index);
    // Slices in fetch order: row slice i of the Sr rows, column slice j of the
    // Sc columns, tile (i, j) in tile order (column folds outer).
    const std::int64_t first_row = i * shape_.rows, first_col = j * shape_.cols;
    const std::int64_t tiles_before = first_col * f.spatial_rows + first_row * cols;
    const std::int64_t tile_parts = f.spatial_rows * f.spatial_cols;
    switch (shape_.dataflow) {
      case Dataflow::kOutputStationary: {  // rows: m, cols: n, T: k
        const Span ifmap = span(p_.ifmap_bytes, first_row, rows, f.spatial_rows);
        const Span filter = span(p_.filter_bytes, first_col, cols, f.spatial_cols);
        const Span ofmap = span(p_.ofmap_bytes, tiles_before, rows * cols, tile_parts);
        w.ifmap_read_bytes = first_of_row_slice ? ifmap.bytes : 0;
        w.ifmap_offset = ifmap.offset;
        w.filter_read_bytes = i == 0 ? filter.bytes : 0;
        w.filter_offset = filter.offset;
        w.ofmap_write_bytes = ofmap.bytes;
        w.ofmap_offset = ofmap.offset;
        break;
      }
      case Dataflow::kWeightStationary:  // rows: k, cols: n, T: m
      case Dataflow::kInputStationary: {  // rows: k, cols: m, T: n
        // The stationary operand (ws: weights, is: inputs) comes a tile per
        // fold, the streamed one a row slice, fetched again only when its
        // scratchpad cannot keep it.
        const bool ws = shape_.dataflow == Dataflow::kWeightStationary;
        const Span tile = span(ws ? p_.filter_bytes : p_.ifmap_bytes, tiles_before, rows * cols, tile_parts);
        const Span slice = span(ws ? p_.ifmap_bytes : p_.filter_bytes, first_row, rows, f.spatial_rows);
        std::uint64_t& tile_read_bytes = ws ? w.filter_read_bytes : w.ifmap_read_bytes;
        std::uint64_t& tile_offset = ws ? w.filter_offset : w.ifmap_offset;
        std::uint64_t& slice_read_bytes = ws ? w.ifmap_read_bytes : w.filter_read_bytes;
        std::uint64_t& slice_offset = ws ? w.ifmap_offset : w.filter_offset;
        tile_read_bytes = tile.bytes;
        tile_offset = tile.offset;
        slice_read_bytes = fetch_slice(ws ? ifmap_fits_ : filter_fits_, i, j, index) ? slice.bytes : 0;
        slice_offset = slice.offset;
        reduction_outputs(w, i, first_col, cols);
        break;
      }
    }
    return w;
  }

 private:
  static std::uint64_t bytes(double b) { return static_cast<std::uint64_t>(std::ceil(b)); }

  // Parts [first, first + count) of an operand of `operand_bytes` stored as
  // `parts` equal parts back to back in fetch order. Both ends come from the
  // same rounded boundary, so a slice ends exactly where the next begins and
  // an operand read once in order is one contiguous stream (rounding each
  // share on its own left 1-byte gaps and overlaps between tiles, which a
  // flash device serves as random reads).
  struct Span {
    std::uint64_t offset = 0, bytes = 0;
  };
  static Span span(double operand_bytes, std::int64_t first, std::int64_t count, std::int64_t parts) {
    const auto boundary = [&](std::int64_t part) {
      return bytes(operand_bytes * static_cast<double>(part) / static_cast<double>(parts));
    };
    const std::uint64_t begin = boundary(first);
    return {begin, boundary(first + count) - begin};
  }

  bool fetch_row_slice(std::int64_t i, std::int64_t j, std::int64_t index) const {
    return fetch_slice(ifmap_fits_, i, j, index);
  }

  // A slice indexed by the row fold: resident operands are fetched during the
  // first column fold only; others whenever the row fold changes.
  bool fetch_slice(bool resident, std::int64_t i, std::int64_t j, std::int64_t index) const {
    if (resident) return j == 0;
    return p_.plan.row_folds > 1 || index == 0;
  }

  // Reduction over row folds: outputs leave after the last row fold; partial
  // sums spill between row folds when the ofmap scratchpad cannot hold them.
  // Columns [first_col, first_col + cols) of the Sc output columns.
  void reduction_outputs(FoldWork& w, std::int64_t i, std::int64_t first_col, std::int64_t cols) const {
    const std::int64_t spatial_cols = p_.plan.spatial_cols;
    const Span outputs = span(p_.ofmap_bytes, first_col, cols, spatial_cols);
    // Partial sums sit in the ofmap stream after the outputs.
    const double all_psum_bytes = static_cast<double>(p_.plan.temporal * spatial_cols) * p_.psum_bytes_per_output;
    const Span psums = span(all_psum_bytes, first_col, cols, spatial_cols);
    w.psum_offset = bytes(p_.ofmap_bytes) + psums.offset;
    const bool last = i == p_.plan.row_folds - 1;
    // The last row fold writes final outputs; earlier ones spill partial sums.
    w.ofmap_offset = last ? outputs.offset : w.psum_offset;
    if (last) w.ofmap_write_bytes = outputs.bytes;
    if (!psum_fits_) {
      if (!last) w.ofmap_write_bytes += psums.bytes;
      if (i > 0) w.psum_read_bytes = psums.bytes;
    }
  }

  const Pass& p_;
  compute::SystolicArrayShape shape_;
  bool ifmap_fits_ = false, filter_fits_ = false, psum_fits_ = false;
};

// Vector passes stream in chunks of half the ifmap scratchpad.
class VectorSchedule : public FoldSchedule {
 public:
  VectorSchedule(const Pass& p, const AcceleratorConfig& c) : p_(p), lanes_(c.vector_unit.lanes) {
    const double bytes_per_element = p.ifmap_bytes / static_cast<double>(p.m);
    chunk_elements_ = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(static_cast<double>(c.ifmap.size_bytes / 2) / bytes_per_element));
    chunks_ = ceil_div(p.m, chunk_elements_);
  }
  std::int64_t folds() const override { return chunks_; }
  FoldWork fold(std::int64_t index) const override {
    const std::int64_t elements = std::min(chunk_elements_, p_.m - index * chunk_elements_);
    const double share = static_cast<double>(elements) / static_cast<double>(p_.m);
    FoldWork w;
    const auto ops = static_cast<std::int64_t>(std::llround(static_cast<double>(p_.element_ops) * share));
    w.compute_cycles = ceil_div(ops, lanes_);
    w.pes_used = lanes_;
    const double start = static_cast<double>(index * chunk_elements_) / static_cast<double>(p_.m);
    w.ifmap_read_bytes = static_cast<std::uint64_t>(std::ceil(p_.ifmap_bytes * share));
    w.ifmap_offset = static_cast<std::uint64_t>(p_.ifmap_bytes * start);
    w.ofmap_write_bytes = static_cast<std::uint64_t>(std::ceil(p_.ofmap_bytes * share));
    w.ofmap_offset = static_cast<std::uint64_t>(p_.ofmap_bytes * start);
    return w;
  }

 private:
  const Pass& p_;
  std::int64_t lanes_;
  std::int64_t chunk_elements_ = 1, chunks_ = 1;
};

bool uses_scalesim_user_schedule(const AcceleratorConfig& c) {
  return c.traffic_model == "scalesim" && c.dram.bandwidth_bytes_per_s > 0;
}

// The pass as SCALE-Sim's USER-bandwidth model sees it: one topology row and
// its scratchpads. InputError for a pass SCALE-Sim cannot express: at
// simulation.traffic_model in a YAML config, at the topology row in a SCALE-Sim
// run (a .cfg has no key lines, and its USER mode is not a key to change);
// planning checks every pass with it, so that `qarch validate` refuses what
// `qarch run` would.
struct ScaleSimUserLayer {
  scalesim::ConvLayer layer;
  scalesim::ScratchpadSetup setup;
};
SourceRef scalesim_user_blame(const Pass& p, const AcceleratorConfig& c) {
  return c.key_lines.empty() ? p.op_where : c.where("simulation.traffic_model");
}

ScaleSimUserLayer scalesim_user_layer(const Pass& p, const AcceleratorConfig& c) {
  ScaleSimUserLayer l;
  if (p.from_conv) {
    if (p.conv.stride_h != p.conv.stride_w || p.conv.pad_top != 0 || p.conv.pad_left != 0) {
      throw InputError(scalesim_user_blame(p, c),
                       fmt::format("pass '{}': the scalesim traffic model needs SCALE-Sim-shaped "
                                   "layers (one stride, no top/left padding)", p.label));
    }
    l.layer = {p.conv.height, p.conv.width, p.conv.filter_height, p.conv.filter_width,
               p.conv.channels, p.conv.filters, p.conv.stride_h};
  } else {
    l.layer = {p.m, p.k, 1, p.k, 1, p.n, 1};  // SCALE-Sim's GEMM: ifmap M x K, filter 1 x K
  }
  // A whole number of bytes per cycle (read_accelerator checks it).
  const double words_per_cycle = c.dram.bandwidth_bytes_per_s / c.clock_hz;
  l.setup = {c.array.shape.rows, c.array.shape.cols, c.array.shape.dataflow,
             static_cast<std::int64_t>(c.ifmap.size_bytes),
             static_cast<std::int64_t>(c.filter.size_bytes),
             static_cast<std::int64_t>(c.ofmap.size_bytes),
             static_cast<std::int64_t>(words_per_cycle)};
  try {
    scalesim::check_user_bandwidth_layer(l.layer, l.setup);
  } catch (const std::invalid_argument& e) {
    throw InputError(scalesim_user_blame(p, c), fmt::format("pass '{}': {}", p.label, e.what()));
  }
  return l;
}

// Traffic model "scalesim" with limited bandwidth: SCALE-Sim v2's own
// double-buffered scratchpad (USER mode), replayed per layer
// (sim/scalesim/, docs/scalesim_user_bandwidth.md). Its stalls are charged per
// fold; its DRAM words are counted, their time is already in those stalls;
// its SRAM and DRAM access windows are the pass's.
class ScaleSimUserSchedule : public FoldSchedule {
 public:
  ScaleSimUserSchedule(const Pass& p, const AcceleratorConfig& c) : p_(p), shape_(c.array.shape) {
    const ScaleSimUserLayer l = scalesim_user_layer(p, c);
    try {
      replay_ = scalesim::replay_user_bandwidth(l.layer, l.setup);
    } catch (const std::invalid_argument& e) {
      throw InputError(scalesim_user_blame(p, c), fmt::format("pass '{}': {}", p.label, e.what()));
    }
  }
  std::int64_t folds() const override { return p_.plan.folds(); }
  FoldWork fold(std::int64_t index) const override {
    FoldWork w = array_fold(p_, shape_, index);
    w.traffic_already_timed = true;
    w.charged_stall_cycles = replay_.stall_cycles_per_fold[static_cast<std::size_t>(index)];
    if (index == 0) {
      w.ifmap_read_bytes = static_cast<std::uint64_t>(replay_.dram_ifmap_reads);
      w.filter_read_bytes = static_cast<std::uint64_t>(replay_.dram_filter_reads);
    }
    if (index + 1 == folds()) w.ofmap_write_bytes = static_cast<std::uint64_t>(replay_.dram_ofmap_writes);
    return w;
  }
  std::optional<AccessWindows> access_windows() const override {
    const scalesim::UserBandwidthReplay& r = replay_;
    return AccessWindows{{r.sram_ifmap_start_cycle, r.sram_ifmap_stop_cycle},
                         {r.sram_filter_start_cycle, r.sram_filter_stop_cycle},
                         {r.sram_ofmap_start_cycle, r.sram_ofmap_stop_cycle},
                         {r.dram_ifmap_start_cycle, r.dram_ifmap_stop_cycle},
                         {r.dram_filter_start_cycle, r.dram_filter_stop_cycle},
                         {r.dram_ofmap_start_cycle, r.dram_ofmap_stop_cycle}};
  }

 private:
  const Pass& p_;
  compute::SystolicArrayShape shape_;
  scalesim::UserBandwidthReplay replay_;
};

Pass vector_pass(const Op& op, std::int64_t elements, std::int64_t operands, std::int64_t ops_per_element) {
  Pass p;
  p.label = op.name;
  p.unit = Pass::Unit::kVectorUnit;
  p.m = elements;  // elements per operand
  // Fits in 64 bits: the trace refuses a softmax whose operations do not.
  p.element_ops = static_cast<std::uint64_t>(elements * ops_per_element);
  const workloads::OperandBytes stored = workloads::stored_bytes_per_element(op);
  p.ifmap_bytes = static_cast<double>(elements * operands) * stored.inputs;
  p.ofmap_bytes = static_cast<double>(elements) * stored.outputs;
  return p;
}

// Without a capacity (the DRAM stand-in, flash) a stream has 1 TiB.
constexpr std::uint64_t kStreamBytesWithoutCapacity = std::uint64_t{1} << 40;

// The address space an operand stream has, and what sets it (for errors).
struct StreamSpace {
  std::uint64_t bytes = 0;
  std::string source;
};

StreamSpace stream_space(const AcceleratorConfig& c, bool in_flash) {
  if (in_flash) {
    return {kStreamBytesWithoutCapacity, fmt::format("the address space of weights in flash ({})", c.where("flash").describe())};
  }
  if (!c.dram.detailed) {
    return {kStreamBytesWithoutCapacity, fmt::format("a quarter of the 4 TiB the bandwidth-only DRAM addresses ({}, no "
                                                     "preset)", c.where("dram").describe())};
  }
  const memory::DramConfig& d = *c.dram.detailed;
  // The --set that gave a count the capacity comes from, else the section.
  const SetArgument* set = c.set_argument_within({"dram.preset", "dram.channels", "dram.pseudo_channels", "dram.ranks",
                                                  "dram.bank_groups", "dram.banks_per_group", "dram.rows", "dram.columns",
                                                  "dram.bus_width_bits"});
  const SourceRef capacity_source = set ? set->source(set->key_path) : c.where("dram");
  return {operand_stream_bytes(c),
          fmt::format("a quarter of the DRAM's {} ({}: channels x pseudo_channels x ranks x bank_groups x "
                      "banks_per_group x rows x columns x bus_width_bits / 8 = {} x {} x {} x {} x {} x {} x {} x {} / 8)",
                      format_bytes(static_cast<double>(d.capacity_bytes())), capacity_source.describe(), d.channels,
                      d.pseudo_channels, d.ranks, d.bank_groups, d.banks_per_group, d.rows, d.columns,
                      d.bus_width_bits)};
}

// Lays the passes' operands out one after another in their streams' address
// space, 64 B aligned; InputError naming the op with which a stream no longer
// fits (its addresses would wrap onto other operands). Each op's operands are
// its own: an op's outputs are not placed where the next op reads its inputs.
void place_operands(std::vector<OpPlan>& plans, const AcceleratorConfig& config) {
  struct Stream {
    const char* operands;
    StreamSpace space;
    std::uint64_t used = 0;
  };
  Stream ifmap{"inputs", stream_space(config, false)};
  Stream filter{"weights", stream_space(config, config.flash.has_value())};
  Stream ofmap{"outputs (with spilled partial sums)", stream_space(config, false)};
  // Sizes stay doubles until they are known to fit: a pass's bytes can exceed 64 bits.
  constexpr double kAlign = 64;  // a DRAM burst or cache line: operands share none
  auto aligned = [](double bytes) { return std::ceil(bytes / kAlign) * kAlign; };
  auto place = [&](const Op& op, const Pass& p, Stream& s, double bytes, std::uint64_t& base, std::uint64_t& stride) {
    const double footprint = static_cast<double>(s.used) + aligned(bytes) * static_cast<double>(p.repeat);
    if (footprint > static_cast<double>(s.space.bytes)) {
      throw InputError(op.where, fmt::format("with this op the workload's {} need {:.0f} B ({}), more than the {} B ({}) "
                                             "their stream has: {}; allowed: at most {} B of {} over all ops (each op's "
                                             "operands are its own)",
                                             s.operands, footprint, format_bytes(footprint), s.space.bytes,
                                             format_bytes(static_cast<double>(s.space.bytes)), s.space.source,
                                             s.space.bytes, s.operands));
    }
    stride = static_cast<std::uint64_t>(aligned(bytes));
    base = s.used;
    s.used += stride * static_cast<std::uint64_t>(p.repeat);
  };
  // Partial sums spill only where the reduction runs over row folds (ws, is:
  // T x Sc = m x n of them); os accumulates inside the PEs.
  const bool spills = config.array.shape.dataflow != Dataflow::kOutputStationary;
  for (OpPlan& plan : plans) {
    for (Pass& p : plan.passes) {
      const double psum_bytes =
          spills ? static_cast<double>(p.plan.temporal * p.plan.spatial_cols) * p.psum_bytes_per_output : 0;
      place(*plan.op, p, ifmap, p.ifmap_bytes, p.ifmap_base, p.ifmap_stride);
      place(*plan.op, p, filter, p.filter_bytes, p.filter_base, p.filter_stride);
      place(*plan.op, p, ofmap, aligned(p.ofmap_bytes) + psum_bytes, p.ofmap_base, p.ofmap_stride);
    }
  }
}

}  // namespace

std::vector<OpPlan> plan_workload(const workloads::Workload& workload, const AcceleratorConfig& config) {
  std::vector<OpPlan> plans;
  for (const Op& op : workload.ops) {
    OpPlan plan;
    plan.op = &op;
    const std::optional<workloads::GemmShape> g = workloads::array_gemm(op);
    switch (op.type) {
      case OpType::kGemm: {
        Pass p = array_pass(op, config, op.name, g->m, g->n, g->k, static_cast<double>(g->m * g->k));
        p.repeat = g->batch;
        plan.passes.push_back(p);
        break;
      }
      case OpType::kConv2d: {
        const auto& c = op.conv;
        Pass p = array_pass(op, config, op.name, g->m, g->n, g->k,
                            static_cast<double>(c.batch * c.height * c.width * c.channels));
        p.from_conv = true;
        p.conv = c;
        plan.passes.push_back(p);
        break;
      }
      case OpType::kDepthwiseConv2d: {
        const auto& c = op.conv;
        for (std::int64_t ch = 0; ch < g->batch; ++ch) {
          Pass p = array_pass(op, config, fmt::format("{}Channel_{}", op.name, ch), g->m, g->n, g->k,
                              static_cast<double>(c.batch * c.height * c.width));
          p.from_conv = true;
          p.conv = c;
          p.conv.channels = 1;
          plan.passes.push_back(p);
        }
        break;
      }
      case OpType::kElementwise:
        plan.passes.push_back(vector_pass(op, op.elements, op.elementwise_operands, 1));
        break;
      case OpType::kSoftmax:
        plan.passes.push_back(vector_pass(op, op.elements, 1, workloads::kSoftmaxOpsPerElement));
        break;
    }
    for (const Pass& p : plan.passes) {
      if (p.unit == Pass::Unit::kSystolicArray && uses_scalesim_user_schedule(config)) scalesim_user_layer(p, config);
    }
    plans.push_back(std::move(plan));
  }
  place_operands(plans, config);
  return plans;
}

std::uint64_t operand_stream_bytes(const AcceleratorConfig& config) {
  return config.dram.detailed ? config.dram.detailed->capacity_bytes() / 4 : kStreamBytesWithoutCapacity;
}

std::unique_ptr<FoldSchedule> make_fold_schedule(const Pass& pass, const AcceleratorConfig& config) {
  if (pass.unit == Pass::Unit::kVectorUnit) return std::make_unique<VectorSchedule>(pass, config);
  if (uses_scalesim_user_schedule(config)) {
    return std::make_unique<ScaleSimUserSchedule>(pass, config);
  }
  return std::make_unique<ReuseSchedule>(pass, config);
}

}  // namespace qarch::sim

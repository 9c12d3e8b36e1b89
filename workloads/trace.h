#pragma once
// Workload trace format v1 (docs/workloads.md): a named list of quantized
// ops. Loaders validate everything here; the simulator receives these plain
// structs and never sees YAML or JSON.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/input_error.h"

namespace qarch::workloads {

enum class OpType { kGemm, kConv2d, kDepthwiseConv2d, kElementwise, kSoftmax };
enum class ScaleGranularity { kTensor, kChannel, kGroup, kToken, kBlock };

const char* to_string(OpType type);
const char* to_string(ScaleGranularity granularity);

// How one operand is quantized.
struct OperandFormat {
  std::string format = "int8";           // a name from numerics/format_registry.h
  ScaleGranularity granularity = ScaleGranularity::kTensor;
  std::int64_t group_size = 0;           // elements per scale for group/block
  bool symmetric = true;
  std::string scale_format = "fp32";
  // In an op: where the operand is given (its key in the trace, or the op's
  // line when the op takes the default), for errors found when planning.
  SourceRef where;
};

// GEMM view of an op, the shape the MAC array sees: an [m x k] by [k x n]
// product, `batch` times. Convolutions are lowered to this (im2col):
// m = output pixels, k = r*s*c, n = filters.
struct GemmShape {
  std::int64_t batch = 1;
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
};

struct Conv2dShape {
  std::int64_t batch = 1;            // n
  std::int64_t channels = 0;         // c
  std::int64_t height = 0;           // h
  std::int64_t width = 0;            // w
  std::int64_t filters = 0;          // k (for depthwise: channel multiplier)
  std::int64_t filter_height = 0;    // r
  std::int64_t filter_width = 0;     // s
  std::int64_t stride_h = 1;
  std::int64_t stride_w = 1;
  std::int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;

  std::int64_t out_height() const { return (height + pad_top + pad_bottom - filter_height) / stride_h + 1; }
  std::int64_t out_width() const { return (width + pad_left + pad_right - filter_width) / stride_w + 1; }
};

struct Op {
  std::string name;
  SourceRef where;  // the op in its trace: file, line, key path ("ops[3]")
  OpType type = OpType::kGemm;
  GemmShape gemm;          // gemm
  Conv2dShape conv;        // conv2d, depthwise_conv2d
  std::int64_t elements = 0;  // elementwise: elements per operand; softmax: rows*cols
  std::int64_t softmax_rows = 0, softmax_cols = 0;
  int elementwise_operands = 2;
  OperandFormat weights;
  OperandFormat inputs;
  std::string accumulator = "int32";
  OperandFormat outputs;
};

struct Workload {
  std::string name;
  std::string source;  // file it came from, or "built-in"
  std::vector<Op> ops;
};

// Loads a .yaml/.yml or .jsonl trace; throws qarch::InputError with file,
// line and key path.
Workload load_trace(const std::string& path);
Workload load_trace_yaml_text(const std::string& text, const std::string& origin);

// Writes a workload as a v1 YAML trace (used by `qarch import`).
std::string to_yaml(const Workload& workload);

// Total MACs of an op (0 for elementwise/softmax).
std::int64_t op_macs(const Op& op);

// A softmax costs this many vector-unit operations per element: max,
// subtract+exp, sum, divide. The trace refuses one whose operations do not
// fit in 64 bits.
inline constexpr std::int64_t kSoftmaxOpsPerElement = 4;

// A workload has at most this many passes in all (each gemm batch and each
// depthwise conv channel is one; other ops one each): every pass is
// simulated and keeps a record.
inline constexpr std::int64_t kMaxPasses = std::int64_t{1} << 20;

// The GEMM an array op lowers to (docs/workloads.md): `batch` passes of an
// [m x k] by [k x n] product. gemm: as written; conv2d: one pass, m =
// n·E_h·E_w, k = r·s·c, n = filters; depthwise_conv2d: one pass per channel,
// k = r·s, n = the multiplier. nullopt for vector-unit ops (elementwise, softmax).
std::optional<GemmShape> array_gemm(const Op& op);

// Bytes per element of each operand as stored in memory, scales and
// zero-points included (docs/workloads.md): weights as [n x k], inputs as
// [m x k], outputs as [m x n] of the op's array GEMM; a vector op's inputs
// and outputs as [1 x elements] each (it has no weights: 0). Throws
// InputError at the operand's key when its format cannot store it (a group
// size that does not divide the row).
struct OperandBytes {
  double weights = 0, inputs = 0, outputs = 0;
};
OperandBytes stored_bytes_per_element(const Op& op);

}  // namespace qarch::workloads

#pragma once
// A small, strict reader/writer of NumPy .npy files (format versions 1.0,
// 2.0 and 3.0, numpy.lib.format): little-endian int8, uint8, int32 and
// float32, C order only. Anything else is refused with a message that names
// the file and what is allowed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qarch::numerics {

enum class DType { kInt8, kUint8, kInt32, kFloat32 };

const char* dtype_name(DType t);  // "int8", ...
// "[2, 3]": a shape as errors show it.
std::string shape_text(const std::vector<std::int64_t>& shape);
std::size_t dtype_bytes(DType t);

// An N-D array as stored in a .npy file: raw little-endian bytes, C order.
struct NdArray {
  DType dtype = DType::kFloat32;
  std::vector<std::int64_t> shape;  // empty = a scalar (one element)
  std::vector<std::uint8_t> bytes;

  std::size_t element_count() const;
  double element(std::size_t i) const;  // any dtype, as a double
  static NdArray zeros(DType dtype, std::vector<std::int64_t> shape);
};

// Parses the bytes of a .npy file; `source` names it in error messages.
// Throws std::invalid_argument on any malformed or unsupported content.
NdArray parse_npy(const std::string& content, const std::string& source);
std::string serialize_npy(const NdArray& array);  // version 1.0

}  // namespace qarch::numerics

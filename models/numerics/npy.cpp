#include "models/numerics/npy.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace qarch::numerics {
namespace {

const char* kAllowed = "'|i1'/'<i1' (int8), '|u1'/'<u1' (uint8), '<i4' (int32), '<f4' (float32)";

// The message quotes header text, which may hold any byte: control characters
// are written as \xNN so that the message stays on one line.
[[noreturn]] void fail(const std::string& source, const std::string& what) {
  std::string printable;
  for (const char ch : what) {
    const auto byte = static_cast<unsigned char>(ch);
    printable += byte < 0x20 || byte == 0x7f ? fmt::format("\\x{:02x}", byte) : std::string(1, ch);
  }
  throw std::invalid_argument(fmt::format("{}: not a supported .npy file: {}", source, printable));
}

const char* descr_of(DType t) {
  switch (t) {
    case DType::kInt8: return "|i1";
    case DType::kUint8: return "|u1";
    case DType::kInt32: return "<i4";
    case DType::kFloat32: return "<f4";
  }
  return "";
}

// Minimal parser for the header dict numpy writes:
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
struct HeaderParser {
  const std::string& text;
  const std::string& source;
  std::size_t pos = 0;

  void skip_space() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\t')) ++pos;
  }
  bool consume(char c) {
    skip_space();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  void expect(char c) {
    // The header without the padding and newline that end it.
    const std::string shown = text.substr(0, text.find_last_not_of(" \n") + 1);
    if (!consume(c)) fail(source, fmt::format("header: expected '{}' at offset {} in {}", c, pos, shown));
  }
  std::string quoted() {
    skip_space();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"')) fail(source, "header: expected a quoted string");
    const char q = text[pos++];
    const std::size_t end = text.find(q, pos);
    if (end == std::string::npos) fail(source, "header: unterminated string");
    std::string s = text.substr(pos, end - pos);
    pos = end + 1;
    return s;
  }
  std::string word() {
    skip_space();
    const std::size_t start = pos;
    while (pos < text.size() && std::isalnum(static_cast<unsigned char>(text[pos]))) ++pos;
    return text.substr(start, pos - start);
  }
  // Up to the next ',' or ')' (so a bad entry such as "-4" is shown whole).
  std::string shape_entry() {
    skip_space();
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ',' && text[pos] != ')') ++pos;
    std::size_t end = pos;
    while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\n')) --end;
    return text.substr(start, end - start);
  }
};

}  // namespace

const char* dtype_name(DType t) {
  switch (t) {
    case DType::kInt8: return "int8";
    case DType::kUint8: return "uint8";
    case DType::kInt32: return "int32";
    case DType::kFloat32: return "float32";
  }
  return "?";
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

std::size_t dtype_bytes(DType t) { return t == DType::kInt32 || t == DType::kFloat32 ? 4 : 1; }

std::size_t NdArray::element_count() const {
  std::size_t n = 1;
  for (std::int64_t d : shape) n *= std::size_t(d);
  return n;
}

double NdArray::element(std::size_t i) const {
  switch (dtype) {
    case DType::kInt8: return double(std::int8_t(bytes[i]));
    case DType::kUint8: return double(bytes[i]);
    case DType::kInt32: {
      std::int32_t v;
      std::memcpy(&v, bytes.data() + 4 * i, 4);
      return double(v);
    }
    case DType::kFloat32: {
      float v;
      std::memcpy(&v, bytes.data() + 4 * i, 4);
      return double(v);
    }
  }
  return 0.0;
}

NdArray NdArray::zeros(DType dtype, std::vector<std::int64_t> shape) {
  NdArray a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  a.bytes.assign(a.element_count() * dtype_bytes(dtype), 0);
  return a;
}

NdArray parse_npy(const std::string& content, const std::string& source) {
  static const char kMagic[] = "\x93NUMPY";
  if (content.size() < 10 || content.compare(0, 6, kMagic, 6) != 0) fail(source, "missing the \\x93NUMPY magic");
  const int major = static_cast<unsigned char>(content[6]);
  std::size_t header_len, header_start;
  if (major == 1) {
    header_len = static_cast<unsigned char>(content[8]) | (std::size_t(static_cast<unsigned char>(content[9])) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (content.size() < 12) fail(source, "truncated header length");
    header_len = 0;
    for (int i = 0; i < 4; ++i) header_len |= std::size_t(static_cast<unsigned char>(content[8 + i])) << (8 * i);
    header_start = 12;
  } else {
    fail(source, fmt::format("format version {}.{} (supported: 1.0, 2.0, 3.0)", major, int(content[7])));
  }
  if (content.size() < header_start + header_len) fail(source, "truncated header");
  const std::string header = content.substr(header_start, header_len);
  HeaderParser p{header, source};
  p.expect('{');
  std::string descr;
  bool have_descr = false, have_order = false, have_shape = false;
  NdArray out;
  while (!p.consume('}')) {
    const std::string key = p.quoted();
    p.expect(':');
    if (key == "descr") {
      descr = p.quoted();
      have_descr = true;
    } else if (key == "fortran_order") {
      const std::string v = p.word();
      if (v == "True") fail(source, "fortran_order is True; save the array in C order (np.ascontiguousarray)");
      if (v != "False") fail(source, fmt::format("fortran_order '{}' is not a boolean", v));
      have_order = true;
    } else if (key == "shape") {
      p.expect('(');
      while (!p.consume(')')) {
        const std::string dim = p.shape_entry();
        std::int64_t d = 0;
        const auto [end, ec] = std::from_chars(dim.data(), dim.data() + dim.size(), d);
        if (dim.empty() || dim.find_first_not_of("0123456789") != std::string::npos) {
          fail(source, fmt::format("shape entry '{}' is not a non-negative integer", dim));
        }
        if (ec != std::errc() || end != dim.data() + dim.size()) {
          fail(source, fmt::format("shape entry {} is beyond the largest supported size {}", dim,
                                   std::numeric_limits<std::int64_t>::max()));
        }
        out.shape.push_back(d);
        p.consume(',');
      }
      have_shape = true;
    } else {
      fail(source, fmt::format("unexpected header key '{}'", key));
    }
    p.consume(',');
  }
  if (!have_descr || !have_order || !have_shape) fail(source, "header lacks one of 'descr', 'fortran_order', 'shape'");
  if (descr == "|i1" || descr == "<i1" || descr == "i1") {
    out.dtype = DType::kInt8;
  } else if (descr == "|u1" || descr == "<u1" || descr == "u1") {
    out.dtype = DType::kUint8;
  } else if (descr == "<i4") {
    out.dtype = DType::kInt32;
  } else if (descr == "<f4") {
    out.dtype = DType::kFloat32;
  } else {
    fail(source, fmt::format("dtype '{}' is not supported; allowed: {}", descr, kAllowed));
  }
  const std::size_t data_start = header_start + header_len;
  const std::size_t available = content.size() - data_start;
  // The shape's byte count, checked for overflow: a product beyond the data
  // the file holds is reported as such, never wrapped around.
  std::size_t expected = dtype_bytes(out.dtype);
  bool too_large = false;
  for (std::int64_t d : out.shape) too_large |= __builtin_mul_overflow(expected, std::size_t(d), &expected);
  if (std::find(out.shape.begin(), out.shape.end(), 0) != out.shape.end()) expected = 0, too_large = false;
  if (too_large) {
    fail(source, fmt::format("truncated data: shape {} needs more than 2^64 bytes, file has {}",
                             shape_text(out.shape), available));
  }
  if (available < expected) {
    fail(source, fmt::format("truncated data: shape {} needs {} bytes, file has {}", shape_text(out.shape),
                             expected, available));
  }
  if (available > expected) {
    fail(source, fmt::format("{} bytes of trailing data after the array", available - expected));
  }
  out.bytes.assign(content.begin() + std::ptrdiff_t(data_start), content.end());
  return out;
}

std::string serialize_npy(const NdArray& array) {
  // Python tuple syntax: (), (n,), (a, b)
  const std::string shape =
      fmt::format("({}{})", fmt::join(array.shape, ", "), array.shape.size() == 1 ? "," : "");
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr_of(array.dtype), shape);
  // pad with spaces and a final newline so magic + length + header is a multiple of 64
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += char(header.size() & 0xFF);
  out += char((header.size() >> 8) & 0xFF);
  out += header;
  out.append(reinterpret_cast<const char*>(array.bytes.data()), array.bytes.size());
  return out;
}

}  // namespace qarch::numerics

#pragma once
// Builds .npy file bytes by hand, following the NumPy format specification
// (numpy.lib.format, "NPY format" v1.0/v2.0): magic "\x93NUMPY", major and
// minor version bytes, a little-endian header length (2 bytes in v1.0, 4 in
// v2.0), an ASCII Python-dict header padded with spaces and ended by '\n' so
// that the data starts at a multiple of 64 bytes, then the raw data.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace npy_test {

inline std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(major);
  out += char(0);
  const std::size_t len = header.size();
  out += char(len & 0xFF);
  out += char((len >> 8) & 0xFF);
  if (major != 1) {
    out += char((len >> 16) & 0xFF);
    out += char((len >> 24) & 0xFF);
  }
  return out + header + data;
}

inline std::string le_int32(const std::vector<std::int32_t>& values) {
  std::string s;
  for (std::int32_t v : values) {
    const std::uint32_t u = std::uint32_t(v);
    for (int b = 0; b < 4; ++b) s += char((u >> (8 * b)) & 0xFF);
  }
  return s;
}

inline std::string le_float32(const std::vector<float>& values) {
  std::string s;
  for (float v : values) {
    std::uint32_t u;
    std::memcpy(&u, &v, 4);
    for (int b = 0; b < 4; ++b) s += char((u >> (8 * b)) & 0xFF);
  }
  return s;
}

inline std::string bytes_of(const std::vector<int>& values) {
  std::string s;
  for (int v : values) s += char(std::uint8_t(v & 0xFF));
  return s;
}

}  // namespace npy_test

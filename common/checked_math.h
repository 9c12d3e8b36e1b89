#pragma once
// Counts the simulator derives from user input (elements, MACs, bytes) are
// products of user-given sizes: these say when one would not fit in 64 bits,
// where the built-in operators would wrap silently (or be undefined).
#include <cstdint>
#include <optional>

namespace qarch {

// a * b, or nullopt when it does not fit in std::int64_t.
inline std::optional<std::int64_t> checked_multiply(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

// a + b, or nullopt when it does not fit in std::int64_t.
inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

}  // namespace qarch

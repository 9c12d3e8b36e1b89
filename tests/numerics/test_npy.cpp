// The strict .npy reader/writer against files built byte by byte (npy_bytes.h).
#include <catch2/catch.hpp>

#include <cstring>

#include "models/numerics/npy.h"
#include "tests/numerics/npy_bytes.h"

using namespace qarch::numerics;
using npy_test::npy_bytes;

TEST_CASE("reads int8, uint8, int32 and float32 arrays of format versions 1.0 and 2.0") {
  const NdArray a = parse_npy(npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }",
                                        npy_test::bytes_of({1, -2, 3, -128, 127, 0})),
                              "a.npy");
  CHECK(a.dtype == DType::kInt8);
  CHECK(a.shape == std::vector<std::int64_t>{2, 3});
  CHECK(a.element(1) == -2.0);
  CHECK(a.element(3) == -128.0);
  const NdArray u = parse_npy(npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }",
                                        npy_test::bytes_of({255, 0, 7}), 2),
                              "u.npy");
  CHECK(u.dtype == DType::kUint8);
  CHECK(u.element(0) == 255.0);
  const NdArray i = parse_npy(npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
                                        npy_test::le_int32({-38, 2147483647})),
                              "i.npy");
  CHECK(i.element(0) == -38.0);
  CHECK(i.element(1) == 2147483647.0);
  // float32 1.5 = 0x3FC00000, little-endian
  const NdArray f = parse_npy(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                                        std::string("\x00\x00\xC0\x3F", 4)),
                              "f.npy");
  CHECK(f.shape.empty());
  CHECK(f.element_count() == 1);
  CHECK(f.element(0) == 1.5);
}

TEST_CASE("unsupported or malformed .npy files are refused with the reason") {
  const std::string data = npy_test::bytes_of({1, 2});
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data + data + data + data + data + data + data + data), "x.npy"),
                    Catch::Contains("x.npy") && Catch::Contains("dtype '<f8'") && Catch::Contains("'<f4' (float32)"));
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '|i1', 'fortran_order': True, 'shape': (2,), }", data), "x.npy"),
                    Catch::Contains("fortran_order"));
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }", data), "x.npy"),
                    Catch::Contains("truncated data"));
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (1,), }", data), "x.npy"),
                    Catch::Contains("trailing data"));
  // Shapes whose byte count overflows 64 bits are not wrapped round to a size that fits.
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2305843009213693953, 8), }", data + data + data + data), "x.npy"),
                    Catch::Contains("shape [2305843009213693953, 8] needs more than 2^64 bytes"));
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", data), "x.npy"),
                    Catch::Contains("needs more than 2^64 bytes"));
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (99999999999999999999999,), }", data), "x.npy"),
                    Catch::Contains("shape entry 99999999999999999999999 is beyond"));
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2, -4), }", data), "x.npy"),
                    Catch::Contains("shape entry '-4' is not a non-negative integer"));
  CHECK_THROWS_WITH(parse_npy("PK\x03\x04 not npy", "x.npy"), Catch::Contains("magic"));
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", "\0\0\0\1"), "x.npy"),
                    Catch::Contains("'>i4'"));
  CHECK_THROWS_AS(parse_npy(npy_bytes("{'descr': '|i1', 'shape': (2,), }", data), "x.npy"), std::invalid_argument);
  CHECK_THROWS_AS(parse_npy(std::string("\x93NUMPY\x01\x00\xFF\x00{", 11), "x.npy"), std::invalid_argument);
}

TEST_CASE("written files follow the v1.0 layout and read back") {
  NdArray a = NdArray::zeros(DType::kInt32, {5});
  const std::int32_t v = -7;
  std::memcpy(a.bytes.data() + 8, &v, 4);
  const std::string bytes = serialize_npy(a);
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header_len = std::uint8_t(bytes[8]) | (std::size_t(std::uint8_t(bytes[9])) << 8);
  CHECK((10 + header_len) % 64 == 0);
  CHECK(bytes[10 + header_len - 1] == '\n');
  CHECK(bytes.find("{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }") == 10);
  CHECK(bytes.size() == 10 + header_len + 20);
  const NdArray back = parse_npy(bytes, "roundtrip");
  CHECK(back.shape == a.shape);
  CHECK(back.bytes == a.bytes);
  CHECK(serialize_npy(NdArray::zeros(DType::kUint8, {2, 3})).find("'shape': (2, 3)") != std::string::npos);
}

TEST_CASE("a .npy header error quotes the header on one line") {
  // The header was echoed with the newline that ends it (and any it holds), so the error spanned lines.
  const std::string data(8, '\0');
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr' '<f4', 'fortran_order': False, 'shape': (2,), }", data), "x.npy"),
                    "x.npy: not a supported .npy file: header: expected ':' at offset 9 in "
                    "{'descr' '<f4', 'fortran_order': False, 'shape': (2,), }");
  CHECK_THROWS_WITH(parse_npy(npy_bytes("{'descr': '<f4', 'fortran\norder': False, 'shape': (2,), }", data), "x.npy"),
                    "x.npy: not a supported .npy file: unexpected header key 'fortran\\x0aorder'");
}

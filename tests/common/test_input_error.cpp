#include <catch2/catch.hpp>

#include <string>

#include "common/input_error.h"

using qarch::printable_text;
using qarch::quoted_excerpt;

TEST_CASE("quoted input is printable: control characters and non-UTF-8 bytes written as hex escapes") {
  CHECK(printable_text("0x40 READ 1") == "0x40 READ 1");
  CHECK(printable_text("a\x1b[31mred\rb\n\t") == "a\\x1b[31mred\\x0db\\x0a\\x09");
  CHECK(printable_text(std::string("nul\0del\x7f", 8)) == "nul\\x00del\\x7f");
  CHECK(printable_text("caf\xc3\xa9 \xff\xc3") == "caf\xc3\xa9 \\xff\\xc3");  // UTF-8 stays, stray bytes do not
}

TEST_CASE("a quoted excerpt is cut at 80 bytes with '...'") {
  CHECK(quoted_excerpt(std::string(80, 'a')) == std::string(80, 'a'));
  CHECK(quoted_excerpt(std::string(81, 'a')) == std::string(77, 'a') + "...");
  // An escape is never split.
  CHECK(quoted_excerpt(std::string(76, 'a') + "\x01" + std::string(10, 'b')) == std::string(76, 'a') + "...");
  CHECK(quoted_excerpt(std::string(200, '\x01')).size() == 19 * 4 + 3);
}

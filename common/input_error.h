#pragma once
// The one error type for bad user input (config, trace, table, command line).
// The CLI prints its message on one line and exits with code 2.
#include <stdexcept>
#include <string>

namespace qarch {

// Where a value came from: file, 1-based line (0 = unknown), dotted key path.
struct SourceRef {
  std::string file;
  int line = 0;
  std::string key_path;

  std::string describe() const;  // "file:line: key.path"
};

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
  InputError(const SourceRef& where, const std::string& message);
};

// Names end up in JSON output, which must be UTF-8 (and YAML text is UTF-8):
// text that is not is an InputError at `where`.
void require_utf8(const std::string& text, const SourceRef& where);

inline constexpr int kExitInputError = 2;

}  // namespace qarch

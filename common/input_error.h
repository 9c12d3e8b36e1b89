#pragma once
// The one error type for bad user input (config, trace, table, command line).
// The CLI prints its message on one line and exits with code 2.
#include <stdexcept>
#include <string>
#include <vector>

namespace qarch {

// Where a value came from: file, 1-based line (0 = unknown), dotted key path.
struct SourceRef {
  std::string file;
  int line = 0;
  std::string key_path;

  std::string describe() const;  // "file:line: key.path"
  std::string location() const;  // "file:line"
};

// A --set argument applied to a document (common/yaml_reader.h apply_override):
// the key path whose value it gave (the key it assigned, or the first section
// it had to create), written as YamlMap writes key paths
// ("compute.systolic_array.formats[0].weights"), and the argument.
// Or a command's own option that gave one key (qarch cache --ways 3): errors
// name it as typed ("--ways 3"), which says the key, instead of a key path.
struct SetArgument {
  std::string key_path;
  std::string text;         // "key.path=value"; for an option, its value ("3")
  std::string option_name;  // "--ways" for an option, else empty

  // True if it gave the value at `path`: it assigned it or a section holding it.
  bool covers(const std::string& path) const;
  // True if it gave the value at `path` or one inside it (a section it changed).
  bool touches(const std::string& path) const;
  // Where an error about the value at `key_path` that it gave is: "--set
  // key.path=value" at `key_path`, or the option as typed ("--ways 3").
  SourceRef source(const std::string& key_path) const;
};

// Where the value at `key_path` came from: the last of `set_arguments` that
// covers it (named as "--set key.path=value", or "--ways 3" for an option),
// else `file` at `line`.
SourceRef value_source(const std::string& file, int line, const std::string& key_path,
                       const std::vector<SetArgument>& set_arguments);

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
  InputError(const SourceRef& where, const std::string& message);
};

// Names end up in JSON output, which must be UTF-8 (and YAML text is UTF-8):
// text that is not is an InputError at `where`.
void require_utf8(const std::string& text, const SourceRef& where);
// Names are printed in terminal tables: an empty or blank name, or one with
// a control character (a byte below 0x20, or 0x7f: ESC, newline, tab, CR), is
// an InputError at `where`.
void require_name(const std::string& name, const SourceRef& where);

// `text` safe to print in a one-line message or a YAML comment: control
// characters (bytes below 0x20, and 0x7f) and bytes that are not UTF-8 text are
// written as \xNN, so nothing in it ends the line, moves the cursor or
// recolours a terminal.
std::string printable_text(const std::string& text);
// A line of an input quoted in an error: printable_text(), cut to at most
// kExcerptBytes with "..." marking the cut (a binary file's "line" can be long).
inline constexpr std::size_t kExcerptBytes = 80;
std::string quoted_excerpt(const std::string& text);

inline constexpr int kExitInputError = 2;

}  // namespace qarch

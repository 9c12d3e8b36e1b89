#pragma once
// The one config reader. Every YAML document qarch reads (accelerators,
// traces, cost tables, presets) goes through YamlMap, which
//  * reports errors with file, line, key path and what is allowed,
//  * knows which keys were asked for, so finish() rejects unknown keys,
//  * parses units through common/units.h.
// Modules never see YAML: loaders turn a YamlMap into plain structs.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/input_error.h"
#include "common/units.h"

namespace qarch {

// Parses a YAML file. Malformed YAML, a second document ('---' and more) and a
// key given twice in one mapping are InputErrors with the line.
YAML::Node load_yaml_file(const std::string& path);
YAML::Node load_yaml_string(const std::string& text, const std::string& origin);
// One line of a JSON Lines file (JSON is YAML 1.2 flow syntax), checked as a
// YAML text is; errors name line_no, and key paths start with key_path.
YAML::Node load_json_line(const std::string& line, const std::string& origin, int line_no,
                          const std::string& key_path);

// Applies "key.path=value" to a document before it is read. The value is
// parsed as YAML (so "16" stays a scalar and "[1,2]" a list). Path elements
// that are numbers index into lists. Missing maps are created; whether the key
// is allowed is decided when the document is read (finish()). Give what it
// returns to YamlMap, so errors about the value name the --set argument.
// `example` is a valid assignment for this document ("tRCD=18"), shown when
// `assignment` has no '='.
SetArgument apply_override(YAML::Node& root, const std::string& assignment, const std::string& example);

// The 1-based line of every key of a document (and of every list item), by key
// path as YamlMap writes it ("compute.systolic_array.formats[0].weights"): for
// errors found after the document was read into structs.
std::map<std::string, int> key_lines(const YAML::Node& root);

class YamlMap {
 public:
  // line_offset is added to YAML line numbers: a JSON Lines record parsed on
  // its own reports the line it has in the file.
  YamlMap(YAML::Node node, std::string file, std::string key_path, int line_offset = 0);
  // A document that --set arguments changed (apply_override): an error about a
  // value one of them set names that argument, not a line of `file`.
  YamlMap(YAML::Node node, std::string file, std::string key_path, std::vector<SetArgument> set_arguments);

  bool has(const std::string& key) const;
  SourceRef where(const std::string& key = "") const;
  const std::string& file() const { return file_; }
  const std::string& key_path() const { return key_path_; }

  std::string string(const std::string& key);
  std::string string(const std::string& key, const std::string& fallback);
  // A name (of an accelerator, workload or op): non-empty printable text. A value
  // JSON or YAML 1.2 reads as a number or boolean (123, 0x10, true) is refused:
  // quote it.
  std::string name(const std::string& key);
  // One of `allowed`; the error lists them.
  std::string choice(const std::string& key, const std::vector<std::string>& allowed);
  std::string choice(const std::string& key, const std::vector<std::string>& allowed,
                     const std::string& fallback);
  // Integers in [min, max]. Numbers and booleans are written without quotes:
  // a quoted value ("16") is a string, as in JSON, and is refused.
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max);
  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max,
                       std::int64_t fallback);
  // A whole number or a list of them (stride: 2 or [2, 1]), each in [min, max].
  std::vector<std::int64_t> integers(const std::string& key, std::int64_t min, std::int64_t max,
                                     const std::vector<std::int64_t>& fallback);
  double number(const std::string& key, double min, double max);
  double number(const std::string& key, double min, double max, double fallback);
  // A list of exactly `count` numbers, each in [min, max] (energy_poly: [a, b, c]).
  std::vector<double> numbers(const std::string& key, std::size_t count, double min, double max);
  // true or false, as in YAML 1.2 and JSON.
  bool boolean(const std::string& key, bool fallback);
  // A value with a unit, e.g. "100 ns", in SI base units within `range`.
  double quantity(const std::string& key, Dimension dimension, const QuantityRange& range);
  double quantity(const std::string& key, Dimension dimension, const QuantityRange& range, double fallback);

  // A size such as "64 KiB": a whole number of bytes in [min, max].
  std::uint64_t byte_size(const std::string& key, std::uint64_t min, std::uint64_t max);
  std::uint64_t byte_size(const std::string& key, std::uint64_t min, std::uint64_t max,
                          std::uint64_t fallback);

  YamlMap map(const std::string& key);
  std::optional<YamlMap> optional_map(const std::string& key);
  std::vector<YamlMap> list_of_maps(const std::string& key);
  // Raw access for free-form values (e.g. per-format tables); marks the key known.
  YAML::Node node(const std::string& key);
  // Keys present in this map, in document order.
  std::vector<std::string> keys() const;

  // Rejects keys that were never asked for, naming the allowed ones; then a
  // required key found missing (see missing()).
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  // Of the keys an error is about (most likely culprit first), the one to name:
  // the one the last --set argument gave, else the first given; "" if none is.
  std::string blamed_key(const std::vector<std::string>& keys) const;

 private:
  // Marks `key` known; true if it is present. A key written without a value
  // ("key:" in YAML, "--set key=") is an error, never a silent default.
  bool given(const std::string& key, bool has_default);
  // A required key that is absent. If the map has keys not yet asked for, one
  // may be that key misspelt (colz for cols): the error waits for finish(),
  // which names an unknown key first, and the caller goes on with a
  // placeholder value (fail() before finish() reports the missing key).
  // Otherwise it throws now.
  void missing(const std::string& key);
  // "required <what> is missing", with the key not yet asked for that is
  // `key` misspelt if there is one (at most two letters off: colz, ifmapp):
  // an error thrown before finish() names it.
  std::string missing_message(const std::string& key, const char* what) const;
  // The value of a key given() found present: a single value, else an error.
  YAML::Node present_scalar(const std::string& key);
  std::int64_t whole_number(const std::string& key, const YAML::Node& scalar, std::int64_t min,
                            std::int64_t max) const;
  double real_number(const std::string& key, const YAML::Node& scalar, double min, double max) const;
  // The value with its unit, not yet checked against `range` (a negative
  // number without a unit is already out of it).
  double unchecked_quantity(const std::string& key, Dimension dimension, const QuantityRange& range);
  void check_range(const std::string& key, double value, Dimension dimension, const QuantityRange& range) const;
  YamlMap section(const std::string& key);  // the map under a present key
  std::string child_path(const std::string& key) const;
  SourceRef source(const std::string& path, int line) const;  // value_source() of this document

  YAML::Node node_;
  std::string file_;
  std::string key_path_;
  int line_offset_ = 0;
  std::vector<SetArgument> set_arguments_;  // key paths from the root, in the order applied
  std::set<std::string> known_;
  std::optional<std::pair<SourceRef, std::string>> missing_;  // the first required key found missing
};

}  // namespace qarch

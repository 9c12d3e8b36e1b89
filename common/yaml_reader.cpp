#include "common/yaml_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/input_file.h"

namespace qarch {
namespace {

int line_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

// JSON and YAML 1.2 agree that a quoted scalar is a string: "16" is not the
// number 16, nor "true" a boolean. yaml-cpp tags quoted scalars "!".
bool is_quoted(const YAML::Node& scalar) { return scalar.Tag() == "!"; }

// What JSON and the YAML 1.2 core schema read a plain (unquoted) scalar as
// when it is not a string: "the integer", "the number" or "the boolean" (null
// is a key without a value). yaml-cpp tags plain scalars "?".
std::optional<std::string> plain_scalar_type(const YAML::Node& scalar) {
  static const std::regex kBoolean("true|True|TRUE|false|False|FALSE");
  static const std::regex kInteger("[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+");
  static const std::regex kNumber(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  if (scalar.Tag() != "?") return std::nullopt;
  const std::string& text = scalar.Scalar();
  if (std::regex_match(text, kBoolean)) return "the boolean";
  if (std::regex_match(text, kInteger)) return "the integer";
  if (std::regex_match(text, kNumber)) return "the number";
  return std::nullopt;
}

bool is_index(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Every key is a name, given once. yaml-cpp keeps every entry of a mapping
// and answers node[key] with the first, so a repeated key would silently
// lose to the earlier one; a list or section as a key ('[size]: 1') has no
// name to look up. `lines`: the text has lines worth naming (a --set value
// is one line of an argument).
void check_keys(const YAML::Node& node, const std::string& origin, int line_offset, bool lines,
                const std::string& path) {
  const auto line = [&](const YAML::Node& n) { return lines ? line_of(n) + line_offset : 0; };
  if (node.IsMap()) {
    std::map<std::string, int> first_line;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) {
        throw InputError(SourceRef{origin, line(kv.first), path},
                         "a key must be a name, not a list or section; write 'name: value'");
      }
      const std::string key = kv.first.Scalar();
      const std::string key_path = path.empty() ? key : path + "." + key;
      const auto [first, is_new] = first_line.emplace(key, line(kv.first));
      if (!is_new) {
        throw InputError(SourceRef{origin, line(kv.first), key_path},
                         lines ? fmt::format("key given twice (first at line {}); write it once", first->second)
                               : "key given twice; write it once");
      }
      check_keys(kv.second, origin, line_offset, lines, key_path);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      check_keys(node[i], origin, line_offset, lines, fmt::format("{}[{}]", path, i));
    }
  }
}

// The 1-based line of the '---' that opens `second`, the document after
// `first`; yaml-cpp marks a document's first node (an empty one past its '---').
int second_document_line(const std::string& text, const YAML::Node& first, const YAML::Node& second) {
  std::istringstream in(text);
  int start = second.Mark().line;
  int index = 0;
  for (std::string line; index <= second.Mark().line && std::getline(in, line); ++index) {
    if (index > first.Mark().line && line.rfind("---", 0) == 0) start = index;
  }
  return start + 1;
}

// "a:b:" (a --set value, or a line under a key) is a section {a:b: null} in
// YAML: the text as written, or nothing for any other node.
std::optional<std::string> text_ending_in_colon(const YAML::Node& node) {
  if (!node.IsMap() || node.Style() == YAML::EmitterStyle::Flow || node.size() != 1) return std::nullopt;
  const auto entry = *node.begin();
  if (!entry.first.IsScalar() || !entry.second.IsNull()) return std::nullopt;
  return entry.first.Scalar() + ":";
}

// kSetValue: YAML that is the value of a --set argument (no lines to name).
enum class Syntax { kYaml, kJsonLine, kSetValue };

// Every YAML or JSON text qarch reads is parsed here: one document, no key
// given twice. yaml-cpp's Load would drop whatever follows the first document.
// JSON writes a character beyond U+FFFF as an escaped UTF-16 surrogate pair
// ("\ud83d\ude00", Python's json.dumps default), which YAML's \u (one
// 16-bit character) cannot take: each pair in a string becomes YAML's \U
// escape of the character. Everything else is left as it is.
std::string with_surrogate_pairs_combined(const std::string& json) {
  const auto hex4 = [&json](std::size_t at, unsigned* value) {
    if (at + 4 > json.size()) return false;
    unsigned v = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
      const char c = json[i];
      const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) return false;
      v = v * 16 + unsigned(digit);
    }
    *value = v;
    return true;
  };
  std::string out;
  out.reserve(json.size());
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '"') in_string = !in_string;
    if (!in_string || c != '\\' || i + 1 >= json.size()) {
      out += c;
      continue;
    }
    unsigned high = 0, low = 0;
    if (json[i + 1] == 'u' && hex4(i + 2, &high) && high >= 0xD800 && high <= 0xDBFF && i + 11 < json.size() &&
        json[i + 6] == '\\' && json[i + 7] == 'u' && hex4(i + 8, &low) && low >= 0xDC00 && low <= 0xDFFF) {
      out += fmt::format("\\U{:08X}", 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
      i += 11;
    } else {
      out += c;  // an escape of two characters: its second is never the closing quote
      out += json[++i];
    }
  }
  return out;
}

YAML::Node load_one_document(const std::string& text, const std::string& origin, Syntax syntax,
                             int line_offset, const std::string& key_path) {
  const bool json = syntax == Syntax::kJsonLine;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(json ? with_surrogate_pairs_combined(text) : text);
  } catch (const YAML::Exception& e) {
    const int line = json ? line_offset + 1 : syntax == Syntax::kSetValue ? 0 : (e.mark.line >= 0 ? e.mark.line + 1 : 0);
    throw InputError(SourceRef{origin, line, syntax == Syntax::kSetValue ? key_path : ""},
                     (json ? "malformed JSON (truncated trace?): " : "malformed YAML: ") + e.msg);
  }
  if (documents.size() > 1 && json) {
    throw InputError(SourceRef{origin, line_offset + 1, ""},
                     fmt::format("text after the JSON object, at column {}; write one object per line",
                                 documents[1].Mark().column + 1));
  }
  if (documents.size() > 1) {
    throw InputError(SourceRef{origin, second_document_line(text, documents[0], documents[1]), ""},
                     "a second YAML document starts here; qarch reads one document per file "
                     "(remove the '---' line and merge what follows into the first)");
  }
  if (documents.empty()) return YAML::Node();
  check_keys(documents.front(), origin, line_offset, syntax != Syntax::kSetValue, key_path);
  return documents.front();
}

}  // namespace

YAML::Node load_yaml_string(const std::string& text, const std::string& origin) {
  return load_one_document(text, origin, Syntax::kYaml, 0, "");
}

YAML::Node load_json_line(const std::string& line, const std::string& origin, int line_no,
                          const std::string& key_path) {
  return load_one_document(line, origin, Syntax::kJsonLine, line_no - 1, key_path);
}

YAML::Node load_yaml_file(const std::string& path) {
  YAML::Node root = load_yaml_string(read_input_file(path), path);
  if (!root.IsMap()) {
    throw InputError(SourceRef{path, line_of(root), ""},
                     "expected a YAML mapping (key: value lines) at the top level");
  }
  return root;
}

namespace {

void collect_key_lines(const YAML::Node& node, const std::string& path, std::map<std::string, int>& lines) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) continue;
      const std::string key_path = path.empty() ? kv.first.Scalar() : path + "." + kv.first.Scalar();
      lines.emplace(key_path, line_of(kv.first));
      collect_key_lines(kv.second, key_path, lines);
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string item_path = fmt::format("{}[{}]", path, i);
      lines.emplace(item_path, line_of(node[i]));
      collect_key_lines(node[i], item_path, lines);
    }
  }
}

}  // namespace

std::map<std::string, int> key_lines(const YAML::Node& root) {
  std::map<std::string, int> lines;
  collect_key_lines(root, "", lines);
  return lines;
}

SetArgument apply_override(YAML::Node& root, const std::string& assignment, const std::string& example) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(SourceRef{"--set", 0, assignment}, "expected key.path=value, e.g. --set " + example);
  }
  const std::string path = assignment.substr(0, eq);
  const std::string value_text = assignment.substr(eq + 1);
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string part; std::getline(ss, part, '.');) {
    if (part.empty()) throw InputError(SourceRef{"--set", 0, path}, "empty key in path");
    parts.push_back(part);
  }
  YAML::Node value = load_one_document(value_text, "--set " + assignment, Syntax::kSetValue, 0, path);
  std::string key_path;  // as YamlMap writes it: list items as [i]
  std::string new_section_path;  // the first section the path creates: the argument gives all of it
  auto step = [&key_path](const std::string& part, bool list_item) {
    key_path += list_item ? "[" + part + "]" : (key_path.empty() ? "" : ".") + part;
  };
  // Where the path goes below parts[i - 1], that node must hold keys (or,
  // for an index, items): yaml-cpp throws on a key below a value.
  auto check_section = [&](const YAML::Node& node, std::size_t i) {
    if (i == 0) return;  // the document's root is a mapping
    if (node.IsScalar()) {
      throw InputError(SourceRef{"--set", 0, path},
                       fmt::format("'{}' is a value, not a section: nothing can be set below it", parts[i - 1]));
    }
    if (node.IsSequence() && !is_index(parts[i])) {
      throw InputError(SourceRef{"--set", 0, path},
                       fmt::format("'{}' is a list: give an item's index, not '{}'", parts[i - 1], parts[i]));
    }
  };
  // A list index as written: digits without a leading zero ('01' is not
  // the item '1' names), below the list's size.
  auto index_in = [&](const YAML::Node& list, const std::string& part) {
    if (part.size() > 1 && part[0] == '0') {
      throw InputError(SourceRef{"--set", 0, path},
                       fmt::format("list index '{}': write it without leading zeros", part));
    }
    const std::size_t digits = std::numeric_limits<std::size_t>::digits10;
    const std::size_t idx = part.size() > digits ? std::numeric_limits<std::size_t>::max() : std::stoul(part);
    if (idx >= list.size()) {
      throw InputError(SourceRef{"--set", 0, path},
                       fmt::format("index {} out of range (list has {} items)", part, list.size()));
    }
    return idx;
  };
  // yaml-cpp nodes are handles: walk with fresh handles, never reassign one.
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node cur = chain.back();
    check_section(cur, i);
    if (cur.IsSequence() && is_index(parts[i])) {
      chain.push_back(cur[index_in(cur, parts[i])]);
      step(parts[i], true);
    } else {
      const bool is_new = !static_cast<const YAML::Node&>(cur)[parts[i]].IsDefined();
      chain.push_back(cur[parts[i]]);
      step(parts[i], false);
      if (is_new && new_section_path.empty()) new_section_path = key_path;
    }
  }
  YAML::Node parent = chain.back();
  check_section(parent, parts.size() - 1);
  if (parent.IsSequence() && is_index(parts.back())) {
    parent[index_in(parent, parts.back())] = value;
    step(parts.back(), true);
  } else {
    parent[parts.back()] = value;
    step(parts.back(), false);
  }
  return SetArgument{new_section_path.empty() ? key_path : new_section_path, assignment, ""};
}

YamlMap::YamlMap(YAML::Node node, std::string file, std::string key_path, int line_offset)
    : node_(std::move(node)),
      file_(std::move(file)),
      key_path_(std::move(key_path)),
      line_offset_(line_offset) {
  if (!node_.IsMap()) {
    throw InputError(SourceRef{file_, line_of(node_) + line_offset_, key_path_},
                     "expected a mapping of key: value entries");
  }
}

YamlMap::YamlMap(YAML::Node node, std::string file, std::string key_path, std::vector<SetArgument> set_arguments)
    : YamlMap(std::move(node), std::move(file), std::move(key_path)) {
  set_arguments_ = std::move(set_arguments);
  for (SetArgument& s : set_arguments_) s.key_path = child_path(s.key_path);
}

std::string YamlMap::child_path(const std::string& key) const {
  return key_path_.empty() ? key : key_path_ + "." + key;
}

SourceRef YamlMap::source(const std::string& path, int line) const {
  return value_source(file_, line, path, set_arguments_);
}

bool YamlMap::has(const std::string& key) const {
  const YAML::Node child = node_[key];
  return child.IsDefined() && !child.IsNull();
}

SourceRef YamlMap::where(const std::string& key) const {
  if (key.empty()) return source(key_path_, line_of(node_) + line_offset_);
  // The key's own line: an empty value has no position of its own.
  int line = line_of(node_);
  if (node_.IsMap()) {
    for (const auto& kv : node_) {
      if (kv.first.Scalar() == key) line = line_of(kv.first);
    }
  }
  return source(child_path(key), line + line_offset_);
}

void YamlMap::fail(const std::string& key, const std::string& message) const {
  // An error after a required key was found missing may follow from its placeholder.
  if (missing_) throw InputError(missing_->first, missing_->second);
  throw InputError(where(key), message);
}

void YamlMap::missing(const std::string& key) {
  const bool unread_key = std::any_of(node_.begin(), node_.end(), [this](const auto& kv) {
    return known_.count(kv.first.template as<std::string>()) == 0;
  });
  if (!unread_key) fail(key, "required key is missing");
  if (!missing_) missing_.emplace(where(key), missing_message(key, "key"));
}

namespace {

// Levenshtein distance, for names of a few letters.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string YamlMap::missing_message(const std::string& key, const char* what) const {
  std::string message = fmt::format("required {} is missing", what);
  for (const auto& kv : node_) {
    const std::string given_key = kv.first.as<std::string>();
    if (known_.count(given_key) == 0 && edit_distance(given_key, key) <= std::min<std::size_t>(2, key.size() / 3)) {
      return message + fmt::format(" ('{}' is given, which is no key here: misspelt?)", given_key);
    }
  }
  return message;
}

std::string YamlMap::blamed_key(const std::vector<std::string>& keys) const {
  for (auto s = set_arguments_.rbegin(); s != set_arguments_.rend(); ++s) {
    for (const std::string& key : keys) {
      if (has(key) && s->covers(child_path(key))) return key;
    }
  }
  for (const std::string& key : keys) {
    if (has(key)) return key;
  }
  return "";
}

bool YamlMap::given(const std::string& key, bool has_default) {
  known_.insert(key);
  const YAML::Node child = static_cast<const YAML::Node&>(node_)[key];
  if (!child.IsDefined()) return false;
  if (child.IsNull()) {
    const bool from_set = std::any_of(set_arguments_.begin(), set_arguments_.end(),
                                      [&](const SetArgument& s) { return s.covers(child_path(key)); });
    const std::string after = from_set ? "the '='" : "the colon";
    fail(key, has_default ? "has no value; write one after " + after + ", or leave the key out for the default"
                          : "has no value; write one after " + after);
  }
  return true;
}

YAML::Node YamlMap::present_scalar(const std::string& key) {
  YAML::Node child = node_[key];
  if (const std::optional<std::string> text = text_ending_in_colon(child)) {
    fail(key, fmt::format("'{}' ends with ':', which YAML reads as a section; expected a single value", *text));
  }
  if (!child.IsScalar()) fail(key, "expected a single value, not a list or section");
  return child;
}

std::string YamlMap::string(const std::string& key) {
  if (!given(key, false)) {
    missing(key);
    return "";
  }
  // A string may end in ':' (--set dram.address_mapping=ro:ba:co:bg:), which YAML reads as a section.
  const std::optional<std::string> ends_in_colon = text_ending_in_colon(node_[key]);
  const std::string text = ends_in_colon ? *ends_in_colon : present_scalar(key).Scalar();
  require_utf8(text, where(key));
  return text;
}

std::string YamlMap::string(const std::string& key, const std::string& fallback) {
  return given(key, true) ? string(key) : fallback;
}

std::string YamlMap::name(const std::string& key) {
  if (!given(key, false)) {
    missing(key);
    return "";
  }
  const std::string text = string(key);
  const YAML::Node value = node_[key];
  if (const std::optional<std::string> type = value.IsScalar() ? plain_scalar_type(value) : std::nullopt) {
    fail(key, fmt::format("expected text, got {} {} (quote it: \"{}\")", *type, text, text));
  }
  require_name(text, where(key));
  return text;
}

std::string YamlMap::choice(const std::string& key, const std::vector<std::string>& allowed) {
  if (!given(key, false)) {
    missing(key);
    return allowed.front();
  }
  const std::string value = string(key);
  for (const auto& a : allowed) {
    if (a == value) return value;
  }
  fail(key, fmt::format("'{}' is not allowed; allowed: {}", value, fmt::join(allowed, ", ")));
}

std::string YamlMap::choice(const std::string& key, const std::vector<std::string>& allowed,
                            const std::string& fallback) {
  return given(key, true) ? choice(key, allowed) : fallback;
}

std::int64_t YamlMap::whole_number(const std::string& key, const YAML::Node& scalar, std::int64_t min,
                                   std::int64_t max) const {
  const std::string& text = scalar.Scalar();
  if (is_quoted(scalar)) {
    fail(key, fmt::format("\"{}\" is a string (quoted); allowed: integers {}..{}, written without quotes",
                          text, min, max));
  }
  // Decimal only, as JSON: stoll's base 0 read 010 as octal 8 and 0x10 as 16.
  const std::size_t sign = text.find_first_not_of("+-") == 1 ? 1 : 0;
  if (text.size() > sign + 1 && text[sign] == '0' &&
      std::string("0123456789xXoObB").find(text[sign + 1]) != std::string::npos) {
    fail(key, fmt::format("'{}' is not a decimal integer; integers are written in decimal without leading "
                          "zeros or a 0x/0o prefix; allowed: integers {}..{}",
                          text, min, max));
  }
  if (text.size() == sign || text.find_first_not_of("0123456789", sign) != std::string::npos) {
    fail(key, fmt::format("'{}' is not a whole number; allowed: integers {}..{}", text, min, max));
  }
  long long value = 0;
  try {
    value = std::stoll(text, nullptr, 10);
  } catch (const std::out_of_range&) {  // beyond 64 bits, so beyond any key's range
    fail(key, fmt::format("{} is out of range; allowed: {}..{}", text, min, max));
  }
  if (value < min || value > max) {
    fail(key, fmt::format("{} is out of range; allowed: {}..{}", value, min, max));
  }
  return value;
}

std::int64_t YamlMap::integer(const std::string& key, std::int64_t min, std::int64_t max) {
  if (!given(key, false)) {
    missing(key);
    return min;
  }
  return whole_number(key, present_scalar(key), min, max);
}

std::int64_t YamlMap::integer(const std::string& key, std::int64_t min, std::int64_t max,
                              std::int64_t fallback) {
  return given(key, true) ? integer(key, min, max) : fallback;
}

std::vector<std::int64_t> YamlMap::integers(const std::string& key, std::int64_t min, std::int64_t max,
                                            const std::vector<std::int64_t>& fallback) {
  if (!given(key, true)) return fallback;
  const YAML::Node value = node_[key];
  if (value.IsScalar()) return {whole_number(key, value, min, max)};
  if (!value.IsSequence() || value.size() == 0) fail(key, "expected a whole number or a list of whole numbers");
  std::vector<std::int64_t> out;
  for (const YAML::Node& item : value) {
    if (!item.IsScalar()) fail(key, "expected a whole number or a list of whole numbers");
    out.push_back(whole_number(key, item, min, max));
  }
  return out;
}

double YamlMap::number(const std::string& key, double min, double max) {
  if (!given(key, false)) {
    missing(key);
    return min;
  }
  return real_number(key, present_scalar(key), min, max);
}

std::vector<double> YamlMap::numbers(const std::string& key, std::size_t count, double min, double max) {
  const YAML::Node value = node(key);
  if (!value.IsSequence() || value.size() != count) fail(key, fmt::format("expected a list of {} numbers", count));
  std::vector<double> out;
  for (const YAML::Node& item : value) {
    if (!item.IsScalar()) fail(key, fmt::format("expected a list of {} numbers", count));
    out.push_back(real_number(key, item, min, max));
  }
  return out;
}

double YamlMap::real_number(const std::string& key, const YAML::Node& scalar, double min, double max) const {
  const std::string& text = scalar.Scalar();
  if (is_quoted(scalar)) {
    fail(key, fmt::format("\"{}\" is a string (quoted); allowed: numbers {}..{}, written without quotes",
                          text, min, max));
  }
  double value = 0;
  try {
    value = parse_quantity(text, Dimension::kDimensionless);
  } catch (const std::invalid_argument& e) {
    fail(key, e.what());
  }
  if (!(value >= min && value <= max)) {
    fail(key, fmt::format("{} is out of range; allowed: {}..{}", value, min, max));
  }
  return value;
}

double YamlMap::number(const std::string& key, double min, double max, double fallback) {
  return given(key, true) ? number(key, min, max) : fallback;
}

bool YamlMap::boolean(const std::string& key, bool fallback) {
  if (!given(key, true)) return fallback;
  const YAML::Node scalar = present_scalar(key);
  const std::string& text = scalar.Scalar();
  if (is_quoted(scalar)) {
    fail(key, fmt::format("\"{}\" is a string (quoted); allowed: true, false, written without quotes", text));
  }
  // YAML 1.2 and JSON booleans: YAML 1.1's yes/no/on/off are strings there.
  if (text == "true") return true;
  if (text == "false") return false;
  fail(key, fmt::format("'{}' is not a boolean; allowed: true, false (not yes/no, on/off or 1/0)", text));
}

double YamlMap::unchecked_quantity(const std::string& key, Dimension dimension, const QuantityRange& range) {
  const std::string text = present_scalar(key).Scalar();
  try {
    return parse_quantity(text, dimension);
  } catch (const std::invalid_argument& e) {
    // A number below a range of positive values is out of it whatever its unit:
    // say so, not that the unit is missing.
    const double number = std::strtod(text.c_str(), nullptr);
    if (number < 0) check_range(key, number, dimension, range);
    fail(key, e.what());
  }
}

void YamlMap::check_range(const std::string& key, double value, Dimension dimension,
                          const QuantityRange& range) const {
  // A bound written in another unit ("100 ns" for 1e-7 s) converts with a
  // rounding error of a few ulp: the bounds are inclusive up to a relative
  // 1e-13, far above that and far below a digit a user writes (1 ns past 1 s
  // is 1e-9; byte counts are whole numbers, exact).
  const double kTolerance = dimension == Dimension::kBytes ? 0 : 1e-13;
  if ((value == 0 && range.zero_allowed) ||
      (value >= range.min * (1 - kTolerance) && value <= range.max * (1 + kTolerance))) {
    return;
  }
  fail(key, fmt::format("'{}' is out of range; allowed: {}", node_[key].Scalar(), describe_range(range, dimension)));
}

double YamlMap::quantity(const std::string& key, Dimension dimension, const QuantityRange& range) {
  if (!given(key, false)) {
    missing(key);
    return range.min;
  }
  const double value = unchecked_quantity(key, dimension, range);
  check_range(key, value, dimension, range);
  return value;
}

double YamlMap::quantity(const std::string& key, Dimension dimension, const QuantityRange& range, double fallback) {
  return given(key, true) ? quantity(key, dimension, range) : fallback;
}

std::uint64_t YamlMap::byte_size(const std::string& key, std::uint64_t min, std::uint64_t max) {
  if (!given(key, false)) {
    missing(key);
    return min;
  }
  const QuantityRange range{double(min), double(max)};
  const double bytes = unchecked_quantity(key, Dimension::kBytes, range);
  if (bytes != std::floor(bytes)) fail(key, fmt::format("'{}' is not a whole number of bytes", node_[key].Scalar()));
  check_range(key, bytes, Dimension::kBytes, range);
  return std::uint64_t(bytes);
}

std::uint64_t YamlMap::byte_size(const std::string& key, std::uint64_t min, std::uint64_t max,
                                 std::uint64_t fallback) {
  return given(key, true) ? byte_size(key, min, max) : fallback;
}

YamlMap YamlMap::map(const std::string& key) {
  if (!given(key, false)) fail(key, missing_message(key, "section"));
  return section(key);
}

std::optional<YamlMap> YamlMap::optional_map(const std::string& key) {
  if (!given(key, true)) return std::nullopt;
  return section(key);
}

YamlMap YamlMap::section(const std::string& key) {
  const YAML::Node child = node_[key];
  if (!child.IsMap()) fail(key, "expected a section (indented 'key: value' lines)");
  YamlMap out(child, file_, child_path(key), line_offset_);
  out.set_arguments_ = set_arguments_;
  return out;
}

std::vector<YamlMap> YamlMap::list_of_maps(const std::string& key) {
  if (!given(key, false)) fail(key, missing_message(key, "list"));
  const YAML::Node list = node_[key];
  if (!list.IsSequence()) fail(key, "expected a list (lines starting with '- ')");
  std::vector<YamlMap> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = fmt::format("{}[{}]", child_path(key), i);
    if (!list[i].IsMap()) {
      throw InputError(source(path, line_of(list[i]) + line_offset_),
                       "expected a section (indented 'key: value' lines) as a list item");
    }
    out.emplace_back(list[i], file_, path, line_offset_);
    out.back().set_arguments_ = set_arguments_;
  }
  return out;
}

YAML::Node YamlMap::node(const std::string& key) {
  known_.insert(key);
  return node_[key];
}

std::vector<std::string> YamlMap::keys() const {
  std::vector<std::string> out;
  for (const auto& kv : node_) out.push_back(kv.first.as<std::string>());
  return out;
}

void YamlMap::finish() const {
  for (const auto& kv : node_) {
    const std::string key = kv.first.as<std::string>();
    if (known_.count(key) == 0) {
      // `{preset:hbm3}` is one plain scalar in YAML, the key "preset:hbm3".
      const auto colon = key.find(':');
      const std::string hint =
          colon != std::string::npos && known_.count(key.substr(0, colon)) != 0
              ? fmt::format(" (YAML needs a space after the colon: '{}: {}')", key.substr(0, colon),
                            key.substr(colon + 1))
              : "";
      throw InputError(source(child_path(key), line_of(kv.first) + line_offset_),
                       fmt::format("unknown key; allowed here: {}{}", fmt::join(known_, ", "), hint));
    }
  }
  if (missing_) throw InputError(missing_->first, missing_->second);
}

}  // namespace qarch

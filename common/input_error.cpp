#include "common/input_error.h"

#include <fmt/format.h>

namespace qarch {

std::string SourceRef::location() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) out += ":" + std::to_string(line);
  return out;
}

std::string SourceRef::describe() const { return key_path.empty() ? location() : location() + ": " + key_path; }

namespace {

// `inner` is `outer` or a key inside it ("a.b[0].c" is inside "a.b").
bool is_within(const std::string& inner, const std::string& outer) {
  return inner.compare(0, outer.size(), outer) == 0 &&
         (inner.size() == outer.size() || inner[outer.size()] == '.' || inner[outer.size()] == '[');
}

}  // namespace

bool SetArgument::covers(const std::string& path) const { return is_within(path, key_path); }

bool SetArgument::touches(const std::string& path) const { return covers(path) || is_within(key_path, path); }

SourceRef SetArgument::source(const std::string& path) const {
  if (!option_name.empty()) return SourceRef{option_name + " " + text, 0, ""};
  return SourceRef{"--set " + text, 0, path};
}

SourceRef value_source(const std::string& file, int line, const std::string& key_path,
                       const std::vector<SetArgument>& set_arguments) {
  for (auto s = set_arguments.rbegin(); s != set_arguments.rend(); ++s) {
    if (s->covers(key_path)) return s->source(key_path);
  }
  return SourceRef{file, line, key_path};
}

InputError::InputError(const SourceRef& where, const std::string& message)
    : std::runtime_error(where.describe() + ": " + message) {}

namespace {

// Length of the UTF-8 sequence at text[i], 0 if it is not valid (RFC 3629:
// no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  }
  if (length == 0 || i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

bool is_control(unsigned char byte) { return byte < 0x20 || byte == 0x7f; }
std::string escaped(unsigned char byte) { return fmt::format("\\x{:02x}", byte); }

// Appends `text` to `out` as printable_text() writes it while `out` stays
// within `max_bytes`; false if some of it did not fit.
bool append_printable(const std::string& text, std::size_t max_bytes, std::string& out) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = utf8_sequence_length(text, i);
    const std::string piece = length == 0 || is_control(byte) ? escaped(byte) : text.substr(i, length);
    if (out.size() + piece.size() > max_bytes) return false;
    out += piece;
    i += length == 0 ? 1 : length;
  }
  return true;
}

}  // namespace

std::string printable_text(const std::string& text) {
  std::string out;
  append_printable(text, std::string::npos, out);
  return out;
}

std::string quoted_excerpt(const std::string& text) {
  std::string out;
  if (append_printable(text, kExcerptBytes, out)) return out;
  out.clear();
  append_printable(text, kExcerptBytes - 3, out);
  return out + "...";
}

void require_utf8(const std::string& text, const SourceRef& where) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      throw InputError(where, "not valid UTF-8 text (at byte " + std::to_string(i + 1) + "); names and other strings must be UTF-8");
    }
    i += length;
  }
}

void require_name(const std::string& name, const SourceRef& where) {
  if (name.empty()) throw InputError(where, "is empty; a name is non-empty text");
  if (name.find_first_not_of(' ') == std::string::npos) {
    throw InputError(where, "is blank (only spaces); a name is non-empty text");
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    if (is_control(byte)) {
      throw InputError(where, "contains the control character " + escaped(byte) + " (at byte " +
                                  std::to_string(i + 1) + "); names are printable text");
    }
  }
}

}  // namespace qarch

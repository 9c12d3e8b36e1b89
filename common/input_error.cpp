#include "common/input_error.h"

namespace qarch {

std::string SourceRef::describe() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) out += ":" + std::to_string(line);
  if (!key_path.empty()) out += ": " + key_path;
  return out;
}

InputError::InputError(const SourceRef& where, const std::string& message)
    : std::runtime_error(where.describe() + ": " + message) {}

}  // namespace qarch

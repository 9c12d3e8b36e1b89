#include "common/input_file.h"

#include <filesystem>
#include <sstream>

#include "common/input_error.h"

namespace qarch {

std::ifstream open_input_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(SourceRef{path, 0, ""}, "is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(SourceRef{path, 0, ""}, "cannot open file");
  return in;
}

std::string read_input_file(const std::string& path) {
  std::ifstream in = open_input_file(path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace qarch

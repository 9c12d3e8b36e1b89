#pragma once
// Opening the input files a user names (configs, traces, tables, arrays).
#include <fstream>
#include <string>

namespace qarch {

// `path` opened for reading. A path that cannot be opened is an InputError, and
// so is a directory: std::ifstream opens one and reads nothing, which each
// reader then reported as an empty or malformed file.
std::ifstream open_input_file(const std::string& path);

// The whole content of the file at `path`, with open_input_file's errors.
std::string read_input_file(const std::string& path);

}  // namespace qarch

#pragma once
// Runs the built qarch binary (QARCH_BINARY) and captures stdout, stderr and
// the exit code, for CLI integration tests.
#include <string>
#include <vector>

namespace qarch::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CommandResult run_qarch(const std::string& args);
std::string make_temp_dir();
void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);
// Splits a CSV line on commas, trimming blanks; a trailing empty field is dropped.
std::vector<std::string> split_csv(const std::string& line);

}  // namespace qarch::test

#pragma once
// Runs the built qarch binary (QARCH_BINARY) and captures stdout, stderr and
// the exit code, for CLI integration tests.
#include <string>
#include <vector>

namespace qarch::test {

// Shipped files the CLI tests run.
inline const std::string kDataDir = QARCH_TEST_DATA_DIR;
inline const std::string kEdgeAccelerator = std::string(QARCH_SOURCE_DIR) + "/accelerators/edge-int8-32x32.yaml";
inline const std::string kTinyTransformer = std::string(QARCH_SOURCE_DIR) + "/workloads/examples/tiny-transformer.yaml";

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// stdout_path: where the command's stdout goes instead (e.g. /dev/full); out is then empty.
CommandResult run_qarch(const std::string& args, const std::string& stdout_path = "");
// A fresh folder under /tmp, removed with everything in it when the test
// process ends (each test case is a process of its own).
std::string make_temp_dir();
void write_file(const std::string& path, const std::string& text);
// Writes `text` to a file `name` in a fresh temporary folder; returns its path.
std::string write_temp_file(const std::string& name, const std::string& text);
std::string read_file(const std::string& path);
// Splits a CSV line on commas, trimming blanks; a trailing empty field is dropped.
std::vector<std::string> split_csv(const std::string& line);

}  // namespace qarch::test

#include "tests/support/run_qarch.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace qarch::test {
namespace {

// The folders make_temp_dir() made in this process; before, every CLI test
// left one behind in /tmp (tens of thousands after a few hundred test runs).
class TempDirs {
 public:
  void add(std::string path) { paths_.push_back(std::move(path)); }
  ~TempDirs() {
    for (const std::string& path : paths_) {
      std::error_code ignored;  // best effort: a test may have removed it itself
      std::filesystem::remove_all(path, ignored);
    }
  }

 private:
  std::vector<std::string> paths_;
};

TempDirs& temp_dirs() {
  static TempDirs dirs;
  return dirs;
}

}  // namespace

CommandResult run_qarch(const std::string& args, const std::string& stdout_path) {
  const std::string dir = make_temp_dir();
  const std::string out = dir + "/stdout", err = dir + "/stderr";
  const std::string cmd = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ") + QARCH_BINARY + " " + args +
                          " >" + (stdout_path.empty() ? out : stdout_path) + " 2>" + err + " </dev/null";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::string make_temp_dir() {
  char tmpl[] = "/tmp/qarch-test-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  temp_dirs().add(tmpl);
  return tmpl;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string write_temp_file(const std::string& name, const std::string& text) {
  const std::string path = make_temp_dir() + "/" + name;
  write_file(path, text);
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, ',');) {
    const auto b = f.find_first_not_of(" \t\r");
    fields.push_back(b == std::string::npos ? "" : f.substr(b, f.find_last_not_of(" \t\r") - b + 1));
  }
  if (!fields.empty() && fields.back().empty()) fields.pop_back();
  return fields;
}

}  // namespace qarch::test

#pragma once
// Progress for long work: shown on an interactive terminal, silent when piped.
#include <cstdint>
#include <string>

namespace qarch {

bool stderr_is_terminal();

class ProgressLine {
 public:
  ProgressLine(std::string label, std::uint64_t total);
  ~ProgressLine();
  void update(std::uint64_t done);
  // Clears the line (before printing results); the destructor does it too.
  void finish();

 private:
  std::string label_;
  std::uint64_t total_;
  bool enabled_;
  int last_percent_ = -1;
};

}  // namespace qarch

#include "common/terminal.h"

#include <cstdio>
#include <unistd.h>

namespace qarch {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressLine::ProgressLine(std::string label, std::uint64_t total)
    : label_(std::move(label)), total_(total), enabled_(stderr_is_terminal() && total > 1) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::finish() {
  if (enabled_ && last_percent_ >= 0) std::fprintf(stderr, "\r\033[K");
  enabled_ = false;
}

void ProgressLine::update(std::uint64_t done) {
  if (!enabled_) return;
  const int percent = static_cast<int>(100 * done / total_);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  std::fprintf(stderr, "\r%s %3d%% (%llu/%llu)", label_.c_str(), percent,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_));
  std::fflush(stderr);
}

}  // namespace qarch

#pragma once
// Each subcommand lives in commands/<name>.cpp and registers itself here.
// A subcommand's callback throws qarch::InputError for bad input; it sets
// `exit_code` only for a non-error failure (e.g. a check that did not pass).
#include <CLI/CLI.hpp>

namespace qarch::cli {

struct CommandStatus {
  int exit_code = 0;
};

}  // namespace qarch::cli

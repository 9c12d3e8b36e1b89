#pragma once
// Each subcommand lives in commands/<name>.cpp and registers itself through
// one add_<name>_command function declared here and called from cli.cpp.
// A subcommand's callback throws qarch::InputError for bad input (exit 2);
// it sets status.exit_code only for a non-error failure (e.g. a failed check).
#include <cstdint>

#include <CLI/CLI.hpp>

namespace qarch::cli {

struct CommandStatus {
  int exit_code = 0;
};

// For every option that names a file or folder: an empty path is refused
// ("--trace: the path is empty, so it names no file") rather than opened.
extern const CLI::Validator kPathGiven;

// For every integer option (->check(whole_number(1, 64))): decimal digits
// without a leading 0 (CLI11 alone reads "010" as octal and wraps "-1" into an
// unsigned option), in min..max; the error names the range.
CLI::Validator whole_number(std::uint64_t min, std::uint64_t max);
// The same for options that may be negative (zero-points).
CLI::Validator signed_whole_number(std::int64_t min, std::int64_t max);

// One line per subcommand, in the order `qarch --help` lists them.
void add_run_command(CLI::App& app, CommandStatus& status);
void add_demo_command(CLI::App& app, CommandStatus& status);
void add_validate_command(CLI::App& app, CommandStatus& status);
void add_import_command(CLI::App& app, CommandStatus& status);
void add_cost_command(CLI::App& app, CommandStatus& status);
void add_numerics_command(CLI::App& app, CommandStatus& status);
void add_dram_command(CLI::App& app, CommandStatus& status);
void add_cache_command(CLI::App& app, CommandStatus& status);

}  // namespace qarch::cli

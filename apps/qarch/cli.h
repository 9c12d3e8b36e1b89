#pragma once
// The qarch command line: builds the CLI11 app from the subcommands and maps
// errors to exit codes (0 ok, 1 a check failed, 2 bad input or usage, or a
// result that could not be written).
namespace qarch::cli {

int run(int argc, char* argv[]);

}  // namespace qarch::cli

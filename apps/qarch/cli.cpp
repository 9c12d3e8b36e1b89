#include "apps/qarch/cli.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "apps/qarch/commands.h"
#include "common/input_error.h"

namespace qarch::cli {

const CLI::Validator kPathGiven(
    [](const std::string& path) { return path.empty() ? std::string("the path is empty, so it names no file") : std::string(); },
    "");

namespace {

// An integer as every option takes it: decimal digits with an optional sign
// (+8 as in YAML) and no leading 0 (C and YAML 1.1 read "010" as octal 8).
struct DecimalInteger {
  bool negative = false;
  std::uint64_t magnitude = 0;  // up to 2^64 - 1
};

// A validator of such integers: `in_range` says which are allowed, `allowed`
// says it in the error.
CLI::Validator decimal_integer(std::string allowed, std::function<bool(const DecimalInteger&)> in_range) {
  return CLI::Validator(
      [allowed = std::move(allowed), in_range = std::move(in_range)](const std::string& text) {
        const bool signed_text = !text.empty() && (text[0] == '-' || text[0] == '+');
        const std::string digits = signed_text ? text.substr(1) : text;
        DecimalInteger n;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n.magnitude);
        if (digits.empty() || end != digits.data() + digits.size() || (digits.size() > 1 && digits[0] == '0')) {
          return fmt::format("'{}' is not a whole number in decimal (no leading 0); allowed: {}", text, allowed);
        }
        n.negative = text[0] == '-' && n.magnitude != 0;
        if (error == std::errc::result_out_of_range || !in_range(n)) {
          return fmt::format("{} is out of range; allowed: {}", text, allowed);
        }
        return std::string();
      },
      "");
}

}  // namespace

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max) {
  return decimal_integer(fmt::format("{}..{}", min, max), [min, max](const DecimalInteger& n) {
    return !n.negative && n.magnitude >= min && n.magnitude <= max;
  });
}

CLI::Validator signed_whole_number(std::int64_t min, std::int64_t max) {
  return decimal_integer(fmt::format("{}..{}", min, max), [min, max](const DecimalInteger& n) {
    constexpr std::uint64_t kInt64Max = std::uint64_t(std::numeric_limits<std::int64_t>::max());
    if (n.magnitude > kInt64Max + (n.negative ? 1 : 0)) return false;
    const std::int64_t value = n.negative ? std::int64_t(std::uint64_t{0} - n.magnitude) : std::int64_t(n.magnitude);
    return value >= min && value <= max;
  });
}

namespace {

// "qarch cache": the command line up to the deepest subcommand given.
std::string command_path(const CLI::App& app) {
  std::string path = "qarch";
  for (const CLI::App* command = &app; !command->get_subcommands().empty();) {
    command = command->get_subcommands().front();
    path += " " + command->get_name();
  }
  return path;
}

// --help shows each option's default, but an empty list is none ("--set TEXT=[]").
void hide_empty_list_defaults(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_default_str() == "[]") option->default_str("");
  }
  for (CLI::App* command : app.get_subcommands(nullptr)) hide_empty_list_defaults(*command);
}

// Results go to stdout through C stdio (std::cout is synchronised with it), so
// a write that failed (a full disk, a closed pipe) only shows here.
int check_stdout(int exit_code) {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return exit_code;
  std::fprintf(stderr, "qarch: error: cannot write standard output: %s\n", std::strerror(errno));
  return kExitInputError;
}

}  // namespace

int run(int argc, char* argv[]) {

  CLI::App app{"qarch: accelerator simulator and cost model for quantized neural networks"};
  app.set_version_flag("--version", std::string("qarch ") + QARCH_VERSION);
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  CommandStatus status;
  add_run_command(app, status);
  add_demo_command(app, status);
  add_validate_command(app, status);
  add_import_command(app, status);
  add_cost_command(app, status);
  add_numerics_command(app, status);
  add_dram_command(app, status);
  add_cache_command(app, status);
  hide_empty_list_defaults(app);

  // CLI11 says only "A subcommand is required" for a word that names none, at
  // any level (qarch bogus, qarch import bogus): name it and the commands there.
  // The words up to the first option are commands while their command has any.
  std::string path = "qarch";
  const CLI::App* level = &app;
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
    std::vector<std::string> names;
    const CLI::App* next = nullptr;
    for (const CLI::App* command : level->get_subcommands(nullptr)) {
      names.push_back(command->get_name());
      if (command->get_name() == argv[i]) next = command;
    }
    if (names.empty()) break;
    if (next == nullptr) {
      std::sort(names.begin(), names.end());
      std::fprintf(stderr, "qarch: error: unknown command '%s'; allowed: %s; see %s --help\n", argv[i],
                   fmt::format("{}", fmt::join(names, ", ")).c_str(), path.c_str());
      return kExitInputError;
    }
    level = next;
    path += " " + next->get_name();
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return check_stdout(app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "qarch: error: %s; see %s --help\n", e.what(), command_path(app).c_str());
    return kExitInputError;
  } catch (const InputError& e) {
    std::fprintf(stderr, "qarch: error: %s\n", e.what());
    return kExitInputError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qarch: internal error: %s\n", e.what());
    return 1;
  }
  return check_stdout(status.exit_code);
}

}  // namespace qarch::cli

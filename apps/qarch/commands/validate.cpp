// qarch validate: check accelerator configs and workload traces without running.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/qarch/commands.h"
#include "common/input_error.h"
#include "sim/accelerator_config.h"
#include "sim/costing.h"
#include "sim/mapper.h"
#include "workloads/trace.h"

namespace qarch::cli {
namespace {
struct ValidateOptions {
  std::string accelerator, workload;
  std::vector<std::string> overrides;
};
}  // namespace

void add_validate_command(CLI::App& app, CommandStatus&) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand("validate", "Check an accelerator config and/or a workload trace");
  cmd->add_option("-a,--accelerator", o->accelerator, "accelerator config (YAML)")->check(kPathGiven);
  cmd->add_option("-w,--workload", o->workload, "workload trace (.yaml or .jsonl)")->check(kPathGiven);
  cmd->add_option("--set", o->overrides, "override an accelerator key: key.path=value");
  cmd->callback([o] {
    if (o->accelerator.empty() && o->workload.empty()) throw InputError("give -a ARCH.yaml, -w TRACE, or both");
    if (o->accelerator.empty() && !o->overrides.empty()) {
      throw InputError("--set " + o->overrides.front() + ": --set changes the accelerator config; give it with -a ARCH.yaml");
    }
    // Printed only once every check passed: stdout never says "ok" of a
    // file the command then fails on.
    std::string report;
    std::unique_ptr<sim::AcceleratorConfig> config;
    if (!o->accelerator.empty()) {
      config = std::make_unique<sim::AcceleratorConfig>(sim::load_accelerator(o->accelerator, o->overrides));
      sim::check_priceable(*config, {});
      report += o->accelerator + ": ok (accelerator " + config->name + ")\n";
    }
    if (!o->workload.empty()) {
      const workloads::Workload w = workloads::load_trace(o->workload);
      report += o->workload + ": ok (workload " + w.name + ", " + std::to_string(w.ops.size()) + " ops)\n";
      // With both, also check that the accelerator can run every op.
      if (config) {
        sim::check_priceable(*config, sim::plan_workload(w, *config));
        report += w.name + " runs on " + config->name + ": ok\n";
      }
    }
    std::fputs(report.c_str(), stdout);
  });
}

}  // namespace qarch::cli

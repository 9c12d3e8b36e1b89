// qarch demo: the built-in design point on the built-in workload.
#include <memory>
#include <string>

#include "apps/qarch/commands.h"
#include "apps/qarch/summary_table.h"
#include "common/atomic_file.h"
#include "sim/accelerator_config.h"
#include "sim/run.h"
#include "workloads/trace.h"

namespace qarch::cli {

void add_demo_command(CLI::App& app, CommandStatus&) {
  auto json = std::make_shared<std::string>();
  CLI::App* demo = app.add_subcommand(
      "demo", "Run the built-in design point (accelerators/edge-int8-32x32.yaml) on the built-in "
              "workload (workloads/examples/tiny-transformer.yaml)");
  demo->add_option("--json", *json, "also write the result as JSON to FILE")->check(kPathGiven);
  demo->callback([json] {
    const sim::AcceleratorConfig config = sim::builtin_accelerator();
    const workloads::Workload workload =
        workloads::load_trace_yaml_text(sim::builtin_workload_yaml(), "built-in");
    const sim::RunResult result = sim::run_simulation(config, workload);
    AtomicFileSet files;  // first, as qarch run does
    if (!json->empty()) sim::add_json_file(result, *json, files);
    files.commit();
    print_summary(result, stdout);
  });
}

}  // namespace qarch::cli

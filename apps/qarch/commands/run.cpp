// qarch run: one workload on one design point, or a SCALE-Sim run.
#include <memory>
#include <string>
#include <vector>

#include "apps/qarch/commands.h"
#include "apps/qarch/summary_table.h"
#include "common/atomic_file.h"
#include "common/input_error.h"
#include "sim/accelerator_config.h"
#include "sim/run.h"
#include "sim/scalesim_reports.h"
#include "workloads/scalesim_topology.h"
#include "workloads/trace.h"

namespace qarch::cli {
namespace {

struct RunCommandOptions {
  std::string accelerator, workload, json, scalesim_config, topology, outdir;
  std::vector<std::string> overrides;
  bool gemm = false;
  bool quiet = false;
};

void execute(const RunCommandOptions& o) {
  sim::AcceleratorConfig config;
  workloads::Workload workload;
  const bool scalesim = !o.scalesim_config.empty();
  if (scalesim) {
    if (o.topology.empty()) throw InputError("--scalesim-config needs --topology Y.csv");
    if (!o.accelerator.empty() || !o.workload.empty()) {
      throw InputError("use either -a/-w or --scalesim-config/--topology, not both");
    }
    config = sim::load_scalesim_config(o.scalesim_config);
    if (!o.overrides.empty()) throw InputError("--set applies to YAML accelerator configs, not SCALE-Sim .cfg files");
    workload = workloads::load_scalesim_topology(
        o.topology, o.gemm ? workloads::ScaleSimTopologyKind::kGemm : workloads::ScaleSimTopologyKind::kConv);
  } else {
    if (o.accelerator.empty() || o.workload.empty()) {
      throw InputError("qarch run needs -a ARCH.yaml and -w WORKLOAD (or --scalesim-config and --topology)");
    }
    if (!o.topology.empty() || !o.outdir.empty() || o.gemm) {
      throw InputError("--topology, --gemm and --outdir go with --scalesim-config");
    }
    config = sim::load_accelerator(o.accelerator, o.overrides);
    workload = workloads::load_trace(o.workload);
  }
  sim::RunOptions run_options;
  run_options.price = !o.quiet || !o.json.empty();  // SCALE-Sim's CSVs carry no energy
  const sim::RunResult result = sim::run_simulation(config, workload, run_options);
  // Files first, all or none: a summary on stdout means every result was written.
  AtomicFileSet files;
  if (scalesim && !o.outdir.empty()) sim::add_scalesim_reports(result, o.outdir, files);
  if (!o.json.empty()) sim::add_json_file(result, o.json, files);
  files.commit();
  if (!o.quiet) print_summary(result, stdout);
}

}  // namespace

void add_run_command(CLI::App& app, CommandStatus&) {
  auto opts = std::make_shared<RunCommandOptions>();
  CLI::App* run = app.add_subcommand("run", "Simulate a workload on an accelerator design point");
  run->add_option("-a,--accelerator", opts->accelerator, "accelerator config (YAML)")->check(kPathGiven);
  run->add_option("-w,--workload", opts->workload, "workload trace (.yaml or .jsonl)")->check(kPathGiven);
  run->add_option("--set", opts->overrides, "override an accelerator key: key.path=value (repeatable)");
  run->add_option("--json", opts->json, "write the result as JSON to FILE")->check(kPathGiven);
  run->add_option("--scalesim-config", opts->scalesim_config, "SCALE-Sim v2 .cfg instead of -a")->check(kPathGiven);
  run->add_option("--topology", opts->topology, "SCALE-Sim v2 topology CSV instead of -w")->check(kPathGiven);
  run->add_flag("--gemm", opts->gemm, "the topology has M,N,K rows (SCALE-Sim -i gemm)");
  run->add_option("--outdir", opts->outdir, "write SCALE-Sim's three report CSVs here")->check(kPathGiven);
  run->add_flag("-q,--quiet", opts->quiet, "no summary table on stdout");
  run->callback([opts] { execute(*opts); });
}

}  // namespace qarch::cli

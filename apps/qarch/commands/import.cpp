// qarch import scalesim: a SCALE-Sim v2 topology CSV as a v1 trace.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "apps/qarch/commands.h"
#include "common/atomic_file.h"
#include "common/input_error.h"
#include "workloads/scalesim_topology.h"
#include "workloads/trace.h"

namespace qarch::cli {
namespace {
struct ImportOptions {
  std::string topology, out;
  bool gemm = false;
};
}  // namespace

void add_import_command(CLI::App& app, CommandStatus&) {
  CLI::App* import = app.add_subcommand("import", "Convert other tools' workloads to qarch traces");
  import->require_subcommand(1);
  auto o = std::make_shared<ImportOptions>();
  CLI::App* scalesim = import->add_subcommand("scalesim", "SCALE-Sim v2 topology CSV -> trace v1 YAML");
  scalesim->add_option("topology", o->topology, "topology CSV")->required()->check(kPathGiven);
  scalesim->add_flag("--gemm", o->gemm, "the CSV has M,N,K rows (SCALE-Sim -i gemm)");
  scalesim->add_option("-o,--out", o->out, "write the trace here (default: stdout)")->check(kPathGiven);
  scalesim->callback([o] {
    // The trace would replace the topology it was made from (a link to it too).
    std::error_code not_both_there;
    if (!o->out.empty() && std::filesystem::equivalent(o->topology, o->out, not_both_there)) {
      throw InputError(SourceRef{o->out, 0, ""},
                       "-o names the topology being imported, which the trace would overwrite; write the trace to "
                       "another file");
    }
    const workloads::Workload w = workloads::load_scalesim_topology(
        o->topology, o->gemm ? workloads::ScaleSimTopologyKind::kGemm : workloads::ScaleSimTopologyKind::kConv);
    // A line break in the path would end the comment and start YAML.
    const std::string text =
        "# Imported from SCALE-Sim v2 topology " + printable_text(o->topology) + "\n" + workloads::to_yaml(w);
    if (o->out.empty()) {
      std::fputs(text.c_str(), stdout);
      return;
    }
    write_file_atomically(o->out, text);
  });
}

}  // namespace qarch::cli

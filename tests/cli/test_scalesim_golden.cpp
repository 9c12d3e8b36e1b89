// Every reference run in tests/data/scalesim (SCALE-Sim v2 outputs; see
// tests/data/scalesim/SOURCE.md), through `qarch run --scalesim-config`.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "tests/support/run_qarch.h"

namespace fs = std::filesystem;
using qarch::test::read_file;
using qarch::test::run_qarch;
using qarch::test::split_csv;

namespace {
const std::string kDir = std::string(QARCH_TEST_DATA_DIR) + "/scalesim";

std::vector<std::vector<std::string>> read_rows(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream in(read_file(path));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(split_csv(line));
  }
  return rows;
}

struct Reference {
  std::string topology, config, topology_file;
  fs::path compute_report;

  // SCALE-Sim's report `kind` ("DETAILED_ACCESS_REPORT", ...) of this run.
  std::string report(const std::string& kind) const {
    return fs::path(compute_report).replace_filename(topology + "__" + config + "__" + kind + ".csv").string();
  }
};

// "<topology>__<config>__COMPUTE_REPORT.csv"; a "<topo>_L<a>-L<b>" topology
// is the layer range file of the same name.
std::vector<Reference> references(bool user_bandwidth) {
  std::vector<Reference> out;
  for (const auto& e : fs::directory_iterator(kDir + "/results")) {
    const std::string name = e.path().filename().string();
    const auto end = name.find("__COMPUTE_REPORT.csv");
    if (end == std::string::npos) continue;
    const auto sep = name.find("__");
    Reference r{name.substr(0, sep), name.substr(sep + 2, end - sep - 2), "", e.path()};
    if ((r.config.find("_user_") != std::string::npos) != user_bandwidth) continue;
    r.topology_file = kDir + "/topologies/" + r.topology + ".csv";
    out.push_back(r);
  }
  return out;
}

bool is_gemm(const std::string& topology) { return topology.rfind("gpt2", 0) == 0; }

// Layer rows of the reference start at the first layer of the range.
int first_layer(const std::string& topology) {
  const auto l = topology.find("_L");
  return l == std::string::npos ? 0 : std::stoi(topology.substr(l + 2));
}

// Runs the reference's config and topology; returns the report directory.
std::string run_reference(const Reference& ref) {
  const std::string out = qarch::test::make_temp_dir();
  const auto r = run_qarch("run -q --scalesim-config " + kDir + "/configs/" + ref.config + ".cfg --topology " +
                           ref.topology_file + (is_gemm(ref.topology) ? " --gemm" : "") + " --outdir " + out);
  REQUIRE(r.exit_code == 0);
  return out;
}

}  // namespace

TEST_CASE("CALC mode: total and stall cycles equal SCALE-Sim v2 exactly on every reference layer") {
  const auto refs = references(false);
  REQUIRE(refs.size() == 23);  // the CALC COMPUTE_REPORT files in tests/data/scalesim/results
  int layers = 0;
  for (const Reference& ref : refs) {
    INFO(ref.topology << " on " << ref.config);
    const std::string out = run_reference(ref);
    const auto ours = read_rows(out + "/COMPUTE_REPORT.csv");
    const auto theirs = read_rows(ref.compute_report.string());
    const auto our_access = read_rows(out + "/DETAILED_ACCESS_REPORT.csv");
    const auto their_access = read_rows(ref.report("DETAILED_ACCESS_REPORT"));
    const int base = first_layer(ref.topology);
    REQUIRE(ours.size() == theirs.size());
    REQUIRE(our_access.size() == ours.size());
    REQUIRE(their_access.size() == theirs.size());
    const bool output_stationary = ref.config.find("_os") != std::string::npos;
    for (std::size_t i = 0; i < theirs.size(); ++i) {
      const auto& t = theirs[i];
      const std::size_t our_row = static_cast<std::size_t>(std::stoi(t[0]) - base);
      REQUIRE(our_row < ours.size());
      const auto& o = ours[our_row];
      INFO("layer " << t[0]);
      CHECK(o[1] == t[1]);  // Total Cycles
      CHECK(o[2] == t[2]);  // Stall Cycles
      for (int col = 3; col <= 5; ++col) {  // utilisation columns, float rounding aside
        CHECK(std::stod(o[static_cast<std::size_t>(col)]) == Approx(std::stod(t[static_cast<std::size_t>(col)])).epsilon(1e-9));
      }
      // SRAM IFMAP reads, Filter reads, OFMAP writes (DETAILED_ACCESS columns 3, 6, 9).
      // For os SCALE-Sim's OFMAP count adds folds * (R + C), a counting artefact we do not
      // copy: there it is above ours.
      CHECK(our_access[our_row][3] == their_access[i][3]);
      CHECK(our_access[our_row][6] == their_access[i][6]);
      if (output_stationary) {
        CHECK(std::stoll(our_access[our_row][9]) < std::stoll(their_access[i][9]));
      } else {
        CHECK(our_access[our_row][9] == their_access[i][9]);
      }
      ++layers;
    }
  }
  // 266 layer rows are in the reference set: 251 in CALC report files, 3 in the
  // USER-bandwidth full reports and 12 in the USER-bandwidth logs (below).
  CHECK(layers == 251);
}

TEST_CASE("USER bandwidth: total and stall cycles and DRAM bandwidths equal SCALE-Sim v2 on every reference layer") {
  // The issue asks for 5 %; the scalesim traffic model replays SCALE-Sim's
  // own scratchpad, so we hold it to equality (to the log's printed
  // decimals). Source: *_PARTIAL_FROM_LOG.csv, the console log of the
  // time-boxed full AlexNet runs, which printed layers 0-2.
  int layers = 0;
  for (const auto& e : fs::directory_iterator(kDir + "/results")) {
    const std::string name = e.path().filename().string();
    const auto end = name.find("__PARTIAL_FROM_LOG.csv");
    if (end == std::string::npos) continue;
    const auto sep = name.find("__");
    const std::string topology = name.substr(0, sep), config = name.substr(sep + 2, end - sep - 2);
    INFO(topology << " on " << config);
    const std::string out = run_reference({topology, config, kDir + "/topologies/alexnet_L0-L2.csv", {}});
    const auto ours = read_rows(out + "/COMPUTE_REPORT.csv");
    const auto our_bandwidth = read_rows(out + "/BANDWIDTH_REPORT.csv");
    const auto theirs = read_rows(e.path().string());
    REQUIRE(ours.size() == theirs.size());
    REQUIRE(our_bandwidth.size() == theirs.size());
    for (std::size_t i = 0; i < theirs.size(); ++i) {
      INFO("layer " << theirs[i][0]);
      CHECK(ours[i][1] == theirs[i][1]);
      CHECK(ours[i][2] == theirs[i][2]);
      CHECK(std::stod(ours[i][3]) == Approx(std::stod(theirs[i][3])).margin(0.005));  // printed to 2 decimals
      // Avg IFMAP/FILTER/OFMAP DRAM BW: BANDWIDTH_REPORT columns 4-6, the log's
      // columns 5-7, printed to 3 decimals.
      for (std::size_t col = 0; col < 3; ++col) {
        INFO("DRAM bandwidth column " << col);
        CHECK(std::stod(our_bandwidth[i][4 + col]) == Approx(std::stod(theirs[i][5 + col])).margin(0.0005 + 1e-9));
      }
      ++layers;
    }
  }
  CHECK(layers == 12);
}

TEST_CASE("USER bandwidth: DETAILED_ACCESS_REPORT and BANDWIDTH_REPORT equal SCALE-Sim v2's full reports") {
  // The USER-bandwidth runs SCALE-Sim finished (32x32 ws, 10 words/cycle,
  // AlexNet layers 0-2): every access field and every average bandwidth, as
  // SCALE-Sim prints them.
  const auto refs = references(true);
  REQUIRE(!refs.empty());
  int layers = 0;
  for (const Reference& ref : refs) {
    INFO(ref.topology << " on " << ref.config);
    const std::string out = run_reference(ref);
    const auto our_access = read_rows(out + "/DETAILED_ACCESS_REPORT.csv");
    const auto their_access = read_rows(ref.report("DETAILED_ACCESS_REPORT"));
    const auto our_bandwidth = read_rows(out + "/BANDWIDTH_REPORT.csv");
    const auto their_bandwidth = read_rows(ref.report("BANDWIDTH_REPORT"));
    REQUIRE(our_access.size() == their_access.size());
    REQUIRE(our_bandwidth.size() == their_bandwidth.size());
    for (std::size_t i = 0; i < their_access.size(); ++i) {
      INFO("layer " << their_access[i][0]);
      CHECK(our_access[i] == their_access[i]);  // SRAM and DRAM start/stop cycles and counts
      CHECK(our_bandwidth[i] == their_bandwidth[i]);
      ++layers;
    }
    // The files as written, byte for byte (docs/scalesim.md says so).
    CHECK(read_file(out + "/DETAILED_ACCESS_REPORT.csv") == read_file(ref.report("DETAILED_ACCESS_REPORT")));
    CHECK(read_file(out + "/BANDWIDTH_REPORT.csv") == read_file(ref.report("BANDWIDTH_REPORT")));
  }
  CHECK(layers == 3);
}

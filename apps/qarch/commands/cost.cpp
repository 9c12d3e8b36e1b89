// `qarch cost`: prices one MAC or one memory access from the cost tables.
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/qarch/commands.h"
#include "common/input_error.h"
#include "common/yaml_reader.h"
#include "cost/cost_table.h"
#include "cost/datapath.h"
#include "cost/memory_cost.h"
#include "cost/technology.h"
#include "models/numerics/format_registry.h"

namespace qarch::cli {
namespace {

struct TechOptions {
  std::string node = "45nm";
  std::optional<double> vdd_v;
  std::string scaling;
  std::string table_path;
  bool json = false;
};

void add_tech_options(CLI::App* cmd, TechOptions& o) {
  cmd->add_option("--node", o.node, "technology node, e.g. 7nm (45nm is the table's base)");
  cmd->add_option("--vdd", o.vdd_v,
                  "supply voltage in V (default: the node's nominal); at most 5 V and not below the minimum of the "
                  "node's fitted energy polynomial (stillmaker2017: 0.165 V at 45nm, 0.41 V at 32nm, 0.257 V at 7nm)");
  cmd->add_option("--scaling", o.scaling, "technology scaling set of the table (stillmaker2017, classical)");
  cmd->add_option("--table", o.table_path, "cost table YAML (default: the built-in cost/tables/default.yaml)")
      ->check(kPathGiven);
  cmd->add_flag("--json", o.json, "print JSON");
}

struct Context {
  cost::CostTable table;
  cost::TechnologyPoint tech;
};

Context context(const TechOptions& o) {
  Context c{o.table_path.empty() ? cost::default_cost_table() : cost::load_cost_table(o.table_path), {}};
  c.tech = cost::resolve_technology(c.table, o.node, o.vdd_v, o.scaling);
  return c;
}


void print(const nlohmann::json& j, bool json) {
  if (json) {
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  for (const auto& [key, value] : j.items()) {
    if (value.is_number_float()) {
      std::printf("%-24s %.6g\n", key.c_str(), value.get<double>());
    } else {
      std::printf("%-24s %s\n", key.c_str(), value.dump().c_str());
    }
  }
}

}  // namespace

void add_cost_command(CLI::App& app, CommandStatus& status) {
  CLI::App* cost_cmd = app.add_subcommand("cost", "area and energy of a MAC or a memory access");
  cost_cmd->require_subcommand(1);

  struct MacArgs {
    TechOptions tech;
    std::string weights, acts, acc;
    std::optional<int> lane_bits;
    bool sparsity = false, bit_serial = false, breakdown = false;
  };
  auto mac = std::make_shared<MacArgs>();
  CLI::App* mac_cmd = cost_cmd->add_subcommand("mac", "area (um2) and energy (pJ) of one MAC");
  mac_cmd->add_option("--weights", mac->weights, "weight format (numerics registry name)")->required();
  mac_cmd->add_option("--acts", mac->acts, "activation format")->required();
  mac_cmd->add_option("--acc", mac->acc, "accumulator format")->required();
  CLI::Option* lane_bits = mac_cmd->add_option(
      "--lane-bits", mac->lane_bits, "pack integer operands into lanes this wide: 2 x operand bits..64 (default: no packing)")
      ->check(whole_number(1, cost::kMaxLaneBits));
  CLI::Option* sparsity =
      mac_cmd->add_flag("--sparsity-2-4", mac->sparsity, "add 2:4 sparsity mux and metadata (not with --bit-serial)");
  // A bit-serial PE has no multiplier lanes, and no source prices 2:4 sparsity on one (docs/cost.md).
  mac_cmd->add_flag("--bit-serial", mac->bit_serial, "bit-serial PE (area per PE, energy per whole MAC)")
      ->excludes(lane_bits)
      ->excludes(sparsity);
  mac_cmd->add_flag("--breakdown", mac->breakdown, "also print the parts (text output only)");
  add_tech_options(mac_cmd, mac->tech);
  mac_cmd->callback([mac]() {
    const Context c = context(mac->tech);
    const cost::DatapathModel model(c.table);
    const auto& w = cost::format_or_input_error(mac->weights, "--weights");
    const auto& a = cost::format_or_input_error(mac->acts, "--acts");
    const auto& acc = cost::format_or_input_error(mac->acc, "--acc");
    cost::PricedUnit unit;
    int cycles = 1;
    if (mac->bit_serial) {
      const auto pe = model.bit_serial_pe(w, a, acc);
      unit = pe.per_cycle;
      cycles = pe.cycles_per_mac;
    } else {
      if (mac->lane_bits) {
        try {
          cost::products_per_lane(w, a, *mac->lane_bits);
        } catch (const InputError& e) {
          throw InputError(fmt::format("--lane-bits {}: {}", *mac->lane_bits, e.what()));
        }
      }
      cost::MacOptions options;
      options.lane_bits = mac->lane_bits;
      options.sparsity_2_4 = mac->sparsity;
      unit = model.mac(w, a, acc, options);
    }
    const cost::UnitCost total = unit.total();
    nlohmann::json j{{"area_um2", total.area_um2 * c.tech.area_factor},
                     {"energy_pj", total.energy_pj * cycles * c.tech.energy_factor}};
    print(j, mac->tech.json);
    if (mac->breakdown && !mac->tech.json) {
      std::printf("parts at %gnm, %.3g V (%s):\n", c.tech.node_nm, c.tech.vdd_v, c.tech.scaling.c_str());
      for (const auto& [name, part] : unit.parts) {
        std::printf("  %-24s %10.2f um2 %10.5f pJ%s\n", name.c_str(), part.area_um2 * c.tech.area_factor,
                    part.energy_pj * c.tech.energy_factor, mac->bit_serial ? " per cycle" : "");
      }
    }
  });

  struct SramArgs {
    TechOptions tech;
    std::string size;
    int width_bits = 64;
    int banks = 1;
  };
  auto sram = std::make_shared<SramArgs>();
  CLI::App* sram_cmd = cost_cmd->add_subcommand("sram", "energy per access and area of an on-chip SRAM");
  sram_cmd->add_option("--size", sram->size, "capacity with a unit, e.g. 1MiB or 32 KiB; whole bytes, 1 B..1 TiB")
      ->required();
  sram_cmd->add_option("--width", sram->width_bits, "bits per access")
      ->check(whole_number(1, std::numeric_limits<int>::max()));
  sram_cmd->add_option("--banks", sram->banks, "number of banks")
      ->check(whole_number(1, std::numeric_limits<int>::max()));
  add_tech_options(sram_cmd, sram->tech);
  sram_cmd->callback([sram]() {
    const Context c = context(sram->tech);
    // The config reader's byte sizes: whole bytes, 1 B .. 2^40 B, as a scratchpad's size in accelerator configs.
    YAML::Node node = load_yaml_string("{}", "command line");
    node["--size"] = sram->size;
    const std::uint64_t bytes = YamlMap(node, "command line", "").byte_size("--size", 1, std::uint64_t{1} << 40);
    const cost::SramGeometry g{double(bytes), sram->width_bits, sram->banks};
    cost::validate_sram_geometry(g, "--size/--width/--banks");
    const cost::MemoryModel memory(c.table);
    nlohmann::json j{{"read_energy_pj", memory.sram_read_pj(g) * c.tech.energy_factor},
                     {"write_energy_pj", memory.sram_write_pj(g) * c.tech.energy_factor},
                     {"area_um2", memory.sram_area_um2(g) * c.tech.area_factor},
                     {"area_mm2", memory.sram_area_um2(g) * c.tech.area_factor * 1e-6}};
    print(j, sram->tech.json);
  });

  struct OffChipArgs {
    TechOptions tech;
    std::string standard;
  };
  auto dram = std::make_shared<OffChipArgs>();
  CLI::App* dram_cmd = cost_cmd->add_subcommand("dram", "DRAM energy per bit by standard");
  dram_cmd->add_option("--standard", dram->standard, "ddr4, ddr5, lpddr4, lpddr4x, lpddr5, lpddr5x, hbm2, hbm2e, hbm3")
      ->required();
  add_tech_options(dram_cmd, dram->tech);
  dram_cmd->callback([dram]() {
    const Context c = context(dram->tech);
    const double pj = cost::MemoryModel(c.table).dram_pj_per_bit(dram->standard);
    print(nlohmann::json{{"energy_pj_per_bit", pj}, {"energy_pj_per_64b", pj * 64}}, dram->tech.json);
  });

  auto flash = std::make_shared<OffChipArgs>();
  CLI::App* flash_cmd = cost_cmd->add_subcommand("flash", "flash (UFS) energy per bit by standard");
  flash_cmd->add_option("--standard", flash->standard, "ufs3.1, ufs4.0")->required();
  add_tech_options(flash_cmd, flash->tech);
  flash_cmd->callback([flash]() {
    const Context c = context(flash->tech);
    const cost::MemoryModel memory(c.table);
    print(nlohmann::json{{"read_energy_pj_per_bit", memory.flash_read_pj_per_bit(flash->standard)},
                         {"write_energy_pj_per_bit", memory.flash_write_pj_per_bit(flash->standard)}},
          flash->tech.json);
  });
  (void)status;
}

}  // namespace qarch::cli

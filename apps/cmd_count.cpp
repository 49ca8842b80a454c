#include <fmt/format.h>

#include "apps/commands.h"
#include "core/bigint.h"
#include "harness/length_range.h"
#include "languages/registry.h"

namespace saturn::cli {

void register_count(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("count", "Exact number of members of each length");
  static std::string language, length;
  static bool nonmembers = false;
  cmd->add_option("-l,--language", language, "language spec, e.g. dyck:k=2")->required();
  cmd->add_option("-n,--length", length, "length N or range A..B")->required();
  cmd->add_flag("--nonmembers", nonmembers, "count non-members instead");
  cmd->callback([&action] {
    action = [] {
      const auto lang = make_language(language);
      const auto range = parse_length_range(length);
      for (int n = range.lo; n <= range.hi; ++n) {
        const BigInt c = nonmembers ? lang->count_nonmembers(n) : lang->count(n);
        if (range.lo == range.hi) fmt::print("{}\n", c.str());
        else fmt::print("{}\t{}\n", n, c.str());
      }
      return kOk;
    };
  });
}

}  // namespace saturn::cli

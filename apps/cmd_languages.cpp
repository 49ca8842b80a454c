#include <fmt/format.h>

#include "apps/commands.h"
#include "languages/registry.h"

namespace saturn::cli {

void register_languages(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("languages", "List the languages, their parameters and descriptions");
  cmd->callback([&action] {
    action = [] {
      fmt::print("{:<14} {:<24} {}\n", "name", "parameters", "description");
      for (const auto& info : language_registry())
        fmt::print("{:<14} {:<24} {}\n", info.name, info.params.empty() ? "-" : info.params, info.description);
      fmt::print("{:<14} {:<24} {}\n", "and/or/not", "(A;B) / (A)", "Boolean combinations, e.g. and(dyck:k=1;parity)");
      return kOk;
    };
  });
}

}  // namespace saturn::cli

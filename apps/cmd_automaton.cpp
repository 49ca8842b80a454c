#include <fmt/format.h>

#include <iostream>

#include "apps/commands.h"
#include "automata/dot.h"
#include "core/error.h"
#include "languages/registry.h"
#include "languages/regular.h"

namespace saturn::cli {

namespace {
struct AutomatonArgs {
  std::string language;
  bool dot = false;
};

int run_automaton(const AutomatonArgs& a) {
  const auto lang = make_language(a.language);
  const auto* regular = dynamic_cast<const RegularLanguage*>(lang.get());
  if (!regular) throw Error(fmt::format("{} is not a regular language: it has no finite automaton", lang->spec()));
  if (a.dot) {
    automata::write_dot(std::cout, regular->automaton());
    return kOk;
  }
  const auto& t = regular->table();
  fmt::print("{}: minimal DFA with {} states over \"{}\" (start 0; missing transitions are dead)\n", lang->spec(),
             t.num_states, t.alphabet.chars());
  for (int s = 0; s < t.num_states; ++s) {
    fmt::print("  {}{}", s, t.accepting[static_cast<std::size_t>(s)] ? " (accepting)" : "");
    for (int x = 0; x < t.num_symbols(); ++x)
      if (t.step(s, static_cast<Symbol>(x)) >= 0)
        fmt::print("  {} -> {}", t.alphabet.symbol_char(static_cast<Symbol>(x)), t.step(s, static_cast<Symbol>(x)));
    fmt::print("\n");
  }
  return kOk;
}
}  // namespace

void register_automaton(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("automaton", "Show the minimal DFA of a regular language (text or Graphviz DOT)");
  static AutomatonArgs a;
  cmd->add_option("-l,--language", a.language, "regular language spec, e.g. 'regex:pattern=(ab)*'")->required();
  cmd->add_flag("--dot", a.dot, "print Graphviz DOT");
  cmd->callback([&action] { action = [] { return run_automaton(a); }; });
}

}  // namespace saturn::cli

// The `saturn` command line: one subcommand per verb, each registered by its own file.
// Commands only parse arguments and call the library; they return the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace saturn::cli {

// Exit codes.
inline constexpr int kOk = 0;
inline constexpr int kFailure = 1;   // runtime failure
inline constexpr int kBadInput = 2;  // malformed arguments or input files

// Each register_* adds a subcommand and stores the action to run when it is chosen.
using Action = std::function<int()>;
void register_languages(CLI::App& app, Action& action);
void register_count(CLI::App& app, Action& action);
void register_sample(CLI::App& app, Action& action);
void register_automaton(CLI::App& app, Action& action);
void register_run(CLI::App& app, Action& action);
void register_train(CLI::App& app, Action& action);
void register_eval(CLI::App& app, Action& action);
void register_simulate(CLI::App& app, Action& action);
void register_capacity(CLI::App& app, Action& action);  // verify, saturate, heads, constructions

}  // namespace saturn::cli

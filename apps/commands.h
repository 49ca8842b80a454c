// The `saturn` command line: one subcommand per verb, each registered by its own file.
// Commands only parse arguments and call the library; they return the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "core/word.h"
#include "saturated_transformer/model_weights.h"

namespace saturn::cli {

// Exit codes (README, docs/harness.md):
//   0  success; for `verify`: the model decides every string checked like the language.
//   1  the command ran and failed, or found the negative result it checks for: a training run
//      that diverged (`train` exits 1; `run` records the run as failed, finishes the other runs
//      and exits 1), `verify` finding a string the model decides wrongly, an I/O failure.
//   2  bad input, nothing was run: malformed arguments, task file, language spec, model folder
//      or input strings.
inline constexpr int kOk = 0;
inline constexpr int kFailure = 1;
inline constexpr int kBadInput = 2;

// A command calls this once it has read and checked all its inputs. A saturn::Error thrown
// before it is bad input (2), one thrown after it a failure (1); saturn::InputError (a located
// problem in an input file) is always 2 and DivergedError always 1.
void inputs_checked();
bool inputs_were_checked();

// A model directory for a command that feeds it strings: its token list must name the tokens
// (an empty `tokens` list is refused, naming the file and field); a config.json without
// `tokens` gets the default list (transformer/config_json.h), announced by a note on stderr.
ModelWeights load_model_for_strings(const std::string& dir);
// Throws (bad input) unless the model's tokens below <bos> start with `alphabet`'s symbols in order.
void check_model_alphabet(const ModelWeights& weights, const Alphabet& alphabet, const std::string& language,
                          const std::string& dir);

// Each register_* adds a subcommand and stores the action to run when it is chosen.
using Action = std::function<int()>;
void register_languages(CLI::App& app, Action& action);
void register_count(CLI::App& app, Action& action);
void register_sample(CLI::App& app, Action& action);
void register_automaton(CLI::App& app, Action& action);
void register_run(CLI::App& app, Action& action);
void register_train(CLI::App& app, Action& action);
void register_eval(CLI::App& app, Action& action);
void register_verify_saturate_heads(CLI::App& app, Action& action);  // verify, saturate, heads, constructions
void register_capacity(CLI::App& app, Action& action);
void register_compile(CLI::App& app, Action& action);  // compile (saturated programs)

}  // namespace saturn::cli

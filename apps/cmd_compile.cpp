// saturn compile: a saturated program (saturated_transformer/programs/*.sat) to a model directory,
// with its residual-stream layout report; optionally checked against the interpreter.
#include <fmt/format.h>

#include <filesystem>

#include "apps/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "saturated_transformer/compiler/compiler.h"

namespace saturn::cli {

namespace {

struct CompileArgs {
  std::string program, out, layout, mode = "saturated";
  int check = -1;
};

int run_compile(const CompileArgs& a) {
  const auto program = load_program(a.program);
  const auto mode = EvalMode::parse(a.mode);
  if (a.check > 30) throw Error(fmt::format("compile: --check {} is above 30", a.check));
  inputs_checked();
  const auto compiled = compile_program(program);
  const auto report = layout_report(program, compiled);
  if (!a.out.empty()) save_model_weights(a.out, compiled.weights);
  if (!a.layout.empty()) write_file_atomic(a.layout, report);
  fmt::print("{}", report);
  if (!a.out.empty()) fmt::print("\nwrote {}\n", a.out);
  if (a.check >= 0) {
    const auto r = check_against_interpreter(program, compiled, a.check, mode);
    fmt::print("interpreter vs compiled model ({}): {} words up to length {}, {} decision and {} value mismatches, {} "
               "ties decided by rounding{}\n",
               mode.str(), r.words, a.check, r.decision_mismatches, r.value_mismatches, r.rounding_ties,
               r.ok() ? "" : "; first: " + r.first_mismatch);
    if (!r.ok()) return kFailure;
  }
  return kOk;
}

}  // namespace

void register_compile(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("compile", "Compile a saturated program (docs/programs.md) to a model directory");
  static CompileArgs a;
  cmd->add_option("program", a.program, "program file, e.g. saturated_transformer/programs/dyck1.sat")->required();
  cmd->add_option("-o,--out", a.out, "model directory to write (config.json + model.safetensors)");
  cmd->add_option("--layout", a.layout, "also write the layout report to this file");
  cmd->add_option("--check", a.check,
                  "compare the interpreter with the compiled model on every word up to this length (exit 1 on a mismatch)");
  cmd->add_option("--mode", a.mode, "attention mode of --check: saturated (default), hard_left, hard_right");
  cmd->callback([&action] { action = [] { return run_compile(a); }; });
}

}  // namespace saturn::cli

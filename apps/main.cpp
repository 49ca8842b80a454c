// saturn — formal-language benchmarks and transformer simulator.
#include <fmt/format.h>

#include <iostream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/version.h"
#include "harness/task_file.h"
#include "transformer/layers/gemm.h"
#include "transformer/trainer.h"

namespace saturn::cli {
namespace {
bool g_inputs_checked = false;
}
void inputs_checked() { g_inputs_checked = true; }
bool inputs_were_checked() { return g_inputs_checked; }
}  // namespace saturn::cli

int main(int argc, char** argv) {
  using namespace saturn::cli;
  CLI::App app{"saturn: formal-language benchmarks, transformer training and saturated-attention simulation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("saturn {} ({}; GEMM: {})", saturn::version(), saturn::git_revision(), saturn::gemm_backend()));
  Action action;
  register_languages(app, action);
  register_count(app, action);
  register_sample(app, action);
  register_automaton(app, action);
  register_run(app, action);
  register_train(app, action);
  register_eval(app, action);
  register_verify_saturate_heads(app, action);
  register_capacity(app, action);
  register_compile(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kBadInput;
  }
  try {
    return action();
  } catch (const saturn::TaskFileError& e) {
    for (const auto& p : e.problems()) std::cerr << "error: " << p.what() << "\n";
    return kBadInput;
  } catch (const saturn::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kBadInput;
  } catch (const saturn::DivergedError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kFailure;
  } catch (const saturn::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return inputs_were_checked() ? kFailure : kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kFailure;
  }
}

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "core/error.h"
#include "harness/kinds/language/splits.h"
#include "harness/task_file.h"
#include "languages/registry.h"

namespace saturn::cli {

namespace {

struct SampleArgs {
  std::string language, length, nonmember, format = "text", task, tasks = "tasks.yaml";
  int count = 10;
  std::uint64_t seed = 1;
};

void print_example(const Alphabet& a, const Example& ex, const std::string& split, const std::string& format) {
  const auto word = a.to_string(ex.word);
  if (format == "jsonl") {
    nlohmann::json j{{"word", word}, {"length", ex.word.size()}, {"member", ex.member},
                     {"kind", example_kind_name(ex.kind)}};
    if (!split.empty()) j["split"] = split;
    fmt::print("{}\n", j.dump());
  } else if (split.empty()) {
    fmt::print("{}\n", word);
  } else {
    fmt::print("{}\t{}\t{}\n", split, ex.member ? 1 : 0, word);
  }
}

int run_sample(const SampleArgs& a) {
  if (!a.task.empty()) {
    const auto file = load_task_file(a.tasks);
    const auto& task = language_spec(file.task(a.task));
    const auto lang = make_language(task.language);
    for (const auto& split : make_task_splits(*lang, task))
      for (const auto& ex : split.examples) print_example(lang->alphabet(), ex, split.name, a.format);
    return kOk;
  }
  if (a.language.empty() || a.length.empty()) throw Error("sample: give --language and --length, or --task");
  const auto lang = make_language(a.language);
  SplitOptions o;
  o.lengths = parse_length_range(a.length);
  o.size = a.count;
  o.seed = a.seed;
  if (a.nonmember.empty()) {
    o.positive_fraction = 1.0;
  } else {
    o.positive_fraction = 0.0;
    // Non-members of the lengths asked for (any with non-members); near misses where members exist.
    o.negatives = a.nonmember == "near_miss" ? NegativeMix{0.0, 1.0} : NegativeMix{1.0, 0.0, true};
  }
  for (const auto& ex : make_split(*lang, o, "").examples) print_example(lang->alphabet(), ex, "", a.format);
  return kOk;
}

}  // namespace

void register_sample(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("sample", "Draw uniform members, non-members or near misses, or a task's splits");
  static SampleArgs a;
  cmd->add_option("-l,--language", a.language, "language spec, e.g. anbn");
  cmd->add_option("-n,--length", a.length, "length N or range A..B (lengths drawn uniformly)");
  cmd->add_option("-c,--count", a.count, "number of strings")->check(CLI::Range(0, 100000000));
  cmd->add_option("--nonmember", a.nonmember, "draw non-members: uniform or near_miss")
      ->check(CLI::IsMember({"uniform", "near_miss"}));
  cmd->add_option("-s,--seed", a.seed, "random seed");
  cmd->add_option("-f,--format", a.format, "text or jsonl")->check(CLI::IsMember({"text", "jsonl"}));
  cmd->add_option("--task", a.task, "print every split of this task instead");
  cmd->add_option("--tasks", a.tasks, "task file (default tasks.yaml)");
  cmd->callback([&action] { action = [] { return run_sample(a); }; });
}

}  // namespace saturn::cli

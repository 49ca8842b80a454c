#include "harness/capacity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/atomic_file.h"
#include "core/parallel.h"
#include "harness/dataset.h"
#include "harness/train_task.h"
#include "languages/registry.h"
#include "saturated_transformer/saturation_study.h"
#include "saturated_transformer/verifier.h"

namespace saturn {

namespace fs = std::filesystem;

namespace {
constexpr int kMaxVerifyLength = 30;  // also bounded by the model's max_len and the budget
}

std::vector<CapacityRow> capacity_table(const std::vector<const TaskSpec*>& tasks, const CapacityOptions& o) {
  ThreadLimit limit(o.threads);
  std::vector<CapacityRow> rows;
  for (const TaskSpec* task : tasks) {
    const fs::path dir = o.out / task->name;
    if (!fs::exists(dir / "summary.json")) train_task(*task, {dir, o.threads, o.progress, true, -1, nullptr});
    const auto weights = load_model_weights(dir / "model");
    const auto lang = make_language(task->language);
    std::vector<LabelledSet> sets;
    for (const auto& split : make_task_splits(*lang, *task)) {
      LabelledSet s{split.name, {}, {}};
      for (const auto& ex : split.examples) s.words.push_back(ex.word), s.members.push_back(ex.member);
      sets.push_back(std::move(s));
    }
    // The longest length whose whole ball of strings fits the budget.
    const int max_length = max_length_within(static_cast<int>(lang->alphabet().size()), o.verify_budget,
                                             std::min(weights.config.max_len - 1, kMaxVerifyLength));
    SaturationOptions so;
    so.max_power = 0;  // accuracies only
    const auto study = saturation_study(weights, lang->alphabet(), sets, so);
    for (const auto& m : study.accuracy) {
      CapacityRow row{task->name, lang->spec(), m.mode, study.sets, m.accuracy, max_length, false, ""};
      VerifyOptions vo;
      vo.max_length = max_length;
      vo.min_length = task->train.lengths.lo;  // the lengths the task is about (e.g. no empty string)
      vo.mode = EvalMode::parse(m.mode);
      const auto r = verify(weights, *lang, vo);
      row.exact = r.exact();
      if (!row.exact) {
        if (const Counterexample* best = shortest_counterexample(r.exhaustive)) row.counterexample = best->word.empty() ? "ε" : best->word;
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

void write_capacity(const std::vector<CapacityRow>& rows, const fs::path& out) {
  std::string csv = "task,language,mode,bin,accuracy,verified_length,recognizes_exactly,counterexample\n";
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.bins.size(); ++i)
      csv += fmt::format("{},\"{}\",{},{},{:.6f},{},{},{}\n", r.task, r.language, r.mode, r.bins[i], r.accuracy[i],
                         r.verified_length, r.exact ? "yes" : "no", r.counterexample);
  std::string md = "| task | language | mode | accuracy per bin | recognizes exactly up to N |\n|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    std::string acc;
    for (std::size_t i = 0; i < r.bins.size(); ++i) acc += fmt::format("{}{}: {:.3f}", i ? ", " : "", r.bins[i], r.accuracy[i]);
    md += fmt::format("| {} | `{}` | {} | {} | {} (N = {}){} |\n", r.task, r.language, r.mode, acc, r.exact ? "yes" : "no",
                      r.verified_length, r.exact ? "" : fmt::format(", e.g. `{}`", r.counterexample));
  }
  fs::create_directories(out);
  write_file_atomic(out / "capacity.csv", csv);
  write_file_atomic(out / "capacity.md", md);
}

}  // namespace saturn

#include "harness/kinds/language/survey.h"

#include <chrono>

#include "harness/kinds/language/splits.h"
#include "languages/registry.h"

namespace saturn {

TaskSurvey survey_task(const TaskSpec& task) {
  const auto lang = make_language(task.language);
  TaskSurvey s;
  s.task = task.name;
  s.language = lang->spec();
  s.alphabet_size = lang->alphabet().size();
  for (int n = task.train.lengths.lo; n <= task.train.lengths.hi; ++n) {
    const BigInt c = lang->count(n);
    s.total_train += c;
    if (c > 0) {
      s.count_length = n;
      s.count = c;
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto splits = make_task_splits(*lang, task);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (const auto& split : splits) {
    SplitSurvey ss{split.name, split.lengths, static_cast<int>(split.examples.size()), 0, 0, 0};
    for (const auto& ex : split.examples) {
      ss.members += ex.member;
      ss.near_misses += ex.kind == ExampleKind::near_miss;
      ss.symbols += static_cast<long>(ex.word.size());
    }
    s.splits.push_back(ss);
  }
  return s;
}

}  // namespace saturn

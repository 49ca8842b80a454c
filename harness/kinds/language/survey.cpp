#include "harness/kinds/language/survey.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "harness/kinds/language/splits.h"
#include "harness/suite_runner.h"
#include "languages/registry.h"

namespace saturn {

namespace {

constexpr std::size_t kHistogramColumns = 16;  // lengths per row block of the text histogram

SplitSurvey survey_split(const Language& lang, const Split& split) {
  SplitSurvey ss;
  ss.name = split.name;
  ss.lengths = split.lengths;
  ss.size = static_cast<int>(split.examples.size());
  for (const auto& ex : split.examples) {
    const int n = static_cast<int>(ex.word.size());
    auto& c = ss.histogram[n];
    ss.symbols += n;
    switch (ex.kind) {
      case ExampleKind::member: ++c.members, ++ss.members; break;
      case ExampleKind::near_miss: ++c.near_misses, ++ss.near_misses; break;
      case ExampleKind::uniform_nonmember: ++c.uniform, ++ss.uniform; break;
    }
  }
  for (auto& [n, c] : ss.histogram) {
    c.has_members = lang.count(n) > 0;
    if (!c.has_members) ss.negatives_without_members += c.negatives();
  }
  return ss;
}

std::string histogram_text(const SplitSurvey& s) {
  std::vector<std::pair<int, LengthCounts>> rows(s.histogram.begin(), s.histogram.end());
  std::string out;
  for (std::size_t lo = 0; lo < rows.size(); lo += kHistogramColumns) {
    const std::size_t hi = std::min(rows.size(), lo + kHistogramColumns);
    std::string line[4] = {"    length   ", "    members  ", "    near_miss", "    uniform  "};
    for (std::size_t i = lo; i < hi; ++i) {
      const auto& [n, c] = rows[i];
      // A length without members is marked '*': its negatives are rejectable by length alone.
      line[0] += fmt::format("{:>6}", fmt::format("{}{}", n, c.has_members ? "" : "*"));
      line[1] += fmt::format("{:>6}", c.members);
      line[2] += fmt::format("{:>6}", c.near_misses);
      line[3] += fmt::format("{:>6}", c.uniform);
    }
    for (const auto& l : line) out += l + "\n";
  }
  return out;
}

}  // namespace

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
  for (const auto& split : splits) s.splits.push_back(survey_split(*lang, split));
  return s;
}

std::string survey_text(const std::vector<TaskSurvey>& surveys) {
  std::string out = fmt::format("{:<16} {:<22} {:>3} {:>12} {:>24} {:>9} {:>22}\n", "task", "language", "|S|",
                                "train lens", "members at longest", "train", "test bins");
  for (const auto& s : surveys) {
    std::string bins;
    for (std::size_t i = 1; i < s.splits.size(); ++i) bins += (i > 1 ? "," : "") + s.splits[i].lengths.str();
    const auto& train = s.splits.front();
    out += fmt::format("{:<16} {:<22} {:>3} {:>12} {:>24} {:>9} {:>22}\n", s.task, s.language, s.alphabet_size,
                       train.lengths.str(), fmt::format("n={}: {}", s.count_length, s.count.str()),
                       fmt::format("{}+/{}-", train.members, train.size - train.members), bins.empty() ? "-" : bins);
  }
  for (const auto& s : surveys)
    for (const auto& sp : s.splits) {
      out += fmt::format("\n{} {} ({}): {} strings: {} members, {} non-members ({} near misses, {} uniform); {} "
                         "non-members at lengths without members{}\n",
                         s.task, sp.name, s.language, sp.size, sp.members, sp.size - sp.members, sp.near_misses,
                         sp.uniform, sp.negatives_without_members,
                         sp.negatives_without_members > 0 ? " (marked *)" : "");
      out += histogram_text(sp);
    }
  return out;
}

std::string survey_json(const std::vector<TaskSurvey>& surveys) {
  nlohmann::ordered_json tasks = nlohmann::ordered_json::array();
  for (const auto& s : surveys) {
    nlohmann::ordered_json t{{"task", s.task},
                             {"language", s.language},
                             {"alphabet_size", s.alphabet_size},
                             {"count_length", s.count_length},
                             {"count", s.count.str()},
                             {"total_train", s.total_train.str()},
                             {"seconds", s.seconds},
                             {"splits", nlohmann::ordered_json::array()}};
    for (const auto& sp : s.splits) {
      nlohmann::ordered_json h = nlohmann::ordered_json::array();
      for (const auto& [n, c] : sp.histogram)
        h.push_back({{"length", n},
                     {"has_members", c.has_members},
                     {"members", c.members},
                     {"near_miss", c.near_misses},
                     {"uniform", c.uniform}});
      t["splits"].push_back({{"name", sp.name},
                             {"lengths", sp.lengths.str()},
                             {"size", sp.size},
                             {"members", sp.members},
                             {"near_miss", sp.near_misses},
                             {"uniform", sp.uniform},
                             {"negatives_without_members", sp.negatives_without_members},
                             {"symbols", sp.symbols},
                             {"histogram", h}});
    }
    tasks.push_back(t);
  }
  return tasks.dump(2) + "\n";
}

std::string survey_csv(const std::vector<TaskSurvey>& surveys) {
  std::string out = "task,language,split,length,has_members,members,near_miss,uniform\n";
  for (const auto& s : surveys)
    for (const auto& sp : s.splits)
      for (const auto& [n, c] : sp.histogram)
        out += fmt::format("{},{},{},{},{},{},{},{}\n", csv_field(s.task), csv_field(s.language), csv_field(sp.name), n,
                           c.has_members ? 1 : 0, c.members, c.near_misses, c.uniform);
  return out;
}

}  // namespace saturn

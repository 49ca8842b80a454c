#include "harness/kinds/language/splits.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"
#include "core/parallel.h"
#include "core/streams.h"

namespace saturn {

const char* example_kind_name(ExampleKind k) {
  switch (k) {
    case ExampleKind::member: return "member";
    case ExampleKind::uniform_nonmember: return "uniform";
    case ExampleKind::near_miss: return "near_miss";
  }
  return "?";
}

namespace {

constexpr std::size_t kGrainExamples = 16;  // examples per task when drawing a split

Example draw_example(const Language& lang, const SplitOptions& o, const std::vector<int>& member_lengths,
                     const std::vector<int>& nonmember_lengths, Rng& rng) {
  Example ex;
  const bool positive = nonmember_lengths.empty() || (!member_lengths.empty() && rng.uniform01() < o.positive_fraction);
  if (positive) {
    const int n = member_lengths[rng.uniform_below(member_lengths.size())];
    ex.word = lang.sample_member(n, rng);
    ex.member = true;
    ex.kind = ExampleKind::member;
    return ex;
  }
  const int n = nonmember_lengths[rng.uniform_below(nonmember_lengths.size())];
  ex.member = false;
  const bool has_members = std::binary_search(member_lengths.begin(), member_lengths.end(), n);
  if (rng.uniform01() < o.negatives.near_miss && has_members) {
    try {
      ex.word = lang.near_miss(n, rng);
      ex.kind = ExampleKind::near_miss;
      return ex;
    } catch (const Error&) {
      // No edit of the drawn members leaves the language: fall back to a uniform non-member.
    }
  }
  ex.word = lang.sample_nonmember(n, rng);
  ex.kind = ExampleKind::uniform_nonmember;
  return ex;
}

}  // namespace

Split make_split(const Language& lang, const SplitOptions& o, std::string name) {
  std::vector<int> member_lengths, nonmember_lengths;  // sorted
  for (int n = o.lengths.lo; n <= o.lengths.hi; ++n) {
    if (lang.count(n) > 0) member_lengths.push_back(n);
    if (o.positive_fraction < 1.0 && lang.count_nonmembers(n) > 0) nonmember_lengths.push_back(n);
  }
  if (member_lengths.empty() && o.positive_fraction > 0.0)
    throw Error(fmt::format("{} has no members with lengths {}", lang.spec(), o.lengths.str()));
  if (nonmember_lengths.empty() && o.positive_fraction < 1.0 && member_lengths.empty())
    throw Error(fmt::format("{} has no strings with lengths {}", lang.spec(), o.lengths.str()));
  Split split{std::move(name), o.lengths, std::vector<Example>(static_cast<std::size_t>(o.size))};
  parallel_chunks(0, split.examples.size(), kGrainExamples, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) {
      Rng rng(o.seed, streams::split_example(o.split_id, i));
      split.examples[i] = draw_example(lang, o, member_lengths, nonmember_lengths, rng);
    }
  });
  return split;
}

std::vector<Split> make_task_splits(const Language& lang, const TaskSpec& task) {
  const double pos = task.objective == Objective::recognize ? task.positive_fraction : 1.0;
  std::vector<Split> splits;
  splits.push_back(make_split(lang, {task.train.lengths, task.train.size, pos, task.negatives, task.seed, 0}, "train"));
  for (std::size_t i = 0; i < task.test_bins.size(); ++i) {
    const auto& bin = task.test_bins[i];
    splits.push_back(make_split(lang, {bin.lengths, bin.size, pos, task.negatives, task.seed, i + 1},
                                "test_" + bin.lengths.str()));
  }
  return splits;
}

}  // namespace saturn

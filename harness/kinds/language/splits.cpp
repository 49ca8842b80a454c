#include "harness/kinds/language/splits.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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

constexpr std::size_t kGrainUnits = 8;  // pairs or unpaired examples per task when drawing a split

bool has_negatives(const SplitOptions& o) { return o.positive_fraction < 1.0; }
bool has_positives(const SplitOptions& o) { return o.positive_fraction > 0.0; }

// Which examples are members, near misses or uniform non-members, and which are paired. Examples
// 0 .. 2 min(P, Q) - 1 alternate member, non-member; the rest belong to the larger class.
struct Layout {
  SplitPlan plan;
  int alternating = 0;  // min(P, Q): examples 2j, 2j+1 are member j and non-member j

  bool member(std::size_t i) const {
    if (i < 2 * static_cast<std::size_t>(alternating)) return i % 2 == 0;
    return plan.positives > plan.negatives;
  }
  // The index among the non-members of non-member example i.
  std::int64_t negative_index(std::size_t i) const {
    const auto a = static_cast<std::int64_t>(alternating), j = static_cast<std::int64_t>(i);
    return j < 2 * a ? j / 2 : a + (j - 2 * a);
  }
  // Negative k is a near miss when floor((k+1) NM / Q) > floor(k NM / Q): exactly NM of the Q,
  // spread evenly.
  bool near_miss(std::int64_t k) const {
    const std::int64_t q = plan.negatives, nm = plan.near_misses;
    return (k + 1) * nm / q > k * nm / q;
  }
};

int draw_length(const std::vector<int>& lengths, Rng& rng) {
  return lengths[static_cast<std::size_t>(rng.uniform_below(lengths.size()))];
}

// A non-member of a length drawn from `lengths` with length_rng (a near miss or uniform), the
// string itself drawn with rng; sets n to the length. A near miss not found at the drawn length
// redraws it (kNearMissLengthTries lengths in all).
Example draw_negative(const Language& lang, const SplitOptions& o, const std::vector<int>& lengths, bool near,
                      Rng& length_rng, Rng& rng, int& n) {
  Example ex;
  ex.member = false;
  for (int t = 1;; ++t) {
    n = draw_length(lengths, length_rng);
    if (!near) {
      ex.word = lang.sample_nonmember(n, rng);
      ex.kind = ExampleKind::uniform_nonmember;
      return ex;
    }
    try {
      ex.word = lang.near_miss(n, rng);
      ex.kind = ExampleKind::near_miss;
      return ex;
    } catch (const NoMembersError&) {
      throw;  // cannot happen at a length with members; not a reason to try another
    } catch (const Error& e) {
      if (t == kNearMissLengthTries)
        throw Error(fmt::format("{}: no near miss found at {} lengths drawn from {} (the last: {})", lang.spec(),
                                kNearMissLengthTries, o.lengths.str(), e.what()));
    }
  }
}

Example member_at(const Language& lang, int n, Rng& rng) { return {lang.sample_member(n, rng), true, ExampleKind::member}; }

}  // namespace

SplitPlan plan_split(const SplitOptions& o) {
  SplitPlan p;
  p.positives = static_cast<int>(std::llround(static_cast<double>(o.size) * o.positive_fraction));
  p.positives = std::clamp(p.positives, 0, o.size);
  p.negatives = o.size - p.positives;
  p.near_misses = static_cast<int>(std::llround(static_cast<double>(p.negatives) * o.negatives.near_miss));
  p.near_misses = std::clamp(p.near_misses, 0, p.negatives);
  p.pairs = o.negatives.length_shortcut ? 0 : std::min(p.positives, p.negatives);
  return p;
}

SplitLengths split_lengths(const Language& lang, LengthRange range) {
  SplitLengths l;
  for (int n = range.lo; n <= range.hi; ++n) {
    const bool m = lang.count(n) > 0, nm = lang.count_nonmembers(n) > 0;
    if (m) l.members.push_back(n);
    if (nm) l.nonmembers.push_back(n);
    if (m && nm) l.both.push_back(n);
  }
  return l;
}

std::string split_problem(const Language& lang, const SplitOptions& o, const SplitLengths& l) {
  if (has_positives(o) && l.members.empty())
    return fmt::format("{} has no members with lengths {}", lang.spec(), o.lengths.str());
  if (!has_negatives(o)) return "";
  if (l.nonmembers.empty()) return fmt::format("{} has no non-members with lengths {}", lang.spec(), o.lengths.str());
  if (!l.both.empty()) return "";
  if (o.negatives.near_miss > 0)
    return fmt::format("{} has no length in {} with both members and non-members, where near misses are drawn",
                       lang.spec(), o.lengths.str());
  if (!o.negatives.length_shortcut)
    return fmt::format("{} has no length in {} with both members and non-members: negatives are drawn at lengths "
                       "with members unless negatives.length_shortcut is allowed",
                       lang.spec(), o.lengths.str());
  return "";
}

Split make_split(const Language& lang, const SplitOptions& o, std::string name) {
  const SplitLengths l = split_lengths(lang, o.lengths);
  if (const auto problem = split_problem(lang, o, l); !problem.empty()) throw Error(problem);
  Layout layout{plan_split(o), 0};
  layout.alternating = std::min(layout.plan.positives, layout.plan.negatives);
  // Members of a split with negatives and no shortcut share the negatives' lengths (both members
  // and non-members); otherwise every length with members.
  const bool shortcut = o.negatives.length_shortcut;
  const auto& member_lengths = has_negatives(o) && !shortcut ? l.both : l.members;
  const auto& uniform_lengths = shortcut ? l.nonmembers : l.both;
  const auto pairs = static_cast<std::size_t>(layout.plan.pairs);

  Split split{std::move(name), o.lengths, std::vector<Example>(static_cast<std::size_t>(o.size))};
  const std::size_t units = pairs + (split.examples.size() - 2 * pairs);
  parallel_chunks(0, units, kGrainUnits, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t u = lo; u < hi; ++u) {
      int n = 0;
      if (u < pairs) {  // member 2u and non-member 2u+1 of one length, drawn from the member's stream
        Rng member_rng(o.seed, streams::split_example(o.split_id, 2 * u));
        Rng rng(o.seed, streams::split_example(o.split_id, 2 * u + 1));
        const bool near = layout.near_miss(layout.negative_index(2 * u + 1));
        split.examples[2 * u + 1] = draw_negative(lang, o, near ? l.both : uniform_lengths, near, member_rng, rng, n);
        split.examples[2 * u] = member_at(lang, n, member_rng);
        continue;
      }
      const std::size_t i = 2 * pairs + (u - pairs);
      Rng rng(o.seed, streams::split_example(o.split_id, i));
      if (layout.member(i)) {
        split.examples[i] = member_at(lang, draw_length(member_lengths, rng), rng);
      } else {
        const bool near = layout.near_miss(layout.negative_index(i));
        split.examples[i] = draw_negative(lang, o, near ? l.both : uniform_lengths, near, rng, rng, n);
      }
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

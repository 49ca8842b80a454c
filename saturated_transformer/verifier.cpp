#include "saturated_transformer/verifier.h"

#include <cmath>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "core/enumerate.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/streams.h"
#include "saturated_transformer/evaluator.h"

namespace saturn {

namespace {

constexpr std::size_t kGrainTrieTasks = 1;   // one trie subtree per leaf task
constexpr std::size_t kGrainSampled = 8;     // sampled long strings per leaf task
constexpr int kMinTrieTasks = 64;            // split the trie at the depth with >= this many subtrees

void check_alphabet(const ModelConfig& c, const Alphabet& a) {
  if (static_cast<int>(c.tokens.size()) < a.size())
    throw Error(fmt::format("the model has {} tokens, the language's alphabet \"{}\" needs {}", c.tokens.size(), a.chars(), a.size()));
  for (int i = 0; i < a.size(); ++i)
    if (c.tokens[static_cast<std::size_t>(i)] != std::string(1, a.symbol_char(static_cast<Symbol>(i))))
      throw Error(fmt::format("model token {} is '{}' but the language's symbol {} is '{}'", i,
                              c.tokens[static_cast<std::size_t>(i)], i, a.symbol_char(static_cast<Symbol>(i))));
}

void keep_shortest(std::vector<Counterexample>& v, std::size_t k) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  if (v.size() > k) v.resize(k);
}

struct Tally {
  const Alphabet* alphabet;
  std::size_t keep;
  VerifyCounts counts;
  std::size_t min_length = 0;

  void record(WordView w, bool member, bool accepted) {
    if (w.size() < min_length) return;
    ++counts.checked;
    if (member == accepted) return;
    auto& list = accepted ? counts.false_accept_examples : counts.false_reject_examples;
    ++(accepted ? counts.false_accepts : counts.false_rejects);
    // Lengths arrive in increasing order within a task: only keep what can still be among the k shortest.
    if (list.size() < keep || Counterexample{alphabet->to_string(w), member} < list.back()) {
      list.push_back({alphabet->to_string(w), member});
      keep_shortest(list, keep);
    }
  }
};

VerifyCounts join(VerifyCounts a, const VerifyCounts& b, std::size_t keep) {
  a.checked += b.checked;
  a.false_accepts += b.false_accepts;
  a.false_rejects += b.false_rejects;
  a.false_accept_examples.insert(a.false_accept_examples.end(), b.false_accept_examples.begin(), b.false_accept_examples.end());
  a.false_reject_examples.insert(a.false_reject_examples.end(), b.false_reject_examples.begin(), b.false_reject_examples.end());
  keep_shortest(a.false_accept_examples, keep);
  keep_shortest(a.false_reject_examples, keep);
  return a;
}

// Depth-first walk below the prefix held in `state` (length `depth`), evaluating every node.
class TrieWalker {
 public:
  TrieWalker(const Evaluator& ev, const Language& lang, int max_length, Tally& tally)
      : ev_(ev), lang_(lang), max_length_(max_length), tally_(tally), sigma_(lang.alphabet().size()) {}

  // Walks the subtree of `prefix` (evaluating prefix itself when `include_root`).
  void walk(const Word& prefix, bool include_root) {
    state_ = ev_.start(max_length_ + 1);
    ev_.begin(state_);
    word_.clear();
    LangState ls = lang_.start();
    bool alive = true;
    for (Symbol a : prefix) {
      ev_.push(state_, a);
      word_.push_back(a);
      alive = alive && lang_.step(ls, a);
    }
    visit(ls, alive, include_root);
  }

 private:
  void visit(const LangState& ls, bool alive, bool evaluate) {
    if (evaluate) {
      const bool member = alive && lang_.accepting(ls);
      tally_.record(word_, member, ev_.readout_logit(state_) > 0);
    }
    if (static_cast<int>(word_.size()) == max_length_) return;
    for (int a = 0; a < sigma_; ++a) {
      LangState next = ls;
      const bool next_alive = alive && lang_.step(next, static_cast<Symbol>(a));
      ev_.push(state_, static_cast<Symbol>(a));
      word_.push_back(static_cast<Symbol>(a));
      visit(next, next_alive, true);
      word_.pop_back();
      ev_.pop(state_);
    }
  }

  const Evaluator& ev_;
  const Language& lang_;
  int max_length_;
  Tally& tally_;
  int sigma_;
  Evaluator::State state_;
  Word word_;
};

VerifyCounts verify_trie(const Evaluator& ev, const Language& lang, const VerifyOptions& o) {
  const int sigma = lang.alphabet().size();
  const std::size_t keep = static_cast<std::size_t>(o.max_counterexamples);
  // Split depth: the smallest p with sigma^p >= kMinTrieTasks (or the whole depth).
  int p = 0;
  while (p < o.max_length && num_words(sigma, p) < static_cast<std::uint64_t>(kMinTrieTasks)) ++p;
  // Words shorter than p: one sequential walk limited to depth p - 1.
  Tally top{&lang.alphabet(), keep, {}, static_cast<std::size_t>(o.min_length)};
  if (p > 0) {
    TrieWalker walker(ev, lang, p - 1, top);
    walker.walk({}, true);
  }
  const std::uint64_t tasks = num_words(sigma, p);
  const VerifyCounts below = deterministic_reduce(
      std::size_t{0}, static_cast<std::size_t>(tasks), kGrainTrieTasks, VerifyCounts{},
      [&](std::size_t lo, std::size_t hi) {
        Tally t{&lang.alphabet(), keep, {}, static_cast<std::size_t>(o.min_length)};
        TrieWalker walker(ev, lang, o.max_length, t);
        Word prefix(static_cast<std::size_t>(p));
        for (std::size_t i = lo; i < hi; ++i) {
          decode_word(sigma, i, prefix);
          walker.walk(prefix, true);
        }
        return t.counts;
      },
      [&](VerifyCounts a, const VerifyCounts& b) { return join(std::move(a), b, keep); });
  return join(top.counts, below, keep);
}

VerifyCounts verify_enumerate(const Evaluator& ev, const Language& lang, const VerifyOptions& o) {
  const std::size_t keep = static_cast<std::size_t>(o.max_counterexamples);
  VerifyCounts total;
  for (int n = std::max(0, o.min_length); n <= o.max_length; ++n) {
    const Tally init{&lang.alphabet(), keep, {}, 0};
    const Tally t = reduce_words(
        lang.alphabet().size(), n, init,
        [&](WordView w, Tally& acc) { acc.record(w, lang.contains(w), ev.accepts(w)); },
        [&](Tally a, const Tally& b) {
          a.counts = join(std::move(a.counts), b.counts, keep);
          return a;
        });
    total = join(std::move(total), t.counts, keep);
  }
  return total;
}

VerifyCounts verify_sampled(const Evaluator& ev, const Language& lang, const VerifyOptions& o) {
  const std::size_t keep = static_cast<std::size_t>(o.max_counterexamples);
  std::vector<int> member_lengths, nonmember_lengths;
  for (int n = o.long_min; n <= o.long_max; ++n) {
    if (lang.count(n) > 0) member_lengths.push_back(n);
    if (lang.count_nonmembers(n) > 0) nonmember_lengths.push_back(n);
  }
  const std::size_t total = static_cast<std::size_t>(2 * o.long_samples);
  return deterministic_reduce(
      std::size_t{0}, total, kGrainSampled, VerifyCounts{},
      [&](std::size_t lo, std::size_t hi) {
        Tally t{&lang.alphabet(), keep, {}};
        for (std::size_t i = lo; i < hi; ++i) {
          Rng rng(o.seed, streams::kVerifierSample + i);
          const bool want_member = i % 2 == 0;
          const auto& lengths = want_member ? member_lengths : nonmember_lengths;
          if (lengths.empty()) continue;
          const int n = lengths[rng.uniform_below(lengths.size())];
          const Word w = want_member ? lang.sample_member(n, rng) : lang.sample_nonmember(n, rng);
          t.record(w, want_member, ev.accepts(w));
        }
        return t.counts;
      },
      [&](VerifyCounts a, const VerifyCounts& b) { return join(std::move(a), b, keep); });
}

}  // namespace

void check_verify_budget(const Language& language, const VerifyOptions& o) {
  const int k = language.alphabet().size();
  if (const auto words = words_up_to(k, o.max_length); words > o.max_strings)
    throw Error(fmt::format("verify: every string up to length {} over {} symbols is {} strings, above the budget of {} "
                            "(raise it with --max-strings N)",
                            o.max_length, k,
                            words == std::numeric_limits<std::uint64_t>::max() ? std::string("more than 2^64")
                                                                              : std::to_string(words),
                            o.max_strings));
}

VerifyReport verify(const ModelWeights& model, const Language& language, const VerifyOptions& o) {
  check_alphabet(model.config, language.alphabet());
  if (o.max_length < 0) throw Error("verify: the maximum length must be >= 0");
  if (o.long_samples > 0 && (o.long_min > o.long_max || o.long_min < 0))
    throw Error(fmt::format("verify: impossible long-sample length range {}..{}", o.long_min, o.long_max));
  check_verify_budget(language, o);
  const Evaluator ev(model, o.mode);
  VerifyReport r;
  const auto t0 = std::chrono::steady_clock::now();
  const bool trie = o.use_trie && model.config.causal && model.config.head == HeadKind::classify;
  r.exhaustive = trie ? verify_trie(ev, language, o) : verify_enumerate(ev, language, o);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (o.long_samples > 0) r.sampled = verify_sampled(ev, language, o);
  return r;
}

const Counterexample* shortest_counterexample(const VerifyCounts& counts) {
  const Counterexample* best = nullptr;
  if (!counts.false_accept_examples.empty()) best = &counts.false_accept_examples.front();
  if (!counts.false_reject_examples.empty() && (!best || counts.false_reject_examples.front() < *best))
    best = &counts.false_reject_examples.front();
  return best;
}

std::uint64_t words_up_to(int alphabet_size, int max_length) {
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  const auto k = static_cast<std::uint64_t>(alphabet_size);
  std::uint64_t total = 1, power = 1;  // k^0
  for (int n = 1; n <= max_length; ++n) {
    if (k > 0 && power > kMax / k) return kMax;
    power *= k;
    if (total > kMax - power) return kMax;
    total += power;
  }
  return total;
}

int max_length_within(int alphabet_size, std::uint64_t budget, int cap) {
  int n = 0;
  double total = 1;
  while (n < cap && total + std::pow(static_cast<double>(alphabet_size), n + 1) <= static_cast<double>(budget))
    total += std::pow(static_cast<double>(alphabet_size), ++n);
  return n;
}

}  // namespace saturn

#include "saturated_transformer/verifier.h"

#include <cmath>

#include <fmt/format.h>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <mutex>

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
constexpr std::uint64_t kEstimateNodes = 4096;  // estimate_verify: trie nodes timed at most
constexpr double kEstimateSeconds = 0.02;       // estimate_verify: time spent on single words at least

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
    record(w.size(), member, accepted, [&] { return Word(w.begin(), w.end()); });
  }
  // The same for a word of `length` symbols that word_of() spells, called only when the word may be
  // among the k shortest counterexamples.
  template <class WordOf>
  void record(std::size_t length, bool member, bool accepted, WordOf word_of) {
    if (length < min_length) return;
    ++counts.checked;
    if (member == accepted) return;
    auto& list = accepted ? counts.false_accept_examples : counts.false_reject_examples;
    ++(accepted ? counts.false_accepts : counts.false_rejects);
    if (list.size() >= keep && (list.empty() || length > list.back().word.size())) return;  // not among the k shortest
    Counterexample c{alphabet->to_string(word_of()), member};
    if (list.size() < keep || c < list.back()) {
      list.push_back(std::move(c));
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

// Reports progress to VerifyOptions::on_progress from the worker threads: at most one report per
// progress_seconds, one caller at a time.
class ProgressMeter {
 public:
  using Clock = std::chrono::steady_clock;
  ProgressMeter(const VerifyOptions& o, std::uint64_t total)
      : o_(o), total_(total), start_(Clock::now()), next_(interval()) {}

  void add(std::uint64_t words) {
    if (!o_.on_progress) return;
    const std::uint64_t done = done_ += words;
    const auto elapsed = Clock::now() - start_;
    if (elapsed.count() < next_.load(std::memory_order_relaxed)) return;
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock() || elapsed.count() < next_.load()) return;
    next_ = elapsed.count() + interval();
    VerifyProgress p;
    p.done = done;
    p.total = total_;
    p.seconds = std::chrono::duration<double>(elapsed).count();
    p.eta_seconds = done > 0 ? p.seconds * static_cast<double>(total_ - std::min(done, total_)) / static_cast<double>(done) : 0;
    o_.on_progress(p);
  }

 private:
  Clock::rep interval() const {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.progress_seconds)).count();
  }
  const VerifyOptions& o_;
  std::uint64_t total_;
  Clock::time_point start_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<Clock::rep> next_;  // elapsed ticks of the next report
  std::mutex mutex_;
};

// One node at a time, depth first below a prefix, through Evaluator::push/pop (trie_rows = 0; the
// reference the batched walk is tested against).
class TrieWalker {
 public:
  TrieWalker(const Evaluator& ev, const Language& lang, int max_length)
      : ev_(ev), lang_(lang), max_length_(max_length), sigma_(lang.alphabet().size()) {}

  // Records `prefix` and every extension of it up to max_length.
  void walk(const Word& prefix, Tally& tally) {
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
    visit(ls, alive, tally);
  }

 private:
  void visit(const LangState& ls, bool alive, Tally& tally) {
    tally.record(word_, alive && lang_.accepting(ls), ev_.readout_logit(state_) > 0);
    if (static_cast<int>(word_.size()) == max_length_) return;
    for (int a = 0; a < sigma_; ++a) {
      LangState next = ls;
      const bool next_alive = alive && lang_.step(next, static_cast<Symbol>(a));
      ev_.push(state_, static_cast<Symbol>(a));
      word_.push_back(static_cast<Symbol>(a));
      visit(next, next_alive, tally);
      word_.pop_back();
      ev_.pop(state_);
    }
  }

  const Evaluator& ev_;
  const Language& lang_;
  int max_length_;
  int sigma_;
  Evaluator::State state_;
  Word word_;
};

// Slices of nodes through TrieBatch, with the language's state of every node of the current slice
// at each depth (assigned in place: no allocation per node once the vectors have grown).
class BatchedTrieWalker {
 public:
  BatchedTrieWalker(const Evaluator& ev, const Language& lang, int max_length, int rows)
      : lang_(lang), trie_(ev, lang.alphabet().size(), max_length, rows),
        states_(static_cast<std::size_t>(max_length + 1)), alive_(static_cast<std::size_t>(max_length + 1)) {}

  // Records `prefix` and every extension of it up to max_length.
  void walk(const Word& prefix, Tally& tally) {
    const int from = static_cast<int>(prefix.size());
    trie_.walk(prefix, [&](const TrieSlice& s) {
      auto& states = states_[static_cast<std::size_t>(s.depth)];
      auto& alive = alive_[static_cast<std::size_t>(s.depth)];
      if (states.size() < static_cast<std::size_t>(s.size)) states.resize(static_cast<std::size_t>(s.size)), alive.resize(states.size());
      for (int i = 0; i < s.size; ++i) {
        const auto k = static_cast<std::size_t>(i);
        if (s.depth == 0) {
          states[k] = lang_.start();
          alive[k] = 1;
        } else {
          const auto p = static_cast<std::size_t>(s.parent[i]);
          states[k] = states_[static_cast<std::size_t>(s.depth - 1)][p];
          alive[k] = alive_[static_cast<std::size_t>(s.depth - 1)][p] && lang_.step(states[k], s.symbol[i]);
        }
        if (s.depth >= from)
          tally.record(static_cast<std::size_t>(s.depth), alive[k] && lang_.accepting(states[k]), s.logit[i] > 0,
                       [&] { return trie_.word(s.depth, i); });
      }
    });
  }

 private:
  const Language& lang_;
  TrieBatch trie_;
  std::vector<std::vector<LangState>> states_;  // [depth][node]
  std::vector<std::vector<char>> alive_;        // [depth][node]: no word through it is dead yet
};

std::unique_ptr<TrieWalker> make_walker(const Evaluator& ev, const Language& lang, int max_length, int) {
  return std::make_unique<TrieWalker>(ev, lang, max_length);
}
std::unique_ptr<BatchedTrieWalker> make_batched_walker(const Evaluator& ev, const Language& lang, int max_length, int rows) {
  return std::make_unique<BatchedTrieWalker>(ev, lang, max_length, rows);
}

// The smallest depth p with sigma^p >= kMinTrieTasks (or max_length): every word of length p roots
// one parallel task; the words shorter than p are one walk.
int trie_split_depth(int sigma, int max_length) {
  int p = 0;
  while (p < max_length && num_words(sigma, p) < static_cast<std::uint64_t>(kMinTrieTasks)) ++p;
  return p;
}

// The trie walk of every word up to o.max_length with the walker make(ev, lang, max_length, rows)
// returns (one per thread, reused from task to task).
template <class Make>
VerifyCounts verify_trie(const Evaluator& ev, const Language& lang, const VerifyOptions& o, ProgressMeter& meter, Make make) {
  using Walker = typename decltype(make(ev, lang, 0, 0))::element_type;
  const int sigma = lang.alphabet().size();
  const std::size_t keep = static_cast<std::size_t>(o.max_counterexamples);
  const int p = trie_split_depth(sigma, o.max_length);
  Tally top{&lang.alphabet(), keep, {}, static_cast<std::size_t>(o.min_length)};
  if (p > 0) {
    make(ev, lang, p - 1, o.trie_rows)->walk({}, top);
    meter.add(words_up_to(sigma, p - 1));
  }
  const std::uint64_t subtree = words_up_to(sigma, o.max_length - p);
  tbb::enumerable_thread_specific<std::unique_ptr<Walker>> walkers;
  const VerifyCounts below = deterministic_reduce(
      std::size_t{0}, static_cast<std::size_t>(num_words(sigma, p)), kGrainTrieTasks, VerifyCounts{},
      [&](std::size_t lo, std::size_t hi) {
        Tally t{&lang.alphabet(), keep, {}, static_cast<std::size_t>(o.min_length)};
        auto& walker = walkers.local();
        if (!walker) walker = make(ev, lang, o.max_length, o.trie_rows);
        Word prefix(static_cast<std::size_t>(p));
        for (std::size_t i = lo; i < hi; ++i) {
          decode_word(sigma, i, prefix);
          walker->walk(prefix, t);
          meter.add(subtree);
        }
        return t.counts;
      },
      [&](VerifyCounts a, const VerifyCounts& b) { return join(std::move(a), b, keep); });
  return join(top.counts, below, keep);
}

VerifyCounts verify_enumerate(const Evaluator& ev, const Language& lang, const VerifyOptions& o, ProgressMeter& meter) {
  constexpr std::uint64_t kProgressWords = 1024;  // words between two progress updates of one task
  const std::size_t keep = static_cast<std::size_t>(o.max_counterexamples);
  VerifyCounts total;
  for (int n = std::max(0, o.min_length); n <= o.max_length; ++n) {
    const Tally init{&lang.alphabet(), keep, {}, 0};
    const Tally t = reduce_words(
        lang.alphabet().size(), n, init,
        [&](WordView w, Tally& acc) {
          acc.record(w, lang.contains(w), ev.accepts(w));
          if (acc.counts.checked % kProgressWords == 0) meter.add(kProgressWords);
        },
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

namespace {

void check_inputs(const ModelWeights& model, const Language& language, const VerifyOptions& o) {
  check_alphabet(model.config, language.alphabet());
  if (o.max_length < 0) throw Error("verify: the maximum length must be >= 0");
  if (o.long_samples > 0 && (o.long_min > o.long_max || o.long_min < 0))
    throw Error(fmt::format("verify: impossible long-sample length range {}..{}", o.long_min, o.long_max));
  check_verify_budget(language, o);
}

bool uses_trie(const ModelWeights& model, const VerifyOptions& o) {
  return o.use_trie && model.config.causal && model.config.head == HeadKind::classify;
}

// Words the exhaustive part evaluates: every prefix (trie walk) or the words of the counted lengths.
std::uint64_t words_evaluated(int sigma, const VerifyOptions& o, bool trie) {
  const std::uint64_t all = words_up_to(sigma, o.max_length);
  return trie || o.min_length <= 0 ? all : all - words_up_to(sigma, std::min(o.min_length, o.max_length + 1) - 1);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

VerifyReport verify(const ModelWeights& model, const Language& language, const VerifyOptions& o) {
  check_inputs(model, language, o);
  const Evaluator ev(model, o.mode);
  VerifyReport r;
  const auto t0 = std::chrono::steady_clock::now();
  const bool trie = uses_trie(model, o);
  ProgressMeter meter(o, words_evaluated(language.alphabet().size(), o, trie));
  if (!trie) r.exhaustive = verify_enumerate(ev, language, o, meter);
  else if (o.trie_rows > 0) r.exhaustive = verify_trie(ev, language, o, meter, make_batched_walker);
  else r.exhaustive = verify_trie(ev, language, o, meter, make_walker);
  r.seconds = seconds_since(t0);
  if (o.long_samples > 0) r.sampled = verify_sampled(ev, language, o);
  return r;
}

VerifyEstimate estimate_verify(const ModelWeights& model, const Language& language, const VerifyOptions& o) {
  check_inputs(model, language, o);
  const Evaluator ev(model, o.mode);
  const int sigma = language.alphabet().size(), L = o.max_length;
  VerifyEstimate e;
  e.trie = uses_trie(model, o);
  e.evaluated = words_evaluated(sigma, o, e.trie);
  e.strings = words_up_to(sigma, L) - (o.min_length > 0 ? words_up_to(sigma, std::min(o.min_length, L + 1) - 1) : 0);
  const auto available = static_cast<int>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  const auto start = std::chrono::steady_clock::now();
  Tally tally{&language.alphabet(), static_cast<std::size_t>(o.max_counterexamples), {}, static_cast<std::size_t>(o.min_length)};
  if (e.trie) {
    // The subtree below 0^q with at most kEstimateNodes nodes, timed twice (the first run warms up).
    int q = 0;
    while (q < L && words_up_to(sigma, L - q) > kEstimateNodes) ++q;
    const Word prefix(static_cast<std::size_t>(q), 0);
    const double nodes = static_cast<double>(words_up_to(sigma, L - q) + static_cast<std::uint64_t>(q));
    double seconds = 0;
    auto time_walk = [&](auto walker) {
      for (int rep = 0; rep < 2; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        walker->walk(prefix, tally);
        seconds = seconds_since(t0);
      }
    };
    if (o.trie_rows > 0) time_walk(make_batched_walker(ev, language, L, o.trie_rows));
    else time_walk(make_walker(ev, language, L, 0));
    const auto tasks = static_cast<double>(num_words(sigma, trie_split_depth(sigma, L)));
    e.threads = static_cast<int>(std::min<double>(available, tasks));
    e.seconds = seconds / nodes * static_cast<double>(e.evaluated) / e.threads;
  } else {
    // Words of the longest length, for at least kEstimateSeconds; shorter words cost in proportion
    // to their positions.
    const Word w(static_cast<std::size_t>(L), 0);
    int reps = 0;
    const auto t0 = std::chrono::steady_clock::now();
    do {
      tally.record(w, language.contains(w), ev.accepts(w));
      ++reps;
    } while (seconds_since(t0) < kEstimateSeconds && reps < 1000);
    const double per_position = seconds_since(t0) / reps / (L + 1);
    double positions = 0;
    for (int n = std::max(0, o.min_length); n <= L; ++n)
      positions += std::pow(static_cast<double>(sigma), n) * (n + 1);
    e.threads = available;
    e.seconds = per_position * positions / e.threads;
  }
  e.sample_seconds = seconds_since(start);
  return e;
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

// The exhaustive verifier: which language does a model recognize, exactly, up to a length?
//
// Every word over the model's alphabet of length 0..max_length is evaluated (streamed, in
// parallel, in bounded memory) and compared with the language's membership oracle under the
// acceptance rule of evaluator.h; then K sampled members and K sampled non-members at longer
// lengths. For causal classifiers the words are walked in trie order with cached per-layer keys and
// values, so the cost grows with the number of trie nodes, not with the sum of the lengths; the
// nodes are evaluated in slices of siblings (trie_batch.h), so each layer's work is matrix-matrix.
// Results (counts, the shortest counterexamples) do not depend on the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "languages/language.h"
#include "saturated_transformer/eval_mode.h"
#include "saturated_transformer/model_weights.h"
#include "saturated_transformer/trie_batch.h"

namespace saturn {

// The default budget of exhaustively checked words: 2^26 - 1 binary words (length 25) fit, length 26
// does not; at a typical 25,000 words/s that is about an hour.
inline constexpr std::uint64_t kDefaultVerifyMaxStrings = 100'000'000;

// Where an exhaustive verification stands (VerifyOptions::on_progress).
struct VerifyProgress {
  std::uint64_t done = 0, total = 0;  // words evaluated so far / in all (trie walk: every prefix)
  double seconds = 0;                 // since the exhaustive part started
  double eta_seconds = 0;             // remaining, at the rate so far
};

struct VerifyOptions {
  int max_length = 10;                   // every word of length <= max_length ...
  int min_length = 0;                    // ... and >= min_length (shorter ones are walked, not counted)
  EvalMode mode = EvalMode::saturated();
  int long_samples = 0;                  // members and non-members each, at long_min..long_max
  int long_min = 0, long_max = 0;
  std::uint64_t seed = 1;
  int max_counterexamples = 5;           // shortest counterexamples kept of each kind
  bool use_trie = true;                  // causal models: share prefix computation
  int trie_rows = kDefaultTrieRows;      // trie nodes evaluated together (0: one at a time, Evaluator::push)
  std::uint64_t max_strings = kDefaultVerifyMaxStrings;  // refuse, before starting, above this many words
  // Called from worker threads (one call at a time) at most every progress_seconds during the
  // exhaustive part; empty: no reports.
  std::function<void(const VerifyProgress&)> on_progress;
  double progress_seconds = 1.0;
};

struct Counterexample {
  std::string word;
  bool member = false;  // the oracle's answer (the model said the opposite)
  bool operator<(const Counterexample& o) const {
    return word.size() != o.word.size() ? word.size() < o.word.size() : word < o.word;
  }
  bool operator==(const Counterexample&) const = default;
};

struct VerifyCounts {
  std::uint64_t checked = 0, false_accepts = 0, false_rejects = 0;
  std::vector<Counterexample> false_accept_examples, false_reject_examples;  // shortest first
  std::uint64_t errors() const { return false_accepts + false_rejects; }
  double accuracy() const { return checked ? 1.0 - static_cast<double>(errors()) / static_cast<double>(checked) : 1.0; }
};

struct VerifyReport {
  VerifyCounts exhaustive;  // all words up to max_length
  VerifyCounts sampled;     // long samples
  double seconds = 0;       // exhaustive part
  double strings_per_second() const { return seconds > 0 ? static_cast<double>(exhaustive.checked) / seconds : 0; }
  bool exact() const { return exhaustive.errors() == 0 && sampled.errors() == 0; }
};

// The number of words of length 0..max_length over `alphabet_size` symbols (1 + k + ... + k^n),
// saturating at UINT64_MAX.
std::uint64_t words_up_to(int alphabet_size, int max_length);

// The longest length n <= cap such that every word of length <= n over `alphabet_size` symbols
// (1 + k + ... + k^n of them) fits in `budget` words.
int max_length_within(int alphabet_size, std::uint64_t budget, int cap);

// The shortest counterexample of either kind (false accept or false reject), if any.
const Counterexample* shortest_counterexample(const VerifyCounts& counts);

// Throws saturn::Error when words_up_to(|alphabet|, max_length) exceeds options.max_strings. verify
// calls it first; a caller that tells input errors from run failures calls it before starting.
void check_verify_budget(const Language& language, const VerifyOptions& options);

// Throws saturn::Error when the model's tokens do not start with the language's alphabet, and,
// before evaluating anything, when the words exceed the budget (check_verify_budget).
VerifyReport verify(const ModelWeights& model, const Language& language, const VerifyOptions& options);

// What verify's exhaustive part will cost, measured before starting it.
struct VerifyEstimate {
  std::uint64_t strings = 0;    // words counted (lengths min_length..max_length): the report's `checked`
  std::uint64_t evaluated = 0;  // words evaluated: every prefix up to max_length (trie walk) or `strings`
  bool trie = false;            // the trie walk (causal classifier) or one evaluation per word
  int threads = 1;              // worker threads the estimate assumes
  double seconds = 0;           // estimated wall time of the exhaustive part (the long samples not included)
  double sample_seconds = 0;    // time spent measuring
};
// Times a small part of the work on this thread (a subtree of at most about 4096 trie nodes, or a
// few words of the longest length) and scales it by the number of words and threads. Checks the
// alphabet and the budget as verify does (throws saturn::Error).
VerifyEstimate estimate_verify(const ModelWeights& model, const Language& language, const VerifyOptions& options);

}  // namespace saturn

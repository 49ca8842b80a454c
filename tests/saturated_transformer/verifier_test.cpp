// The exhaustive verifier's walks agree: the batched trie walk (trie_batch.h, in slices of any size),
// the one-node-at-a-time walk (Evaluator::push) and plain enumeration (Evaluator::accepts on every
// word) find the same counts and the same shortest counterexamples on random causal models of every
// layer-norm / positional / readout option in every attention mode; TrieBatch's logits are
// Evaluator::run's; results do not depend on the thread count; progress and the estimate.
#include "saturated_transformer/verifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/parallel.h"
#include "languages/registry.h"
#include "random_model.h"
#include "saturated_transformer/trie_batch.h"

namespace saturn {
namespace {

using testing::random_model;

const char* const kModes[] = {"softmax", "temperature:3", "scaled:4",  "saturated",
                              "saturated:0.3", "hard_left", "hard_right"};

struct Variant {
  LayerNormMode ln;
  LayerNormPlaces places;
  Positional pos;
  ClassifyReadout readout;
};

std::vector<Variant> variants() {
  return {{LayerNormMode::pre, {}, Positional::learned, ClassifyReadout::last},
          {LayerNormMode::post, {}, Positional::sinusoidal, ClassifyReadout::last},
          {LayerNormMode::none, {}, Positional::none, ClassifyReadout::mean},
          {LayerNormMode::custom, {AttnLnPlace::qk, false, true}, Positional::learned, ClassifyReadout::mean},
          {LayerNormMode::custom, {AttnLnPlace::v, true, false}, Positional::none, ClassifyReadout::last},
          {LayerNormMode::pre, {}, Positional::learned, ClassifyReadout::bos}};
}

ModelWeights causal_model(const Language& lang, const Variant& v, std::uint64_t seed) {
  auto w = random_model(lang.alphabet().chars(), v.ln, v.places, v.pos, true, HeadKind::classify, seed);
  w.config.readout = v.readout;
  return w;
}

void expect_same(const VerifyCounts& a, const VerifyCounts& b, const std::string& what) {
  EXPECT_EQ(a.checked, b.checked) << what;
  EXPECT_EQ(a.false_accepts, b.false_accepts) << what;
  EXPECT_EQ(a.false_rejects, b.false_rejects) << what;
  EXPECT_EQ(a.false_accept_examples, b.false_accept_examples) << what;
  EXPECT_EQ(a.false_reject_examples, b.false_reject_examples) << what;
}

TEST(Verifier, BatchedTrieWalkEqualsOneNodeWalkAndEnumerationInEveryMode) {
  std::uint64_t seed = 300;
  std::uint64_t errors = 0, checked = 0;
  for (const char* spec : {"parity", "anbncn"}) {
    const auto lang = make_language(spec);
    for (const auto& v : variants()) {
      const auto model = causal_model(*lang, v, ++seed);
      for (const char* mode : kModes) {
        VerifyOptions o;
        o.max_length = lang->alphabet().size() == 2 ? 9 : 6;
        o.min_length = seed % 2 == 0 ? 0 : 2;
        o.mode = EvalMode::parse(mode);
        o.max_counterexamples = 4;
        const auto batched = verify(model, *lang, o).exhaustive;
        const std::string what = std::string(spec) + " variant " + std::to_string(seed) + " " + mode;
        for (int rows : {1, 5, 64}) {  // slices that split siblings, and one slice per level
          o.trie_rows = rows;
          expect_same(verify(model, *lang, o).exhaustive, batched, what + " rows " + std::to_string(rows));
        }
        o.trie_rows = 0;
        expect_same(verify(model, *lang, o).exhaustive, batched, what + " one node at a time");
        o.use_trie = false;
        expect_same(verify(model, *lang, o).exhaustive, batched, what + " enumeration");
        errors += batched.errors();
        checked += batched.checked;
      }
    }
  }
  // Random models decide at random: the comparisons above saw plenty of both outcomes.
  EXPECT_GT(errors, checked / 10);
  EXPECT_LT(errors, checked - checked / 10);
}

TEST(TrieBatch, LogitsAreTheEvaluatorsOnEveryNode) {
  const auto lang = make_language("parity");
  std::uint64_t seed = 500;
  for (const auto& v : variants())
    for (const char* mode : {"softmax", "saturated", "hard_right"}) {
      const auto model = causal_model(*lang, v, ++seed);
      const Evaluator ev(model, EvalMode::parse(mode));
      TrieBatch trie(ev, 2, 7, 6);
      std::map<Word, double> logits;
      trie.walk(Word{1}, [&](const TrieSlice& s) {
        for (int i = 0; i < s.size; ++i) EXPECT_TRUE(logits.emplace(trie.word(s.depth, i), s.logit[i]).second);
      });
      // The path to the prefix (ε, 1) and the 2^7 - 1 words below it.
      ASSERT_EQ(logits.size(), 1u + 255u - 128u);
      for (const auto& [w, logit] : logits) {
        const double want = ev.run(w).readout_logit;
        EXPECT_NEAR(logit, want, 1e-10 * std::max(1.0, std::abs(want))) << mode << " word of length " << w.size();
      }
    }
}

TEST(TrieBatch, FollowsPerHeadModes) {
  const auto lang = make_language("parity");
  const auto model = causal_model(*lang, variants()[0], 77);
  const Evaluator ev(model, EvalMode::softmax(), {{1, 0, EvalMode::saturated()}, {0, 1, EvalMode::hard_right()}});
  TrieBatch trie(ev, 2, 6, 8);
  int nodes = 0;
  trie.walk(Word{}, [&](const TrieSlice& s) {
    for (int i = 0; i < s.size; ++i, ++nodes) {
      const double want = ev.run(trie.word(s.depth, i)).readout_logit;
      EXPECT_NEAR(s.logit[i], want, 1e-10 * std::max(1.0, std::abs(want)));
    }
  });
  EXPECT_EQ(nodes, 127);
}

// A model's stored score rule (attention_scale c, score_rounding G: s = round_G(c q.k / sqrt(dh)),
// transformer/layers/attention.h) in the batched walk as in the evaluator, and it changes decisions.
TEST(TrieBatch, AppliesTheStoredScoreRule) {
  const auto lang = make_language("parity");
  auto model = causal_model(*lang, variants()[0], 91);
  const auto plain = model;
  model.config.attention_scale = 3.0;
  model.config.score_rounding = 0.25;
  for (const char* mode : {"softmax", "saturated", "hard_left"}) {
    const Evaluator ev(model, EvalMode::parse(mode)), ev_plain(plain, EvalMode::parse(mode));
    TrieBatch trie(ev, 2, 6, 8);
    int nodes = 0, changed = 0;
    trie.walk(Word{}, [&](const TrieSlice& s) {
      for (int i = 0; i < s.size; ++i, ++nodes) {
        const Word w = trie.word(s.depth, i);
        const double want = ev.run(w).readout_logit;
        EXPECT_NEAR(s.logit[i], want, 1e-10 * std::max(1.0, std::abs(want))) << mode;
        changed += std::abs(want - ev_plain.run(w).readout_logit) > 1e-9;
      }
    });
    EXPECT_EQ(nodes, 127);
    EXPECT_GT(changed, 0) << mode;
    // The evaluator's kept scores are multiples of G.
    const auto r = ev.run(Word{0, 1, 1, 0}, {.scores = true});
    for (const auto& layer : r.scores)
      for (const auto& head : layer)
        for (long j = 0; j < head.size(); ++j) EXPECT_EQ(head.data()[j], 0.25 * std::nearbyint(head.data()[j] / 0.25));
  }
}

TEST(TrieBatch, RefusesWhatItCannotWalk) {
  const auto lang = make_language("parity");
  const auto model = causal_model(*lang, variants()[0], 1);
  const Evaluator ev(model, EvalMode::saturated());
  EXPECT_THROW(TrieBatch(ev, 2, model.config.max_len), Error);  // positions 0..max_len do not fit
  auto bidirectional = random_model("01", LayerNormMode::pre, {}, Positional::learned, false, HeadKind::classify, 2);
  EXPECT_THROW(TrieBatch(Evaluator(bidirectional, EvalMode::saturated()), 2, 4), Error);
  TrieBatch trie(ev, 2, 3);
  EXPECT_THROW(trie.walk(Word{0, 1, 0, 1}, [](const TrieSlice&) {}), Error);
}

TEST(Verifier, BatchedResultsDoNotDependOnTheThreadCount) {
  const auto lang = make_language("parity");
  const auto model = causal_model(*lang, variants()[1], 42);
  VerifyOptions o;
  o.max_length = 13;
  o.trie_rows = 16;
  std::vector<VerifyCounts> counts;
  for (int threads : {1, 2, 3}) {
    ThreadLimit limit(threads);
    counts.push_back(verify(model, *lang, o).exhaustive);
  }
  ASSERT_GT(counts[0].errors(), 0u);
  expect_same(counts[1], counts[0], "2 threads");
  expect_same(counts[2], counts[0], "3 threads");
}

TEST(Verifier, ReportsProgressUpToTheTotal) {
  const auto lang = make_language("parity");
  const auto model = causal_model(*lang, variants()[0], 7);
  ThreadLimit one(1);
  for (bool trie : {true, false}) {
    VerifyOptions o;
    o.max_length = 12;
    o.use_trie = trie;
    o.progress_seconds = 0;  // every update
    std::vector<VerifyProgress> seen;
    o.on_progress = [&](const VerifyProgress& p) { seen.push_back(p); };
    verify(model, *lang, o);
    ASSERT_FALSE(seen.empty()) << trie;
    for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].done, seen[i - 1].done);
    EXPECT_EQ(seen.front().total, words_up_to(2, 12));
    if (trie) EXPECT_EQ(seen.back().done, seen.back().total);  // one update per subtree, the last one complete
    else EXPECT_LE(seen.back().done, seen.back().total);       // every 1024 words of a task
  }
}

TEST(Verifier, EstimatesWordsAndTimeBeforeStarting) {
  const auto lang = make_language("parity");
  const auto model = causal_model(*lang, variants()[0], 9);
  VerifyOptions o;
  o.max_length = 15;
  o.min_length = 3;
  const auto e = estimate_verify(model, *lang, o);
  EXPECT_TRUE(e.trie);
  EXPECT_EQ(e.strings, words_up_to(2, 15) - words_up_to(2, 2));
  EXPECT_EQ(e.evaluated, words_up_to(2, 15));
  EXPECT_GE(e.threads, 1);
  EXPECT_TRUE(std::isfinite(e.seconds) && e.seconds > 0);
  o.use_trie = false;
  const auto flat = estimate_verify(model, *lang, o);
  EXPECT_FALSE(flat.trie);
  EXPECT_EQ(flat.evaluated, flat.strings);
  EXPECT_TRUE(std::isfinite(flat.seconds) && flat.seconds > 0);
  o.max_strings = 1000;  // the budget is checked first, as verify does
  EXPECT_THROW(estimate_verify(model, *lang, o), Error);
}

}  // namespace
}  // namespace saturn

#include "harness/kinds/language/batches.h"

#include <algorithm>

#include "core/parallel.h"
#include "core/streams.h"

namespace saturn {

ModelConfig model_config_for(const TaskSpec& task, const Language& lang) {
  ModelConfig c = task.model.config;
  c.tokens.clear();
  for (char ch : lang.alphabet().chars()) c.tokens.push_back(std::string(1, ch));
  c.tokens.push_back("<bos>");
  c.bos_id = static_cast<int>(c.tokens.size()) - 1;
  if (!task.model.head_set)
    c.head = task.objective == Objective::recognize ? HeadKind::classify
             : task.objective == Objective::next_symbols ? HeadKind::next_symbols
                                                         : HeadKind::lm;
  if (c.head == HeadKind::lm) c.tokens.push_back("<eos>");
  c.vocab = static_cast<int>(c.tokens.size());
  c.n_outputs = c.head == HeadKind::classify ? 1 : c.head == HeadKind::lm ? c.vocab : target_outputs(task.targets, lang);
  if (!task.model.max_len_set) {
    int longest = task.train.lengths.hi;
    for (const auto& bin : task.test_bins) longest = std::max(longest, bin.lengths.hi);
    c.max_len = longest + 1;
  }
  c.validate();
  return c;
}

EncodedExample encode(const ModelConfig& c, const Language& lang, const Example& ex, TargetConvention targets) {
  EncodedExample e;
  e.symbols.assign(ex.word.begin(), ex.word.end());
  e.label = ex.member ? 1.0f : 0.0f;
  const int T = static_cast<int>(ex.word.size()) + 1;
  if (c.head == HeadKind::next_symbols && targets != TargetConvention::next_symbols) {
    e.targets = prefix_targets(targets, lang, ex.word);
  } else if (c.head == HeadKind::next_symbols) {
    const int sigma = lang.alphabet().size();
    for (int t = 0; t < T; ++t) {
      const auto ns = lang.next_symbols(WordView(ex.word).first(static_cast<std::size_t>(t)));
      for (int a = 0; a < sigma; ++a) e.targets.push_back(ns.allows(static_cast<Symbol>(a)) ? 1.0f : 0.0f);
      e.targets.push_back(ns.is_member ? 1.0f : 0.0f);
    }
  } else if (c.head == HeadKind::lm) {
    for (int t = 0; t < T; ++t) e.next_tokens.push_back(t + 1 < T ? ex.word[static_cast<std::size_t>(t)] : c.vocab - 1);
  }
  return e;
}

void append(const ModelConfig& c, const EncodedExample& e, Batch& b) {
  b.add_string(c, e.symbols);
  b.labels.push_back(e.label);
  b.targets.insert(b.targets.end(), e.targets.begin(), e.targets.end());
  b.next_tokens.insert(b.next_tokens.end(), e.next_tokens.begin(), e.next_tokens.end());
}

SplitDataSource::SplitDataSource(const ModelConfig& c, const Language& lang, const Split& split, int batch_size,
                                 std::uint64_t seed, TargetConvention targets, bool in_order)
    : config_(c), examples_(split.examples.size()), batch_size_(batch_size), seed_(seed), in_order_(in_order) {
  parallel_chunks(0, split.examples.size(), 64, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i) examples_[i] = encode(c, lang, split.examples[i], targets);
  });
}

std::int64_t SplitDataSource::batches_per_epoch() const {
  const auto n = static_cast<std::int64_t>(examples_.size()), b = static_cast<std::int64_t>(batch_size_);
  return (n + b - 1) / b;
}

void SplitDataSource::batch(std::int64_t step, Batch& out) const {
  out.clear();
  if (in_order_) {
    const std::int64_t first = (step % batches_per_epoch()) * batch_size_;
    const std::int64_t last = std::min<std::int64_t>(first + batch_size_, static_cast<std::int64_t>(examples_.size()));
    for (std::int64_t i = first; i < last; ++i) append(config_, examples_[static_cast<std::size_t>(i)], out);
    return;
  }
  Rng rng = streams::batch(seed_, step);
  for (int i = 0; i < batch_size_; ++i) append(config_, examples_[rng.uniform_below(examples_.size())], out);
}

EvalSet make_eval_set(const ModelConfig& c, const Language& lang, const Split& split, int batch_size,
                      TargetConvention targets) {
  EvalSet set{split.name, {}};
  for (std::size_t i = 0; i < split.examples.size(); ++i) {
    if (i % static_cast<std::size_t>(batch_size) == 0) set.batches.emplace_back();
    append(c, encode(c, lang, split.examples[i], targets), set.batches.back());
  }
  return set;
}

}  // namespace saturn

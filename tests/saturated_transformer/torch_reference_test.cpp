// The simulator's evaluator equals the PyTorch reference (python/torch_reference.py) in every mode
// each vector file of tests/data/ holds (outputs.<mode>): softmax, temperature:4, saturated and
// hard everywhere; hard_left, hard_right, saturated:TOL and scaled:RHO on the tie cases, whose
// scores have exact ties and near-ties (zero and tiny key weights).
#include <gtest/gtest.h>

#include <set>

#include "saturated_transformer/evaluator.h"
#include "tests/support/torch_vectors.h"
#include "transformer/param_table.h"

namespace saturn {
namespace {

// The modes of a case: the names of its outputs.<mode> tensors.
std::vector<std::string> modes_of(const testing::TorchCase& c) {
  std::vector<std::string> out;
  const std::string prefix = "outputs.";
  for (const auto& [name, _] : c.file.tensors)
    if (name.rfind(prefix, 0) == 0) out.push_back(name.substr(prefix.size()));
  return out;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t j = 0; j < std::min(a.size(), b.size()); ++j) d = std::max(d, std::abs(a[j] - b[j]));
  return d;
}

TEST(TorchReference, EvaluatorMatchesEveryMode) {
  std::set<EvalMode::Kind> kinds;  // every kind met, with saturated:TOL apart
  bool tol_seen = false;
  for (const auto& c : testing::torch_cases()) {
    const auto table = parameter_table(c.config);
    const auto params = c.params(table);
    const auto weights = to_weights(c.config, table, params.data());
    for (const auto& mode : modes_of(c)) {
      const auto parsed = EvalMode::parse(mode);
      kinds.insert(parsed.kind);
      tol_seen = tol_seen || parsed.tolerance;
      const Evaluator ev(weights, parsed);
      const auto& want = c.tensor("outputs." + mode);
      std::size_t k = 0;
      for (int i = 0; i < c.batch.size(); ++i) {
        Word w;
        for (int r = c.batch.offsets[static_cast<std::size_t>(i)] + 1; r < c.batch.offsets[static_cast<std::size_t>(i) + 1]; ++r)
          w.push_back(static_cast<Symbol>(c.batch.tokens[static_cast<std::size_t>(r)]));
        const auto r = ev.run(w);
        if (c.config.head == HeadKind::classify) {
          EXPECT_NEAR(r.readout_logit, want[k++], 1e-9) << c.name << " " << mode;
        } else {
          for (long t = 0; t < r.logits.rows(); ++t)
            for (long o = 0; o < r.logits.cols(); ++o) EXPECT_NEAR(r.logits(t, o), want[k++], 1e-9) << c.name << " " << mode;
        }
      }
      EXPECT_EQ(k, want.size()) << c.name << " " << mode;
    }
  }
  // Every mode kind is compared somewhere (a vector file that lost a mode would otherwise pass).
  for (const auto kind : {EvalMode::Kind::softmax, EvalMode::Kind::temperature, EvalMode::Kind::scaled,
                          EvalMode::Kind::saturated, EvalMode::Kind::hard_left, EvalMode::Kind::hard_right})
    EXPECT_TRUE(kinds.count(kind)) << "no vectors for mode kind " << static_cast<int>(kind);
  EXPECT_TRUE(tol_seen) << "no vectors for saturated:TOL";
}

// On the tie cases the new modes decide differently from their neighbours, so the comparison
// above tells them apart: hard_left != hard_right (an exact tie with different values),
// saturated:TOL != saturated (near-ties), hard == hard_left (the alias).
TEST(TorchReference, TieCasesSeparateTheModes) {
  int tie_cases = 0;
  for (const auto& c : testing::torch_cases()) {
    if (!c.file.tensors.count("outputs.hard_right")) continue;
    ++tie_cases;
    EXPECT_GT(max_abs_diff(c.tensor("outputs.hard_left"), c.tensor("outputs.hard_right")), 1e-6) << c.name;
    EXPECT_EQ(max_abs_diff(c.tensor("outputs.hard_left"), c.tensor("outputs.hard")), 0.0) << c.name;
    for (const auto& mode : modes_of(c)) {
      if (mode.rfind("saturated:", 0) == 0) {
        EXPECT_GT(max_abs_diff(c.tensor("outputs." + mode), c.tensor("outputs.saturated")), 1e-6) << c.name << " " << mode;
      }
      if (mode.rfind("scaled:", 0) == 0) {
        EXPECT_GT(max_abs_diff(c.tensor("outputs." + mode), c.tensor("outputs.softmax")), 1e-6) << c.name << " " << mode;
      }
    }
  }
  EXPECT_GE(tie_cases, 2);
}

}  // namespace
}  // namespace saturn

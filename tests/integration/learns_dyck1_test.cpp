// End to end through the harness: a 2-layer transformer trained for 2000 steps on Dyck-1 (task
// spec -> splits -> batches -> training -> evaluation) recognizes it on the test bin. Kept apart
// from transformer_tests so that the transformer's own tests do not link the harness.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/task.h"
#include "harness/kinds/language/train.h"

namespace saturn {
namespace {

TaskSpec dyck1_task() {
  TaskSpec t;
  t.name = "dyck1";
  t.language = "dyck:k=1";
  t.train = {{2, 24}, 4000};
  t.test_bins = {{{2, 24}, 1000}};
  t.negatives = {0.5, 0.5};
  t.seed = 1;
  t.model.config.d_model = 32;
  t.model.config.n_layers = 2;
  t.model.config.n_heads = 2;
  t.model.config.d_ff = 64;
  t.model.config.causal = true;
  t.model.config.readout = ClassifyReadout::last;
  t.optimizer.lr = 1e-3;
  t.training.steps = 2000;
  t.training.schedule.kind = Schedule::Kind::cosine;
  t.training.schedule.warmup = 100;
  return t;
}

TEST(Integration, LearnsDyck1Recognition) {
  const auto trained = train_task(dyck1_task(), {});
  const auto& evals = trained.training.evals;
  const auto test = std::find_if(evals.begin(), evals.end(), [](const EvalScore& e) { return e.name == "test_2..24"; });
  ASSERT_NE(test, evals.end());
  EXPECT_GE(test->accuracy, 0.99) << "loss " << test->loss;
}

}  // namespace
}  // namespace saturn

// The training loop: deterministic batches from a data source, forward/backward in parallel
// (bitwise identical for any thread count), optimizer + schedule, JSONL metrics
// (transformer/metrics.h), evaluation, atomic checkpoints that resume bitwise-identically
// (transformer/checkpoint.h), and a clean stop on a non-finite loss or gradient.
//
// Files under TrainOptions::out_dir: metrics.jsonl, checkpoint/ (every checkpoint_every steps
// and at the end), model/ (the final model directory).
// Cost per step: one forward and one backward pass (see transformer/model.h) plus O(parameters).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "transformer/checkpoint.h"
#include "transformer/metrics.h"
#include "transformer/model.h"
#include "transformer/optimizer.h"
#include "transformer/schedule.h"

namespace saturn {

// Yields batch number `index` — a pure function of (the source's seed, index), so that resuming
// from a checkpoint replays the same data. The source decides the batch size and the strings.
class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual void batch(std::int64_t index, Batch& out) const = 0;
};

struct EvalSet {
  std::string name;            // e.g. "test_52..100"
  std::vector<Batch> batches;  // evaluated in order
};

struct EvalScore {
  std::string name;
  double loss = 0, accuracy = 0;
  int strings = 0;
};

struct TrainOptions {
  int steps = 1000;               // total steps of the run (a resumed run continues to this)
  OptimizerOptions optimizer;     // kind, lr, per-group rates and decay, clipping
  Schedule schedule;              // learning-rate factor per step
  // Factor c(t) of every attention score at step t (schedule.h). When active (F != 1) the trainer
  // sets model.config.attention_scale = c(t) before step t and c(t + 1) after it, so evaluations,
  // checkpoints and the saved model carry the factor of the steps done; inactive: left alone.
  AttentionTemperature attention_temperature;
  std::uint64_t seed = 1;         // the run's seed (recorded in checkpoints, checked on resume)
  int threads = 0;                // > 0: at most this many threads; 0: the caller's limit
  int log_every = 50;             // metrics line every k steps (and at the last step); 0: none
  int eval_every = 0;             // evaluation every k steps (0: only at the end)
  int checkpoint_every = 0;       // 0: only the final checkpoint
  std::filesystem::path out_dir;  // metrics.jsonl, checkpoint/, model/ (empty: write nothing)
  bool resume = true;             // continue from out_dir/checkpoint when present
  std::function<void(const Progress&)> on_progress;  // called at every metrics line
  std::function<void(std::int64_t step, const std::vector<EvalScore>&)> on_eval;  // after each evaluation
  // Asked after each periodic evaluation (after on_eval): true ends the run at that step, which
  // then counts as its last (final checkpoint and model written there, no further evaluation).
  // To resume such a run exactly, the caller sets `steps` to the checkpoint's step when its
  // rule already held there.
  std::function<bool(std::int64_t step)> stop_early;
};

struct TrainSummary {
  std::int64_t steps_done = 0;
  double final_loss = 0, final_accuracy = 0;  // of the last training batch
  double seconds = 0, examples_per_second = 0, tokens_per_second = 0;  // of this process's steps
  std::vector<EvalScore> evals;               // final evaluation
};

// Raised when the loss or the gradient norm becomes NaN or infinite. Nothing is written after
// the last good step: the last checkpoint and the metrics up to it stay in place.
class DivergedError : public Error {
 public:
  using Error::Error;
};

// Trains `model` in place (it must be initialised; a checkpoint replaces its weights).
// Throws DivergedError, or saturn::Error on I/O problems and mismatched checkpoints.
TrainSummary train(Model<float>& model, const DataSource& data, const std::vector<EvalSet>& evals,
                   const TrainOptions& options);

// Loss and accuracy of a model on an evaluation set (forward passes only).
template <class S>
EvalScore evaluate(const Model<S>& model, const EvalSet& set, Workspace<S>& ws);

}  // namespace saturn

// The training loop: deterministic batches from a data source, forward/backward in parallel
// (deterministic for any thread count), optimizer + schedule, JSONL metrics, evaluation,
// checkpoints that resume bitwise-identically, and a clean stop on a non-finite loss.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "transformer/model.h"
#include "transformer/optimizer.h"
#include "transformer/schedule.h"

namespace saturn {

// Yields the batch of training step `step` — a pure function of (seed, step) so that resuming
// from a checkpoint replays the same data.
class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual void batch(std::int64_t step, Batch& out) const = 0;
};

struct EvalSet {
  std::string name;            // e.g. "test_52..100"
  std::vector<Batch> batches;  // evaluated in order
};

struct TrainOptions {
  int steps = 1000;
  OptimizerOptions optimizer;
  Schedule schedule;
  std::uint64_t seed = 1;        // initialisation (the data source has its own)
  int log_every = 50;            // metrics line every k steps (and at the last step)
  int eval_every = 0;            // evaluation every k steps (0: only at the end)
  int checkpoint_every = 0;      // 0: no intermediate checkpoints
  std::filesystem::path out_dir; // metrics.jsonl, checkpoint/, model/ (empty: write nothing)
  bool resume = true;            // continue from out_dir/checkpoint when present
  bool progress = false;         // print a progress line to stderr
};

struct EvalScore {
  std::string name;
  double loss = 0, accuracy = 0;
  int strings = 0;
};

struct TrainSummary {
  std::int64_t steps_done = 0;
  double final_loss = 0, final_accuracy = 0;
  double seconds = 0, examples_per_second = 0, tokens_per_second = 0;
  std::vector<EvalScore> evals;
  bool diverged = false;
  std::string message;
};

// Raised when the loss becomes NaN or infinite; the last good checkpoint is left in place.
class DivergedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Trains `model` in place. Throws DivergedError on a non-finite loss (after writing nothing
// new), saturn::Error on I/O problems.
TrainSummary train(Model<float>& model, const DataSource& data, const std::vector<EvalSet>& evals,
                   const TrainOptions& options);

// Loss and accuracy of a model on an evaluation set.
template <class S>
EvalScore evaluate(const Model<S>& model, const EvalSet& set, Workspace<S>& ws);

// Checkpoints: model + optimizer moments + step, written to a temporary directory and renamed.
void save_checkpoint(const std::filesystem::path& dir, const Model<float>& model, const Optimizer<float>& opt,
                     std::int64_t step);
// Returns the step to continue from.
std::int64_t load_checkpoint(const std::filesystem::path& dir, Model<float>& model, Optimizer<float>& opt);

}  // namespace saturn

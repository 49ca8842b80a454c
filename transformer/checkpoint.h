// Training checkpoints: everything needed to continue a run bitwise-identically.
//
// A checkpoint is a directory:
//   config.json, model.safetensors  a model directory (transformer/model_dir.h)
//   optimizer.safetensors           the optimizer's state, same layout as the parameters:
//                                   "m.<param>" (Adam's first moment / SGD's momentum buffer)
//                                   and "v.<param>" (Adam's second moment)
//   state.json                      step, data cursor, seed, optimizer kind and step count
// The trainer draws no random numbers after initialisation and its data source is a pure
// function of (data seed, batch index), so the data cursor is the whole random state of a run.
//
// Writing is atomic: the new checkpoint is written to "<dir>.tmp", the old one renamed to
// "<dir>.old", the new one renamed into place, then the old one removed. A crash at any point
// leaves a complete checkpoint at <dir> or (between the two renames) at <dir>.old, which
// find_checkpoint returns; a run resumed from <dir>.old keeps it until its next checkpoint is in
// place (tests/faults/kill_resume_test.sh kills at each of these steps). Loading refuses, with one line naming the file, a checkpoint whose
// config differs from the model's, whose optimizer kind differs, or whose files are corrupt.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "transformer/model.h"
#include "transformer/optimizer.h"

namespace saturn {

struct CheckpointState {
  std::int64_t step = 0;         // training steps completed
  std::int64_t data_cursor = 0;  // index of the next batch the data source yields
  std::uint64_t seed = 0;        // the run's TrainOptions::seed (resuming checks it)
  // Loss and accuracy of the last step's batch (TrainSummary::final_*), so that a run resumed
  // from its final checkpoint reports what an uninterrupted one does. NaN before the first step.
  double last_loss = std::nan(""), last_accuracy = std::nan("");
  // The steps since the last metrics line (MetricsWindow's sums), so that the first line a resumed
  // run logs averages the same steps as an uninterrupted run's. Zero in older checkpoints.
  double window_loss_sum = 0;
  std::int64_t window_correct = 0, window_strings = 0;
};

// Cost: one pass over parameters and optimizer state; files written atomically as above.
template <class S>
void save_checkpoint(const std::filesystem::path& dir, const Model<S>& model, const Optimizer<S>& opt,
                     const CheckpointState& state);

// The complete checkpoint at dir (or at dir.old after an interrupted swap); nullopt when none.
std::optional<std::filesystem::path> find_checkpoint(const std::filesystem::path& dir);

// Loads parameters and optimizer state into `model` and `opt` (whose config and options must
// match the checkpoint's); returns the saved state. Throws saturn::Error.
template <class S>
CheckpointState load_checkpoint(const std::filesystem::path& dir, Model<S>& model, Optimizer<S>& opt);

}  // namespace saturn

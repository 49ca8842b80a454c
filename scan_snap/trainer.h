// Training Tian et al.'s reparameterised model by SGD with separate rates for Z (attention) and Y
// (decoder), recording each class's attention over its key tokens as training goes.
//
// Recorded attention of a class: softmax over its support tokens of Z[token, query] — the
// attention a sequence holding each support token once would give (multiplicity-free, as in the
// paper's figures); its entropy falls as attention leaves common tokens ("scan"), and stops
// moving when the decoder's growth freezes Z ("snap"). freeze_step: the first recorded step from
// which the mean class entropy stays within `freeze_tolerance` (relative to its initial value) of
// its final value.
#pragma once

#include <cstdint>
#include <vector>

#include "scan_snap/data.h"
#include "scan_snap/model.h"

namespace saturn::scan_snap {

struct TrainOptions {
  int steps = 2000;
  int batch = 128;
  double lr_z = 1.0;       // attention (Z) learning rate
  double lr_ratio = 2.0;   // decoder rate / attention rate
  double momentum = 0.0;
  std::uint64_t seed = 1;
  int record_every = 50;
  double freeze_tolerance = 0.01;
};

struct ClassTrace {
  std::vector<std::vector<double>> attention;  // [record][support token] (Dataset::support order)
  std::vector<double> entropy;                 // [record]
};

struct TrainResult {
  std::vector<int> record_steps;
  std::vector<double> loss;                // [record] training loss of the batch at that step
  std::vector<double> mean_entropy;        // [record] mean over classes
  std::vector<ClassTrace> classes;
  double final_entropy = 0;                // mean class entropy at the end
  double final_accuracy = 0;               // on the last batch
  int freeze_step = 0;
  Model model;
  explicit TrainResult(int vocab) : model(vocab) {}
};

TrainResult train(const Dataset& data, const TrainOptions& options);

// Entropy (nats) of a class's recorded attention distribution under the model.
std::vector<double> class_attention(const Model& m, const Dataset& data, int klass);

}  // namespace saturn::scan_snap

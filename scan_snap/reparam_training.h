// Training Tian et al.'s reparameterised model by SGD with separate rates for Z (attention) and Y
// (decoder), recording each class's attention over its key tokens as training goes.
//
// Recorded attention of a class n (the paper's c_n; luckmatters scan_snap/figure_4_create.py,
// get_c): c_l ∝ P(l | n) exp(Z[l, q]) over the class's support tokens l — the expected attention
// a sequence of the class gives each token — or, with weight_by_probability = false, the
// multiplicity-free softmax of Z[l, q] over the support. Its entropy falls as attention leaves
// common tokens ("scan") and stops moving when the decoder's growth freezes Z ("snap").
// freeze_step: the first recorded step from which the mean class entropy stays within
// `freeze_tolerance` (relative to its initial value) of its final value.
#pragma once

#include <cstdint>
#include <vector>

#include "scan_snap/data.h"
#include "scan_snap/reparam_model.h"

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
  bool zero_init = true;               // false: Z, Y ~ U(-1/sqrt(M), 1/sqrt(M)) (torch nn.Linear), from seed
  bool weight_by_probability = true;   // recorded attention c_l ∝ P(l | class) exp(Z[l, q]) (else softmax of Z)
};

// Z and Y drawn U(-1/sqrt(M), 1/sqrt(M)) like torch.nn.Linear's default, from a stream of `seed`
// that no data sample uses.
void init_uniform(Model& m, std::uint64_t seed);

struct ClassTrace {
  std::vector<std::vector<double>> attention;  // [record][support token] (Dataset::support order)
  std::vector<double> entropy;                 // [record]
};

// What a training run records (the reparameterised model's and the transformer's alike).
struct Trace {
  std::vector<int> record_steps;
  std::vector<double> loss;                // [record] training loss of the batch at that step
  std::vector<double> mean_entropy;        // [record] mean over classes
  std::vector<ClassTrace> classes;
  double final_entropy = 0;                // mean class entropy at the end
  double final_accuracy = 0;               // on the last batch
  int freeze_step = 0;

  // Appends one record: each class's attention (one distribution per class) and the loss.
  void record(int step, double batch_loss, std::vector<std::vector<double>> attention);
  // Sets final_entropy and freeze_step from the records.
  void finish(double freeze_tolerance);
};

struct TrainResult : Trace {
  Model model;
  explicit TrainResult(int vocab) : model(vocab) {}
};

TrainResult train(const Dataset& data, const TrainOptions& options);

// A class's recorded attention under the model (Dataset::support order).
std::vector<double> class_attention(const Model& m, const Dataset& data, int klass, bool weight_by_probability = true);
// The recorded attention from the logits of the class's support tokens: softmax(logit + log P)
// (weighted) or softmax(logit).
std::vector<double> support_attention(const std::vector<double>& logits, const Dataset& data, int klass,
                                      bool weight_by_probability);
// Entropy (nats) of a distribution.
double entropy(const std::vector<double>& p);

}  // namespace saturn::scan_snap

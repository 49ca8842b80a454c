// Training metrics: the JSONL lines of metrics.jsonl and the progress line.
//
// One line every k steps (TrainOptions::log_every):
//   {"step", "loss", "accuracy"  (means over the strings since the previous line),
//    "lr", "grad_norm" (before clipping, of the last step), "param_norm",
//    "group_norms": {"embedding", "attention", "feed_forward", "layer_norm", "head"},
//    "attention_entropy": [[per head] per layer] (mean over the queries of the last batch, nats;
//      with the weights after the step when the step computed the loss only: ForwardScope::loss),
//    "examples_per_second"}
// and one line per evaluation: {"step", "eval": {name: {"loss", "accuracy", "strings"}}}.
// Norms are summed in double in a fixed order, so they do not depend on the thread count.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "transformer/model.h"

namespace saturn {

struct MetricsLine {
  std::int64_t step = 0;
  double loss = 0, accuracy = 0;
  double lr = 0, grad_norm = 0;
  double param_norm = 0;
  std::array<double, kNumParamGroups> group_norms{};
  std::vector<std::vector<double>> attention_entropy;  // [layer][head]
  double examples_per_second = 0;
};

nlohmann::ordered_json to_json(const MetricsLine& m);

// Every line of a JSONL file that parses, in order (a half-written last line is skipped; a
// missing file gives none).
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& path);

// L2 norm of every parameter group (index = ParamGroup), and the total in `total`.
template <class S>
std::array<double, kNumParamGroups> group_norms(const TensorTable& table, const S* params, double* total = nullptr);

// Running means of loss and accuracy over the strings of the steps since the last reset.
class MetricsWindow {
 public:
  void add(const StepStats& s) {
    loss_ += s.loss * s.strings;
    correct_ += s.correct;
    strings_ += s.strings;
  }
  double loss() const { return strings_ ? loss_ / static_cast<double>(strings_) : 0.0; }
  double accuracy() const { return strings_ ? static_cast<double>(correct_) / static_cast<double>(strings_) : 0.0; }
  void reset() { *this = MetricsWindow(); }
  // The sums behind loss() and accuracy(), so that a checkpoint can carry a window across a resume.
  double loss_sum() const { return loss_; }
  long correct() const { return correct_; }
  long strings() const { return strings_; }
  static MetricsWindow from_sums(double loss_sum, long correct, long strings) {
    MetricsWindow w;
    w.loss_ = loss_sum;
    w.correct_ = correct;
    w.strings_ = strings;
    return w;
  }

 private:
  double loss_ = 0;
  long correct_ = 0, strings_ = 0;
};

// metrics.jsonl, opened for appending. On resume (keep_until >= 0) the lines of steps after
// `keep_until` are dropped first (a crash may have logged steps the checkpoint does not have),
// as is a half-written last line; otherwise the file starts empty. Throws saturn::Error.
class MetricsLog {
 public:
  MetricsLog(const std::filesystem::path& path, std::int64_t keep_until);
  void write(const nlohmann::ordered_json& line);  // one line, flushed

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

// The live progress of a run (TrainOptions::on_progress).
struct Progress {
  std::int64_t step = 0, total = 0;
  double loss = 0, accuracy = 0, param_norm = 0, examples_per_second = 0;
  double eta_seconds = 0;
};
// "step 120/2000  loss 0.6931  acc 0.500  |theta| 12.34  5321 ex/s  ETA 35s"
std::string format_progress(const Progress& p);

}  // namespace saturn

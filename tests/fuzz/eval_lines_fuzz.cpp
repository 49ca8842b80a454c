// Fuzz target: the input lines of `saturn eval` (apps/cmd_eval.cpp) through the hand-built models
// of saturated_transformer/constructions. The first byte picks the model (mod 4) and the attention
// mode (/ 4, mod 6); the rest is read line by line as eval reads standard input: each line is
// parsed with the model's alphabet (the single-character tokens before <bos>; a bad character is
// refused), evaluated with attention kept, decided, and written as a JSON line.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "saturated_transformer/evaluator.h"
#include "saturated_transformer/model_weights.h"
#include "tests/fuzz/fuzz_support.h"

namespace {
using namespace saturn;

struct Loaded {
  ModelWeights weights;
  Alphabet alphabet;
};

const std::vector<Loaded>& models() {
  static const std::vector<Loaded> all = [] {
    std::vector<Loaded> v;
    for (const char* name : {"dyck1", "anbn", "anbncn", "majority"}) {
      auto w = load_model_weights(std::filesystem::path(SATURN_SOURCE_DIR) / "saturated_transformer/constructions" / name);
      std::string chars;
      for (int i = 0; i < w.config.bos_id; ++i) chars += w.config.tokens[static_cast<std::size_t>(i)];
      Alphabet a(chars);
      v.push_back({std::move(w), std::move(a)});
    }
    return v;
  }();
  return all;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kModes[] = {"softmax", "saturated", "hard", "hard_right", "temperature:10", "saturated:0.5"};
  const auto& m = models()[data[0] % 4];
  const Evaluator ev(m.weights, EvalMode::parse(kModes[(data[0] / 4) % 6]));
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  std::string line;
  while (std::getline(in, line)) {
    Word w;
    if (!fuzz::refused_or_done([&] { w = m.alphabet.parse(line); })) continue;
    fuzz::refused_or_done([&] {
      const auto r = ev.run(w, {true, false, false});
      nlohmann::ordered_json j;
      j["string"] = line;
      j["logit"] = r.readout_logit;
      j["accepted"] = ev.accepts(w);
      j["mode"] = ev.mode().str();
      j["layers"] = r.attention.size();
      fuzz::fuzz_check(!j.dump().empty(), "the JSON line is written");
    });
  }
  return 0;
}

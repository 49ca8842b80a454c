#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "core/error.h"
#include "saturated_transformer/evaluator.h"

namespace saturn::cli {

namespace {
struct EvalArgs {
  std::string model, input = "-", mode = "softmax";
  bool attention = false;
};

int run_eval(const EvalArgs& a) {
  const auto weights = load_model_for_strings(a.model);
  const Evaluator ev(weights, EvalMode::parse(a.mode));
  const auto& c = weights.config;
  // The alphabet: the single-character tokens before <bos>.
  std::string chars;
  for (int i = 0; i < c.bos_id; ++i) {
    if (c.tokens[static_cast<std::size_t>(i)].size() != 1)
      throw Error(fmt::format("{}: token {} '{}' is not a single character", a.model, i, c.tokens[static_cast<std::size_t>(i)]));
    chars += c.tokens[static_cast<std::size_t>(i)];
  }
  const Alphabet alphabet(chars);
  std::ifstream file;
  if (a.input != "-") {
    file.open(a.input);
    if (!file) throw Error(fmt::format("{}: cannot open file", a.input));
  }
  std::istream& in = a.input == "-" ? std::cin : file;
  inputs_checked();  // a bad line below is an InputError (2)
  std::string line;
  long line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    Word w;
    try {
      w = alphabet.parse(line);
    } catch (const Error& e) {
      throw InputError(a.input == "-" ? "<stdin>" : a.input, static_cast<int>(line_no), 0, "", e.what());
    }
    const auto r = ev.run(w, {a.attention, false});
    nlohmann::ordered_json j;
    j["string"] = line;
    if (c.head == HeadKind::classify) j["logit"] = r.readout_logit;
    else j["outputs"] = std::vector<std::vector<double>>();
    if (c.head != HeadKind::classify)
      for (long t = 0; t < r.logits.rows(); ++t)
        j["outputs"].push_back(std::vector<double>(r.logits.row(t).data(), r.logits.row(t).data() + r.logits.cols()));
    j["accepted"] = ev.accepts(w);
    j["mode"] = ev.mode().str();
    if (a.attention) {
      // Per layer, per head, per query: the attended positions (weight > 1e-5).
      nlohmann::json layers = nlohmann::json::array();
      for (const auto& heads : r.attention) {
        nlohmann::json hs = nlohmann::json::array();
        for (const auto& m : heads) {
          nlohmann::json rows = nlohmann::json::array();
          for (long t = 0; t < m.rows(); ++t) {
            std::vector<int> att;
            for (long k = 0; k < m.cols(); ++k)
              if (m(t, k) > 1e-5) att.push_back(static_cast<int>(k));
            rows.push_back(att);
          }
          hs.push_back(rows);
        }
        layers.push_back(hs);
      }
      j["attended"] = layers;
    }
    fmt::print("{}\n", j.dump());
  }
  return kOk;
}
}  // namespace

void register_eval(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("eval", "Evaluate a model on strings (one per line) in any attention mode, as JSONL");
  static EvalArgs a;
  cmd->add_option("-m,--model", a.model, "model directory (config.json + model.safetensors)")->required();
  cmd->add_option("-i,--input", a.input, "input file, or - for standard input (default)");
  cmd->add_option("--mode", a.mode, "softmax | temperature:C | scaled:RHO | saturated | saturated:TOL | hard_left (alias hard) | hard_right");
  cmd->add_flag("--attention", a.attention, "also print the attended positions per layer, head and query");
  cmd->callback([&action] { action = [] { return run_eval(a); }; });
}

}  // namespace saturn::cli

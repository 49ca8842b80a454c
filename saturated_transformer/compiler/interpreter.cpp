#include "saturated_transformer/compiler/interpreter.h"

#include <Eigen/Dense>
#include <fmt/format.h>

#include <algorithm>

#include "core/error.h"

namespace saturn {

namespace {

using Values = std::map<std::string, std::vector<double>>;

double eval(const Linear& l, const Values& v, int t) {
  double s = l.constant;
  for (const auto& [name, c] : l.terms) s += c * v.at(name)[static_cast<std::size_t>(t)];
  return s;
}

}  // namespace

ProgramTrace interpret(const Program& p, WordView word, const InterpretOptions& options) {
  const int n = static_cast<int>(word.size());
  if (n + 1 > p.max_len)
    throw Error(fmt::format("{}: a word of length {} does not fit max_len {}", p.name, n, p.max_len));
  const auto T = static_cast<std::size_t>(n + 1);
  ProgramTrace trace;
  Values& v = trace.values;
  for (char c : p.alphabet) v["tok:" + std::string(1, c)].assign(T, 0.0);
  v["bos"].assign(T, 0.0);
  v["bos"][0] = 1.0;
  for (int t = 1; t <= n; ++t) {
    const auto s = word[static_cast<std::size_t>(t - 1)];
    if (s >= p.alphabet.size()) throw Error(fmt::format("{}: symbol id {} is outside the alphabet", p.name, s));
    v["tok:" + std::string(1, p.alphabet[s])][static_cast<std::size_t>(t)] = 1.0;
  }
  for (const auto& pos : p.positions) {
    auto& col = v[pos.name];
    col.resize(T);
    for (int t = 0; t <= n; ++t) col[static_cast<std::size_t>(t)] = position_value(pos.feature, t);
  }
  Eigen::RowVectorXd scores(n + 1);
  for (const auto& layer : p.layers) {
    Values heads;  // every head reads the residual before the layer
    for (const auto& h : layer.heads) {
      // Each query's and key's side of every score pair, and each output's value, once per position.
      std::vector<std::vector<double>> q(h.selector.pairs.size()), k(h.selector.pairs.size()), val(h.outputs.size());
      for (std::size_t pi = 0; pi < h.selector.pairs.size(); ++pi)
        for (int t = 0; t <= n; ++t) {
          q[pi].push_back(eval(h.selector.pairs[pi].query, v, t));
          k[pi].push_back(eval(h.selector.pairs[pi].key, v, t));
        }
      for (std::size_t oi = 0; oi < h.outputs.size(); ++oi) {
        for (int t = 0; t <= n; ++t) val[oi].push_back(eval(h.outputs[oi].value, v, t));
        heads[h.outputs[oi].var].assign(T, 0.0);
      }
      for (int i = 0; i <= n; ++i) {
        const int keys = p.causal ? i + 1 : n + 1;
        auto w = scores.head(keys);
        for (int j = 0; j < keys; ++j) {
          double s = 0;
          for (std::size_t pi = 0; pi < q.size(); ++pi) s += q[pi][static_cast<std::size_t>(i)] * k[pi][static_cast<std::size_t>(j)];
          w[j] = s;
        }
        tie_weights(w, options.pick);
        for (std::size_t oi = 0; oi < h.outputs.size(); ++oi) {
          double mean = 0;
          for (int j = 0; j < keys; ++j)
            if (w[j] != 0) mean += w[j] * val[oi][static_cast<std::size_t>(j)];
          heads[h.outputs[oi].var][static_cast<std::size_t>(i)] = mean;
        }
      }
    }
    for (auto& [name, col] : heads) v[name] = std::move(col);
    Values mlps;  // every mlp reads the residual after the layer's heads
    for (const auto& m : layer.mlps) {
      auto& col = mlps[m.var];
      col.assign(T, 0.0);
      for (int t = 0; t <= n; ++t) {
        double s = m.constant;
        for (const auto& term : m.terms) {
          const double a = eval(term.arg, v, t);
          s += term.coefficient * (term.relu ? std::max(a, 0.0) : a);
        }
        col[static_cast<std::size_t>(t)] = s;
      }
    }
    for (auto& [name, col] : mlps) v[name] = std::move(col);
  }
  const int r = p.readout == ClassifyReadout::bos ? 0 : n;
  trace.logit = eval(p.accept, v, r);
  trace.accepted = trace.logit > 0;
  return trace;
}

}  // namespace saturn

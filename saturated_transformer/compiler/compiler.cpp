#include "saturated_transformer/compiler/compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/enumerate.h"
#include "core/error.h"
#include "saturated_transformer/compiler/interpreter.h"
#include "saturated_transformer/evaluator.h"

namespace saturn {

namespace {

// The residual dimensions a head's value slots copy, in slot order, and whether one more slot
// holds the constant 1 (the value bias) for outputs with a constant term.
struct ValueSlots {
  std::vector<int> dims;
  bool constant = false;
  int size() const { return static_cast<int>(dims.size()) + (constant ? 1 : 0); }
};

ValueSlots value_slots(const Head& h, const std::map<std::string, int>& dim_of, int vocab) {
  std::set<int> dims;
  ValueSlots s;
  for (const auto& o : h.outputs) {
    for (const auto& [name, c] : o.value.terms) {
      const int d = dim_of.at(name);
      if (d < vocab)
        for (int i = 0; i < vocab; ++i) dims.insert(i);  // the token block travels whole
      else
        dims.insert(d);
    }
    if (o.value.constant != 0) s.constant = true;
  }
  s.dims.assign(dims.begin(), dims.end());
  return s;
}

int mlp_units(const Mlp& m) {
  int u = 0;
  for (const auto& t : m.terms) u += t.relu ? 1 : 2;
  return u;
}

// Writes a linear expression into row `row` of a weight matrix (columns = residual dims) and its
// constant into `bias` (when given).
void write_linear(const Linear& l, const std::map<std::string, int>& dim_of, Eigen::MatrixXd& w, int row,
                  Eigen::MatrixXd* bias, double scale = 1.0) {
  for (const auto& [name, c] : l.terms) w(row, dim_of.at(name)) += scale * c;
  if (l.constant != 0) {
    if (!bias) throw Error("internal: a constant where the model has no bias");
    (*bias)(row, 0) += scale * l.constant;
  }
}

std::string shown(const std::string& source) {
  return source.rfind("tok:", 0) == 0 ? fmt::format("tok('{}')", source.substr(4)) : source;
}

std::string selector_text(const Selector& s) {
  switch (s.kind) {
    case Selector::Kind::all: return "all";
    case Selector::Kind::max: return "max " + to_string(s.pairs[0].key);
    case Selector::Kind::score: {
      std::string out = "score";
      for (std::size_t p = 0; p < s.pairs.size(); ++p)
        out += fmt::format("{} [{}] * [{}]", p ? " +" : "", to_string(s.pairs[p].query), to_string(s.pairs[p].key));
      return out;
    }
  }
  return "";
}

std::string mlp_text(const Mlp& m) {
  std::string out;
  for (const auto& t : m.terms) {
    const std::string body = t.relu ? "relu(" + to_string(t.arg) + ")" : to_string(t.arg);
    if (t.coefficient == 1) out += (out.empty() ? "" : " + ") + body;
    else if (t.coefficient == -1) out += (out.empty() ? "-" : " - ") + body;
    else out += fmt::format("{}{:g} {}", out.empty() ? "" : (t.coefficient < 0 ? " - " : " + "),
                            out.empty() ? t.coefficient : std::abs(t.coefficient), body);
  }
  if (m.constant != 0) out += fmt::format(" {} {:g}", m.constant < 0 ? "-" : "+", std::abs(m.constant));
  return out;
}

}  // namespace

CompiledProgram compile_program(const Program& p) {
  CompiledProgram out;
  auto& layout = out.layout;
  auto& dim_of = out.dim_of;
  const int vocab = static_cast<int>(p.alphabet.size()) + 1;
  for (int i = 0; i + 1 < vocab; ++i) {
    const std::string src = "tok:" + std::string(1, p.alphabet[static_cast<std::size_t>(i)]);
    dim_of[src] = i;
    layout.push_back({i, shown(src), "embedding", fmt::format("1 where the symbol is '{}'", p.alphabet[static_cast<std::size_t>(i)])});
  }
  dim_of["bos"] = vocab - 1;
  layout.push_back({vocab - 1, "bos", "embedding", "1 at BOS (position 0)"});
  for (const auto& pos : p.positions) {
    dim_of[pos.name] = static_cast<int>(layout.size());
    layout.push_back({static_cast<int>(layout.size()), pos.name, "positions", to_string(pos.feature)});
  }
  // Who writes each variable, for the report.
  std::map<std::string, std::pair<std::string, std::string>> origin;
  int n_heads = 1, slots = 1, d_ff = 1;
  for (std::size_t li = 0; li < p.layers.size(); ++li) {
    const auto& layer = p.layers[li];
    n_heads = std::max(n_heads, static_cast<int>(layer.heads.size()));
    for (std::size_t hi = 0; hi < layer.heads.size(); ++hi)
      for (const auto& o : layer.heads[hi].outputs)
        origin[o.var] = {fmt::format("layer {} head {}", li, hi),
                         fmt::format("mean of {} over {}", to_string(o.value), selector_text(layer.heads[hi].selector))};
    int units = 0;
    for (const auto& m : layer.mlps) {
      const int u = mlp_units(m);
      origin[m.var] = {u == 1 ? fmt::format("layer {} mlp unit {}", li, units) : fmt::format("layer {} mlp units {}-{}", li, units, units + u - 1),
                       mlp_text(m)};
      units += u;
    }
    d_ff = std::max(d_ff, units);
  }
  for (const auto& v : p.layout) {
    dim_of[v] = static_cast<int>(layout.size());
    layout.push_back({static_cast<int>(layout.size()), v, origin.at(v).first, origin.at(v).second});
  }
  for (const auto& layer : p.layers)
    for (const auto& h : layer.heads)
      slots = std::max({slots, static_cast<int>(h.selector.pairs.size()), value_slots(h, dim_of, vocab).size()});
  const int used = static_cast<int>(layout.size());
  int d = std::max(used, n_heads * slots);
  d = (d + n_heads - 1) / n_heads * n_heads;
  for (int i = used; i < d; ++i) layout.push_back({i, "(padding)", "", "0 everywhere"});

  ModelWeights& w = out.weights;
  auto& c = w.config;
  for (char ch : p.alphabet) c.tokens.push_back(std::string(1, ch));
  c.tokens.push_back("<bos>");
  c.vocab = vocab;
  c.bos_id = vocab - 1;
  c.d_model = d;
  c.n_layers = static_cast<int>(p.layers.size());
  c.n_heads = n_heads;
  c.d_ff = d_ff;
  c.activation = Activation::relu;
  c.layer_norm = LayerNormMode::none;
  c.ln = {AttnLnPlace::none, false, false};
  c.ln_eps = 0;
  c.attn_bias = true;
  c.positional = p.positions.empty() ? Positional::none : Positional::learned;
  c.max_len = p.max_len;
  c.causal = p.causal;
  c.head = HeadKind::classify;
  c.readout = p.readout;
  c.readout_scale = 1.0;
  c.n_outputs = 1;
  c.validate();
  for (const auto& [name, shape] : ModelWeights::expected_tensors(c))
    w.tensors[name] = Eigen::MatrixXd::Zero(shape[0], shape.size() == 2 ? shape[1] : 1);

  auto& embed = w.tensors.at("embed.weight");
  for (int i = 0; i < vocab; ++i) embed(i, i) = 1.0;
  if (!p.positions.empty()) {
    auto& pos = w.tensors.at("pos.weight");
    for (const auto& f : p.positions)
      for (int t = 0; t < p.max_len; ++t) pos(t, dim_of.at(f.name)) = position_value(f.feature, t);
  }
  const int dh = d / n_heads;
  for (std::size_t li = 0; li < p.layers.size(); ++li) {
    const auto& layer = p.layers[li];
    const auto pre = fmt::format("layers.{}.", li);
    auto& wq = w.tensors.at(pre + "attn.q.weight");
    auto& bq = w.tensors.at(pre + "attn.q.bias");
    auto& wk = w.tensors.at(pre + "attn.k.weight");
    auto& bk = w.tensors.at(pre + "attn.k.bias");
    auto& wv = w.tensors.at(pre + "attn.v.weight");
    auto& bv = w.tensors.at(pre + "attn.v.bias");
    auto& wo = w.tensors.at(pre + "attn.o.weight");
    for (std::size_t hi = 0; hi < layer.heads.size(); ++hi) {
      const auto& h = layer.heads[hi];
      const int base = static_cast<int>(hi) * dh;
      for (std::size_t pi = 0; pi < h.selector.pairs.size(); ++pi) {
        write_linear(h.selector.pairs[pi].query, dim_of, wq, base + static_cast<int>(pi), &bq);
        write_linear(h.selector.pairs[pi].key, dim_of, wk, base + static_cast<int>(pi), &bk);
      }
      const auto vs = value_slots(h, dim_of, vocab);
      std::map<int, int> slot_of;
      for (std::size_t s = 0; s < vs.dims.size(); ++s) {
        wv(base + static_cast<int>(s), vs.dims[s]) = 1.0;
        slot_of[vs.dims[s]] = base + static_cast<int>(s);
      }
      const int const_slot = base + static_cast<int>(vs.dims.size());
      if (vs.constant) bv(const_slot, 0) = 1.0;
      for (const auto& o : h.outputs) {
        const int dst = dim_of.at(o.var);
        for (const auto& [name, coef] : o.value.terms) wo(dst, slot_of.at(dim_of.at(name))) += coef;
        if (o.value.constant != 0) wo(dst, const_slot) += o.value.constant;
      }
    }
    auto& w1 = w.tensors.at(pre + "ffn.fc1.weight");
    auto& b1 = w.tensors.at(pre + "ffn.fc1.bias");
    auto& w2 = w.tensors.at(pre + "ffn.fc2.weight");
    auto& b2 = w.tensors.at(pre + "ffn.fc2.bias");
    int u = 0;
    for (const auto& m : layer.mlps) {
      const int dst = dim_of.at(m.var);
      for (const auto& t : m.terms) {
        write_linear(t.arg, dim_of, w1, u, &b1);
        w2(dst, u) = t.coefficient;
        ++u;
        if (!t.relu) {  // x = relu(x) - relu(-x)
          write_linear(t.arg, dim_of, w1, u, &b1, -1.0);
          w2(dst, u) = -t.coefficient;
          ++u;
        }
      }
      if (m.constant != 0) b2(dst, 0) += m.constant;
    }
  }
  write_linear(p.accept, dim_of, w.tensors.at("head.weight"), 0, &w.tensors.at("head.bias"));
  w.validate();
  return out;
}

std::string layout_report(const Program& p, const CompiledProgram& compiled) {
  const auto& c = compiled.weights.config;
  std::string out = fmt::format(
      "program {} ({}): {} layer(s), d_model {}, {} head(s) per layer (d_head {}), d_ff {}, {}, positions {}, readout {}, "
      "max_len {}\n",
      p.name, p.language.empty() ? "no language given" : p.language, c.n_layers, c.d_model, c.n_heads, c.d_head(), c.d_ff,
      c.causal ? "causal" : "bidirectional", to_string(c.positional), to_string(c.readout), c.max_len);
  out += "\nresidual stream\n";
  std::size_t wn = 4, ww = 10;
  for (const auto& e : compiled.layout) wn = std::max(wn, e.name.size()), ww = std::max(ww, e.written_by.size());
  out += fmt::format("  {:>3}  {:<{}}  {:<{}}  {}\n", "dim", "name", wn, "written by", ww, "value");
  for (const auto& e : compiled.layout)
    out += fmt::format("  {:>3}  {:<{}}  {:<{}}  {}\n", e.dim, e.name, wn, e.written_by, ww, e.meaning);
  out += "\nheads\n";
  const int vocab = c.vocab, dh = c.d_head();
  for (std::size_t li = 0; li < p.layers.size(); ++li)
    for (std::size_t hi = 0; hi < p.layers[li].heads.size(); ++hi) {
      const auto& h = p.layers[li].heads[hi];
      const auto vs = value_slots(h, compiled.dim_of, vocab);
      const int base = static_cast<int>(hi) * dh;
      std::string slots;
      for (std::size_t s = 0; s < vs.dims.size(); ++s)
        slots += fmt::format("{}{}<-{}", s ? " " : "", base + static_cast<int>(s), compiled.layout[static_cast<std::size_t>(vs.dims[s])].name);
      if (vs.constant) slots += fmt::format(" {}<-1", base + static_cast<int>(vs.dims.size()));
      const auto pairs = static_cast<int>(h.selector.pairs.size());
      const auto qk = pairs == 0 ? std::string("none (uniform)") : fmt::format("{}..{}", base, base + pairs - 1);
      out += fmt::format("  layer {} head {}: {}; q/k slots {}; value slots {}\n", li, hi, selector_text(h.selector), qk, slots);
    }
  out += fmt::format("\nclassifier: accept when {} > 0 at the {} position\n", to_string(p.accept),
                     p.readout == ClassifyReadout::bos ? "BOS" : "last");
  return out;
}

namespace {

struct DiffAcc {
  std::uint64_t words = 0, decisions = 0, values = 0, ties = 0;
  std::string first;
};

bool close(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)}); }

}  // namespace

DifferentialReport check_against_interpreter(const Program& p, const CompiledProgram& compiled, int max_length, EvalMode mode) {
  const Evaluator ev(compiled.weights, mode);
  InterpretOptions io;
  io.pick = mode.kind == EvalMode::Kind::hard_left    ? TiePick::leftmost
            : mode.kind == EvalMode::Kind::hard_right ? TiePick::rightmost
                                                      : TiePick::all;
  const auto vars = p.variables();
  const int k = static_cast<int>(p.alphabet.size());
  DifferentialReport report;
  EvalOptions keep;
  keep.hidden = true;
  for (int n = 0; n <= max_length; ++n) {
    const auto acc = reduce_words(
        k, n, DiffAcc{},
        [&](WordView word, DiffAcc& a) {
          ++a.words;
          const auto trace = interpret(p, word, io);
          const auto r = ev.run(word, keep);
          const auto& h = r.hidden.back();
          const std::string text = word.empty() ? "ε" : [&] {
            std::string s;
            for (auto sym : word) s += p.alphabet[sym];
            return s;
          }();
          std::string why;
          const bool logits_close = close(r.readout_logit, trace.logit);
          if ((r.readout_logit > 0) != trace.accepted && logits_close) ++a.ties;
          if ((r.readout_logit > 0) != trace.accepted && !logits_close) {
            ++a.decisions;
            why = fmt::format("'{}': interpreter {} (logit {:.17g}), model {} (logit {:.17g})", text,
                              trace.accepted ? "accepts" : "rejects", trace.logit, r.readout_logit > 0 ? "accepts" : "rejects",
                              r.readout_logit);
          }
          bool value_differs = !logits_close;
          if (value_differs && why.empty())
            why = fmt::format("'{}': logit {:.17g} (interpreter) vs {:.17g} (model)", text, trace.logit, r.readout_logit);
          for (const auto& v : vars) {
            const auto& col = trace.values.at(v);
            const int dim = compiled.dim_of.at(v);
            for (long t = 0; t < h.rows(); ++t)
              if (!close(col[static_cast<std::size_t>(t)], h(t, dim))) {
                if (why.empty())
                  why = fmt::format("'{}': variable {} at position {}: {:.17g} (interpreter) vs {:.17g} (model)", text, v, t,
                                    col[static_cast<std::size_t>(t)], h(t, dim));
                value_differs = true;
                break;
              }
          }
          if (value_differs) ++a.values;
          if (a.first.empty()) a.first = why;
        },
        [](DiffAcc a, DiffAcc b) {
          a.words += b.words, a.decisions += b.decisions, a.values += b.values, a.ties += b.ties;
          if (a.first.empty()) a.first = std::move(b.first);
          return a;
        });
    report.words += acc.words;
    report.decision_mismatches += acc.decisions;
    report.value_mismatches += acc.values;
    report.rounding_ties += acc.ties;
    if (report.first_mismatch.empty()) report.first_mismatch = acc.first;
  }
  return report;
}

}  // namespace saturn

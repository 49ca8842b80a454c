// saturn.Model: model directories (transformer/model_dir.h), parameters as numpy views of the
// flat buffer by their PyTorch names, and evaluation of a batch of strings in any attention mode
// through the simulator (saturated_transformer/evaluator.h), as `saturn eval` does.
#include <fmt/format.h>

#include "common.h"
#include "core/error.h"
#include "core/parallel.h"
#include "saturated_transformer/evaluator.h"
#include "transformer/config_json.h"
#include "transformer/model_dir.h"
#include "transformer/safetensors.h"

namespace saturn::python {

const ModelConfig& PyModel::config() const {
  return std::visit([](const auto& m) -> const ModelConfig& { return m.config; }, model);
}

const TensorTable& PyModel::table() const {
  return std::visit([](const auto& m) -> const TensorTable& { return m.table; }, model);
}

ModelWeights PyModel::weights() const {
  return std::visit([](const auto& m) { return to_weights(m.config, m.table, m.params.data()); }, model);
}

namespace {

// The numpy dtype name of a model: "float32" or "float64".
std::string dtype_name(const PyModel& m) { return m.is_double() ? "float64" : "float32"; }

bool wants_double(const std::string& dtype) {
  if (dtype == "float64" || dtype == "double") return true;
  if (dtype == "float32" || dtype == "float") return false;
  throw Error(fmt::format("dtype '{}': expected 'float32' or 'float64'", dtype));
}

PyModel load(const std::string& dir, const py::object& dtype) {
  bool dbl = false;
  load_config(dir);  // a missing or bad config.json is named before the weights are read
  if (dtype.is_none()) {  // the dtype the file stores (F64 when any tensor is F64)
    const auto file = read_safetensors(std::filesystem::path(dir) / "model.safetensors");
    for (const auto& [_, t] : file.tensors) dbl = dbl || t.dtype == Dtype::f64;
  } else {
    dbl = wants_double(dtype.cast<std::string>());
  }
  py::gil_scoped_release release;
  if (dbl) return PyModel{load_model_dir<double>(dir)};
  return PyModel{load_model_dir<float>(dir)};
}

PyModel make(const py::handle& config, std::uint64_t seed, const std::string& dtype) {
  const ModelConfig c = config_from_json(to_json(config), "config");
  if (wants_double(dtype)) {
    Model<double> m(c);
    m.init(seed);
    return PyModel{std::move(m)};
  }
  Model<float> m(c);
  m.init(seed);
  return PyModel{std::move(m)};
}

// Every tensor as a numpy view of the flat buffer (shape from the table), in table order; the
// views keep the model alive and write through to it.
py::dict parameters(const py::object& self) {
  auto& m = self.cast<PyModel&>();
  py::dict out;
  std::visit(
      [&](auto& model) {
        using S = std::remove_reference_t<decltype(model.params[0])>;
        for (const auto& spec : model.table.specs()) {
          std::vector<py::ssize_t> shape(spec.shape.begin(), spec.shape.end());
          out[py::str(spec.name)] = py::array_t<S>(shape, model.params.data() + spec.offset, self);
        }
      },
      m.model);
  return out;
}

// Evaluates strings under one mode (as `saturn eval`): padded arrays over (B, T), T = 1 + the
// longest string (<bos> first); padding is zero and `mask` marks the real positions.
py::dict evaluate(const PyModel& m, const std::vector<std::string>& strings, const std::string& mode_text,
                  bool attention, bool hidden) {
  const auto weights = m.weights();
  const auto tok = Tokenizer::of_config(weights.config);
  const auto words = tok.words(strings);
  const auto mode = EvalMode::parse(mode_text);
  const auto& c = weights.config;
  std::vector<EvalResult> results(words.size());
  std::vector<char> accepted(words.size());
  {
    py::gil_scoped_release release;
    const Evaluator ev(weights, mode);
    for (const auto& w : words)
      if (static_cast<int>(w.size()) + 1 > c.max_len)
        throw Error(fmt::format("a string of length {} does not fit the model's max_len {} (<bos> included)", w.size(),
                                c.max_len));
    parallel_chunks(0, words.size(), 1, [&](std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i) {
        results[i] = ev.run(words[i], {attention, hidden});
        accepted[i] = ev.accepts(words[i]);
      }
    });
  }
  const std::size_t B = words.size(), L = static_cast<std::size_t>(c.n_layers), H = static_cast<std::size_t>(c.n_heads);
  std::size_t T = 1;
  for (const auto& w : words) T = std::max(T, w.size() + 1);
  const std::size_t n_out = static_cast<std::size_t>(c.n_outputs), d = static_cast<std::size_t>(c.d_model);
  py::array_t<double> logits({B, T, n_out});
  py::array_t<bool> mask({B, T});
  py::array_t<bool> acc(B);
  py::array_t<double> gap(B);
  std::fill_n(logits.mutable_data(), logits.size(), 0.0);
  auto lg = logits.mutable_unchecked<3>();
  auto mk = mask.mutable_unchecked<2>();
  for (std::size_t b = 0; b < B; ++b) {
    const auto& r = results[b];
    for (std::size_t t = 0; t < T; ++t) {
      mk(b, t) = t < static_cast<std::size_t>(r.logits.rows());
      if (mk(b, t))
        for (std::size_t o = 0; o < n_out; ++o) lg(b, t, o) = r.logits(static_cast<long>(t), static_cast<long>(o));
    }
    acc.mutable_at(b) = accepted[b] != 0;
    gap.mutable_at(b) = r.min_score_gap;
  }
  py::dict out;
  out["mode"] = mode.str();
  out["logits"] = logits;
  out["mask"] = mask;
  out["accepted"] = acc;
  out["min_score_gap"] = gap;
  if (c.head == HeadKind::classify) {
    py::array_t<double> readout(B);
    for (std::size_t b = 0; b < B; ++b) readout.mutable_at(b) = results[b].readout_logit;
    out["readout_logit"] = readout;
  }
  if (attention) {  // (B, L, H, T, T) [query][key]
    py::array_t<double> att({B, L, H, T, T});
    std::fill_n(att.mutable_data(), att.size(), 0.0);
    auto a = att.mutable_unchecked<5>();
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t l = 0; l < L; ++l)
        for (std::size_t h = 0; h < H; ++h) {
          const auto& w = results[b].attention[l][h];
          for (long q = 0; q < w.rows(); ++q)
            for (long k = 0; k < w.cols(); ++k)
              a(b, l, h, static_cast<std::size_t>(q), static_cast<std::size_t>(k)) = w(q, k);
        }
    out["attention"] = att;
  }
  if (hidden) {  // (B, L + 1, T, d): after the embedding and after every layer
    py::array_t<double> hs({B, L + 1, T, d});
    std::fill_n(hs.mutable_data(), hs.size(), 0.0);
    auto h = hs.mutable_unchecked<4>();
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t l = 0; l <= L; ++l) {
        const auto& x = results[b].hidden[l];
        for (long t = 0; t < x.rows(); ++t)
          for (long j = 0; j < x.cols(); ++j) h(b, l, static_cast<std::size_t>(t), static_cast<std::size_t>(j)) = x(t, j);
      }
    out["hidden"] = hs;
  }
  return out;
}

}  // namespace

void bind_models(py::module_& m) {
  py::class_<PyModel>(m, "Model",
                      "A transformer (transformer/config.h): load/save model directories, parameters by their "
                      "PyTorch names, evaluation in any attention mode")
      .def(py::init(&make), py::arg("config"), py::arg("seed") = 1, py::arg("dtype") = "float32",
           "a freshly initialised model of a config dict (the fields of config.json)")
      .def_static("load", &load, py::arg("dir"), py::arg("dtype") = py::none(),
                  "a model directory (config.json + model.safetensors); dtype None keeps the file's (F64 -> float64)")
      .def(
          "save",
          [](const PyModel& self, const std::string& dir) {
            py::gil_scoped_release release;
            std::visit([&](const auto& model) { save_model_dir(dir, model); }, self.model);
          },
          py::arg("dir"), "writes config.json and model.safetensors (in the model's dtype)")
      .def_property_readonly("config", [](const PyModel& self) { return to_python(config_to_json(self.config())); })
      .def_property_readonly("dtype", &dtype_name)
      .def_property_readonly("num_parameters", [](const PyModel& self) { return self.table().total_size(); })
      .def_property_readonly("parameter_names",
                             [](const PyModel& self) {
                               std::vector<std::string> names;
                               for (const auto& s : self.table().specs()) names.push_back(s.name);
                               return names;
                             })
      .def("parameters", &parameters,
           "{PyTorch name: numpy array}: views of the model's buffer (no copy; writing to them changes the model)")
      .def_property_readonly("tokenizer", [](const PyModel& self) { return Tokenizer::of_config(self.config()); })
      .def("evaluate", &evaluate, py::arg("strings"), py::arg("mode") = "softmax", py::arg("attention") = false,
           py::arg("hidden") = false,
           "evaluates strings in an attention mode (softmax, temperature:C, scaled:RHO, saturated, saturated:TOL, "
           "hard_left, hard_right): a dict of padded numpy arrays (B, T, ...) with 'mask'")
      .def(
          "accepts",
          [](const PyModel& self, const std::vector<std::string>& strings, const std::string& mode) {
            return evaluate(self, strings, mode, false, false)["accepted"];
          },
          py::arg("strings"), py::arg("mode") = "softmax", "the model's decisions (bool array)")
      .def("__repr__", [](const PyModel& self) {
        const auto& c = self.config();
        return fmt::format("saturn.Model(d_model={}, n_layers={}, n_heads={}, head={}, {} parameters, {})", c.d_model,
                           c.n_layers, c.n_heads, to_string(c.head), self.table().total_size(), dtype_name(self));
      });
}

}  // namespace saturn::python

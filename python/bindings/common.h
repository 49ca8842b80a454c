// Shared pieces of the `_saturn` extension (docs/python.md): one bind_* function per area, each in
// its own file, and the conversions every area uses. The bindings are thin: they turn Python
// arguments into the C++ libraries' structs, call them (with the GIL released where they run for a
// while) and turn the results into Python ints, strings, numpy arrays and dicts.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bigint.h"
#include "core/word.h"
#include "languages/language.h"
#include "saturated_transformer/model_weights.h"
#include "transformer/model.h"

namespace saturn::python {

namespace py = pybind11;

void bind_languages(py::module_& m);
void bind_tasks(py::module_& m);
void bind_models(py::module_& m);
void bind_analyses(py::module_& m);
void bind_training(py::module_& m);

// An exact Python int.
py::int_ to_python(const BigInt& x);
// JSON to Python objects (through the json module, so numbers, lists and dicts come out as usual).
py::object to_python(const nlohmann::ordered_json& j);
nlohmann::json to_json(const py::handle& o);

// A language given as a Language object or as a spec string.
LanguagePtr language_arg(const py::handle& o);

// Maps strings to token ids: symbol i of `alphabet` is token i (the layout of model files:
// alphabet symbols first, then <bos>, ..., docs/model-files.md), and every string gets <bos>
// first.
struct Tokenizer {
  std::vector<std::string> tokens;  // in id order
  int bos_id = -1;
  int eos_id = -1;                  // -1: none
  Alphabet alphabet;                // the single-character tokens below bos_id

  static Tokenizer of_config(const ModelConfig& c);  // throws saturn::Error on a multi-character symbol token
  static Tokenizer of_language(const Language& lang, bool eos);
  std::vector<Word> words(const std::vector<std::string>& strings) const;  // Alphabet::parse each
  // (ids (B, Tmax) int64 with <bos> first and pad_id after the end, mask (B, Tmax) bool).
  py::tuple encode(const std::vector<std::string>& strings, std::int64_t pad_id) const;
  std::vector<std::string> decode(const py::array_t<std::int64_t>& ids, const py::object& mask) const;
};

// A model as the package holds it: the trainable model's flat parameter buffer in the dtype it
// was loaded or trained in (parameters are numpy views of that buffer).
struct PyModel {
  std::variant<Model<float>, Model<double>> model;

  const ModelConfig& config() const;
  const TensorTable& table() const;
  bool is_double() const { return model.index() == 1; }
  ModelWeights weights() const;  // in double, for the evaluator and the analyses
};

}  // namespace saturn::python

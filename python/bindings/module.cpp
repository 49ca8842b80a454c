// The `_saturn` extension module: exceptions and the areas' bindings (docs/python.md).
#include "common.h"
#include "core/error.h"
#include "core/version.h"
#include "transformer/layers/gemm.h"
#include "transformer/trainer.h"

namespace saturn::python {

py::int_ to_python(const BigInt& x) {
  const std::string digits = to_string(x);
  return py::reinterpret_steal<py::int_>(PyLong_FromString(digits.c_str(), nullptr, 10));
}

py::object to_python(const nlohmann::ordered_json& j) {
  return py::module_::import("json").attr("loads")(j.dump());
}

nlohmann::json to_json(const py::handle& o) {
  const std::string text = py::str(py::module_::import("json").attr("dumps")(o));
  return nlohmann::json::parse(text);
}

}  // namespace saturn::python

PYBIND11_MODULE(_saturn, m) {
  namespace py = pybind11;
  using namespace saturn::python;
  m.doc() = "Saturn's C++ libraries (languages, tasks, models, verifier, analyses, training); see docs/python.md";
  // saturn::Error is bad input or a failure the user can act on: a ValueError in Python. Translators
  // registered later are tried first, so the derived errors come after their base.
  auto& error = py::register_exception<saturn::Error>(m, "Error", PyExc_ValueError);
  py::register_exception<saturn::NoMembersError>(m, "NoMembersError", error.ptr());
  py::register_exception<saturn::DivergedError>(m, "DivergedError", error.ptr());
  m.attr("git_revision") = saturn::git_revision();
  m.attr("gemm_backend") = saturn::gemm_backend();
  bind_languages(m);
  bind_tasks(m);
  bind_models(m);
  bind_analyses(m);
  bind_training(m);
}

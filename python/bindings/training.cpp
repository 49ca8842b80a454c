// Training a language task from Python (harness/kinds/language/train.h): the GIL is released while
// the C++ trainer runs; the progress callback is called (with the GIL) after every periodic
// evaluation.
#include <fmt/format.h>

#include "common.h"
#include "core/error.h"
#include "harness/kinds/language/train.h"
#include "harness/task_file.h"

namespace saturn::python {

namespace {

py::dict scores_dict(const std::vector<EvalScore>& scores) {
  py::dict d;
  for (const auto& s : scores) {
    py::dict e;
    e["loss"] = s.loss;
    e["accuracy"] = s.accuracy;
    e["strings"] = s.strings;
    d[py::str(s.name)] = e;
  }
  return d;
}

py::tuple train(const std::string& task_name, const std::string& tasks, const std::vector<std::string>& overrides,
                const std::string& out, int threads, const py::object& eval_every, const py::object& callback) {
  const auto file = load_task_file(tasks, overrides, 0, "", task_name);
  const auto& task = language_spec(file.task(task_name));
  TrainTaskOptions o;
  o.out = out;
  o.threads = threads;
  if (!eval_every.is_none()) {
    o.eval_every = eval_every.cast<int>();
    if (o.eval_every < 0) throw Error("train: eval_every must be >= 0");
  }
  if (!callback.is_none()) {
    o.on_eval = [&callback](std::int64_t step, const Model<float>&, const std::vector<Split>&,
                            const std::vector<EvalScore>& scores) {
      py::gil_scoped_acquire gil;
      callback(step, scores_dict(scores));
    };
  }
  std::optional<TrainedTask> trained;
  {
    py::gil_scoped_release release;
    trained.emplace(train_task(task, o));
  }
  const auto summary = training_summary(task, *trained, threads);
  return py::make_tuple(PyModel{std::move(trained->model)}, to_python(summary));
}

}  // namespace

void bind_training(py::module_& m) {
  m.def("_train", &train, py::arg("task"), py::arg("tasks") = "tasks.yaml",
        py::arg("overrides") = std::vector<std::string>{}, py::arg("out") = "", py::arg("threads") = 0,
        py::arg("eval_every") = py::none(), py::arg("callback") = py::none());
}

}  // namespace saturn::python

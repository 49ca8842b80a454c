// Task files (harness/task_file.h) and a language task's splits (harness/kinds/language/splits.h):
// the labelled strings `saturn sample --task` prints, as numpy arrays with the task's tokenizer.
#include <fmt/format.h>

#include "common.h"
#include "core/error.h"
#include "harness/kinds/language/batches.h"
#include "harness/kinds/language/splits.h"
#include "harness/task_file.h"
#include "languages/registry.h"
#include "transformer/config_json.h"

namespace saturn::python {

namespace {

struct PySplit {
  std::string name;
  LengthRange lengths;
  std::vector<std::string> strings;
  std::vector<char> members;
  std::vector<std::string> kinds;  // member | uniform_nonmember | near_miss
  Tokenizer tokenizer;
};

std::vector<PySplit> task_splits(const TaskFile& file, const std::string& name) {
  const auto& task = language_spec(file.task(name));
  const auto lang = make_language(task.language);
  const auto tok = Tokenizer::of_config(model_config_for(task, *lang));
  std::vector<Split> splits;
  {
    py::gil_scoped_release release;
    splits = make_task_splits(*lang, task);
  }
  std::vector<PySplit> out;
  for (const auto& s : splits) {
    PySplit p{s.name, s.lengths, {}, {}, {}, tok};
    for (const auto& ex : s.examples) {
      p.strings.push_back(lang->alphabet().to_string(ex.word));
      p.members.push_back(ex.member);
      p.kinds.push_back(example_kind_name(ex.kind));
    }
    out.push_back(std::move(p));
  }
  return out;
}

py::dict task_info(const TaskFile& file, const std::string& name) {
  const auto& t = file.task(name);
  py::dict d;
  d["name"] = t.name;
  d["kind"] = t.kind;
  d["seed"] = t.seed;
  d["file"] = t.file;
  d["line"] = t.line;
  if (const auto* spec = language_spec(t.runner.get())) {
    d["language"] = spec->language;
    d["objective"] = objective_name(spec->objective);
    d["train_lengths"] = py::make_tuple(spec->train.lengths.lo, spec->train.lengths.hi);
    d["train_size"] = spec->train.size;
    py::list bins;
    for (const auto& b : spec->test_bins) bins.append(py::make_tuple(b.lengths.lo, b.lengths.hi, b.size));
    d["test_bins"] = bins;
  }
  return d;
}

}  // namespace

void bind_tasks(py::module_& m) {
  py::class_<PySplit>(m, "Split", "One split of a language task: labelled strings (train, or one test length bin)")
      .def_readonly("name", &PySplit::name)
      .def_property_readonly("lengths", [](const PySplit& s) { return py::make_tuple(s.lengths.lo, s.lengths.hi); })
      .def_readonly("strings", &PySplit::strings)
      .def_readonly("kinds", &PySplit::kinds)
      .def_property_readonly("labels",
                             [](const PySplit& s) {
                               py::array_t<bool> a(s.members.size());
                               for (std::size_t i = 0; i < s.members.size(); ++i) a.mutable_at(i) = s.members[i] != 0;
                               return a;
                             })
      .def_readonly("tokenizer", &PySplit::tokenizer)
      .def(
          "encode", [](const PySplit& s, std::int64_t pad_id) { return s.tokenizer.encode(s.strings, pad_id); },
          py::arg("pad_id") = 0, "(ids, mask) of the strings with the task's tokenizer")
      .def("__len__", [](const PySplit& s) { return s.strings.size(); })
      .def("__repr__", [](const PySplit& s) {
        return fmt::format("saturn.Split('{}', {} strings, lengths {}..{})", s.name, s.strings.size(), s.lengths.lo,
                           s.lengths.hi);
      });

  py::class_<TaskFile>(m, "TaskFile", "A validated task file (tasks.yaml)")
      .def_readonly("path", &TaskFile::path)
      .def_property_readonly("tasks",
                             [](const TaskFile& f) {
                               std::vector<std::string> names;
                               for (const auto& t : f.tasks) names.push_back(t.name);
                               return names;
                             })
      .def_readonly("suites", &TaskFile::suites)
      .def("task", &task_info, py::arg("name"), "a task's settings as a dict (language tasks: language, splits)")
      .def("splits", &task_splits, py::arg("name"),
           "a language task's splits: train first, then one per test bin (the strings `saturn sample --task` prints)")
      .def(
          "tokenizer",
          [](const TaskFile& f, const std::string& name) {
            const auto& task = language_spec(f.task(name));
            return Tokenizer::of_config(model_config_for(task, *make_language(task.language)));
          },
          py::arg("name"), "the token list of the task's model")
      .def(
          "model_config",
          [](const TaskFile& f, const std::string& name) {
            const auto& task = language_spec(f.task(name));
            return to_python(config_to_json(model_config_for(task, *make_language(task.language))));
          },
          py::arg("name"), "the model config the task trains (a dict, the fields of config.json)")
      .def("__repr__", [](const TaskFile& f) {
        return fmt::format("saturn.TaskFile('{}', {} tasks, {} suites)", f.path, f.tasks.size(), f.suites.size());
      });

  m.def(
      "load_tasks",
      [](const std::string& path, const std::vector<std::string>& overrides, int seeds, const std::string& suite,
         const std::string& task) { return load_task_file(path, overrides, seeds, suite, task); },
      py::arg("path") = "tasks.yaml", py::arg("overrides") = std::vector<std::string>{}, py::arg("seeds") = 0,
      py::arg("suite") = "", py::arg("task") = "",
      "reads and validates a task file; overrides are `--set` strings ('model.d_model=64', 'dyck1.optimizer.lr=0.01'); "
      "a bad file raises saturn.Error listing every problem");
}

}  // namespace saturn::python

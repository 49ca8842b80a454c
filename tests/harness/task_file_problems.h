// What parse_task_file reports for a task file's text: the parser tests of every kind use these.
#pragma once

#include <string>

#include "harness/task_file.h"

namespace saturn {

// Every problem, one per line ("" when the file is valid).
inline std::string problems_of(const std::string& yaml) {
  try {
    parse_task_file(yaml, "t.yaml");
  } catch (const TaskFileError& e) {
    std::string all;
    for (const auto& p : e.problems()) all += std::string(p.what()) + "\n";
    return all;
  }
  return "";
}

// The first problem ("" when the file is valid).
inline std::string first_problem(const std::string& yaml) {
  try {
    parse_task_file(yaml, "t.yaml");
  } catch (const TaskFileError& e) {
    return e.problems().front().what();
  }
  return "";
}

}  // namespace saturn

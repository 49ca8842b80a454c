// Fuzz target: tasks.yaml loading and validation (harness/task_file.h), sweeps included: the input
// is the file's text; every suite it defines is then expanded into its runs.
#include <cstdint>
#include <string>

#include "harness/task_file.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace saturn;
  const std::string text(reinterpret_cast<const char*>(data), size);
  TaskFile tf;
  if (!fuzz::refused_or_done([&] { tf = parse_task_file(text, "tasks.yaml"); })) return 0;
  for (const auto& [suite, names] : tf.suites) {
    const auto runs = tf.runs(suite);
    fuzz::fuzz_check(runs.size() >= names.size(), "a suite has at least one run per task");
  }
  return 0;
}

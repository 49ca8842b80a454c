#include "harness/progress.h"

#include <unistd.h>

#include <cstdio>

namespace saturn {

namespace {
bool stderr_is_terminal() { return isatty(fileno(stderr)) != 0; }
}  // namespace

std::function<void(const Progress&)> progress_to_stderr() {
  if (stderr_is_terminal())
    return [](const Progress& p) { std::fprintf(stderr, "\r%s   ", format_progress(p).c_str()); };
  return [](const Progress& p) { std::fprintf(stderr, "%s\n", format_progress(p).c_str()); };
}

void end_progress_on_stderr() {
  if (stderr_is_terminal()) std::fprintf(stderr, "\n");
}

}  // namespace saturn

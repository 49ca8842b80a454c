#include "harness/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "core/error.h"

namespace saturn {

namespace {
bool stderr_is_terminal() { return isatty(fileno(stderr)) != 0; }
std::string g_rank_label;  // "[rank R/P] " or empty; set before any run starts
}  // namespace

void set_progress_rank(int rank, int size) {
  if (size < 1 || rank < 0 || rank >= size) throw Error(fmt::format("progress: rank {} out of {} processes", rank, size));
  g_rank_label = size > 1 ? fmt::format("[rank {}/{}] ", rank, size) : "";
}

std::string progress_line(const Progress& p) { return g_rank_label + format_progress(p); }

std::function<void(const Progress&)> progress_to_stderr() {
  if (stderr_is_terminal())
    return [](const Progress& p) { std::fprintf(stderr, "\r%s   ", progress_line(p).c_str()); };
  return [](const Progress& p) { std::fprintf(stderr, "%s\n", progress_line(p).c_str()); };
}

void end_progress_on_stderr() {
  if (stderr_is_terminal()) std::fprintf(stderr, "\n");
}

}  // namespace saturn

// CPU seconds (user + system) of the whole process, every thread: what the benchmarks report next
// to wall time as cpu_s_per_step, since a shared machine's wall time depends on its other load.
#pragma once

#include <sys/resource.h>

namespace saturn::bench {

inline double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return s(u.ru_utime) + s(u.ru_stime);
}

}  // namespace saturn::bench

#include "core/fault_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace saturn {

namespace {

struct KillAt {
  bool armed = false;
  std::string name;     // the kill point's name
  long nth = 1;         // the call of that point that kills (1-based)
};

const KillAt& kill_at() {
  static const KillAt k = [] {
    KillAt r;
    const char* v = std::getenv("SATURN_KILL_AT");
    if (v == nullptr || *v == '\0') return r;
    std::string s(v);
    const auto colon = s.rfind(':');
    if (colon != std::string::npos) {
      char* end = nullptr;
      const long n = std::strtol(s.c_str() + colon + 1, &end, 10);
      if (end != s.c_str() + colon + 1 && *end == '\0' && n >= 1) {
        r.nth = n;
        s.resize(colon);
      }
    }
    r.name = s;
    r.armed = true;
    return r;
  }();
  return k;
}

}  // namespace

void kill_point(const char* name) {
  const KillAt& k = kill_at();
  if (!k.armed || k.name != name) return;
  static std::atomic<long> calls{0};
  if (calls.fetch_add(1) + 1 == k.nth) ::kill(::getpid(), SIGKILL);
}

}  // namespace saturn

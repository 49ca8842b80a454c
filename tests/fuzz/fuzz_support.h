// Shared by the fuzz targets (tests/fuzz/*_fuzz.cpp; docs/testing.md).
//
// The contract every target checks: a bad input is refused by a saturn::Error (what the CLI turns
// into one line and exit 2); anything else escaping — another exception type, a crash, a sanitizer
// report, a hang (libFuzzer's -timeout) or unbounded memory (-rss_limit_mb / -malloc_limit_mb) — is
// a finding. A check that fails (a wrong answer rather than a crash) aborts through fuzz_check.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "core/bigint.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/word.h"
#include "languages/language.h"

namespace saturn::fuzz {

// Aborts with a message when an invariant fails (libFuzzer then saves the input).
inline void fuzz_check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
  }
}

// A scratch folder of this process (/dev/shm when there is one: inputs are written as files).
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path base = std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                      : std::filesystem::temp_directory_path();
    auto d = base / ("saturn_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

inline void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Runs f; a saturn::Error is the expected refusal of a bad input. Returns whether f completed.
template <class F>
bool refused_or_done(F&& f) {
  try {
    f();
    return true;
  } catch (const Error&) {
    return false;
  }
}

// Exercises a language on lengths 0..5 with work bounded whatever the language: counts, exact
// membership of every word while there are few, samples (members must be members, non-members
// not), next-symbol sets of the sampled words' prefixes. Cross-checks count(n) against the
// enumeration when all |Σ|^n words were enumerated.
inline void exercise_language(const Language& lang, std::uint64_t seed) {
  const int sigma = lang.alphabet().size();
  constexpr long kMaxWords = 64;  // words enumerated per length
  Rng rng(seed, 0);
  long words = 1;  // |Σ|^n while it stays small
  for (int n = 0; n <= 5; ++n, words = words * sigma > kMaxWords ? kMaxWords + 1 : words * sigma) {
    const BigInt count = lang.count(n);
    if (words <= kMaxWords) {
      long members = 0;
      Word w(static_cast<std::size_t>(n), 0);
      for (long i = 0; i < words; ++i) {
        long x = i;
        for (int j = 0; j < n; ++j, x /= sigma) w[static_cast<std::size_t>(j)] = static_cast<Symbol>(x % sigma);
        if (lang.contains(w)) ++members;
      }
      fuzz_check(count == BigInt(members), "count(n) equals the members among all words of length n");
    }
    if (count > BigInt(0)) {
      const Word m = lang.sample_member(n, rng);
      fuzz_check(static_cast<int>(m.size()) == n && lang.contains(m), "a sampled member has length n and is a member");
      const auto next = lang.next_symbols(WordView(m.data(), m.size()));
      fuzz_check(next.is_member, "next_symbols marks a member as one");
    }
    if (lang.count_nonmembers(n) > BigInt(0)) {
      const Word x = lang.sample_nonmember(n, rng);
      fuzz_check(static_cast<int>(x.size()) == n && !lang.contains(x), "a sampled non-member is not a member");
    }
  }
}

}  // namespace saturn::fuzz

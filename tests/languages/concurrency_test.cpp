// Samplers are deterministic functions of (language spec, length, rng state), including when
// several threads share one language object whose count tables are built lazily.
#include <gtest/gtest.h>

#include <thread>

#include "languages/registry.h"

namespace saturn {
namespace {

// Sample i uses Rng(seed, i): members and non-members of the given lengths.
std::vector<Word> draw(const Language& lang, const std::vector<int>& lengths, std::size_t first, std::size_t count) {
  std::vector<Word> out;
  for (std::size_t i = first; i < first + count; ++i) {
    Rng rng(99, i);
    const int n = lengths[i % lengths.size()];
    out.push_back(lang.sample_member(n, rng));
    out.push_back(lang.sample_nonmember(n, rng));
  }
  return out;
}

TEST(Concurrency, SharedLanguagesSampleAsIfAlone) {
  const std::vector<int> lengths = {40, 12, 64, 30, 50, 20};
  for (const char* spec : {"dyck:k=2,depth=3", "shuffle_dyck:k=3", "majority", "and(majority;parity)",
                           "or(tomita:n=3;not(majority))", "palindrome"}) {
    constexpr std::size_t kThreads = 4, kPerThread = 12;
    // Sequential reference on a fresh object.
    const auto reference = draw(*make_language(spec), lengths, 0, kThreads * kPerThread);
    // One fresh object shared by all threads, so its caches are built concurrently.
    const auto shared = make_language(spec);
    std::vector<std::vector<Word>> parts(kThreads);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] { parts[t] = draw(*shared, lengths, t * kPerThread, kPerThread); });
    for (auto& th : threads) th.join();
    std::vector<Word> got;
    for (const auto& p : parts) got.insert(got.end(), p.begin(), p.end());
    EXPECT_EQ(got, reference) << spec;
  }
}

}  // namespace
}  // namespace saturn

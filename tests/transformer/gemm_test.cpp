// gemm (transformer/layers/gemm.h), whichever backend this build uses, against a plain triple loop:
// every transpose combination, overwrite and accumulate, row strides wider than the rows, k = 0.
#include "transformer/layers/gemm.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/rng.h"

namespace saturn {
namespace {

struct Strided {
  long rows, cols, ld;
  std::vector<double> v;
  Strided(long r, long c, long pad, Rng& rng) : rows(r), cols(c), ld(c + pad), v(static_cast<std::size_t>(r * (c + pad))) {
    for (auto& x : v) x = rng.normal();
  }
  double at(long i, long j) const { return v[static_cast<std::size_t>(i * ld + j)]; }
};

template <class S>
void check(Op op_a, Op op_b, bool accumulate, long m, long n, long k) {
  Rng rng(static_cast<std::uint64_t>(m * 10000 + n * 100 + k));
  const bool ta = op_a == Op::transpose, tb = op_b == Op::transpose;
  const Strided A(ta ? k : m, ta ? m : k, 3, rng), B(tb ? n : k, tb ? k : n, 5, rng);
  Strided C(m, n, 2, rng);
  auto cast = [](const std::vector<double>& v) { return std::vector<S>(v.begin(), v.end()); };
  const auto a = cast(A.v), b = cast(B.v);
  auto c = cast(C.v);
  gemm<S>(op_a, op_b, m, n, k, a.data(), A.ld, b.data(), B.ld, accumulate, c.data(), C.ld);
  const double tol = sizeof(S) == 4 ? 1e-4 * static_cast<double>(k + 1) : 1e-12 * static_cast<double>(k + 1);
  for (long i = 0; i < m; ++i) {
    for (long j = 0; j < n; ++j) {
      double want = accumulate ? static_cast<double>(static_cast<S>(C.at(i, j))) : 0.0;
      for (long p = 0; p < k; ++p)
        want += static_cast<double>(static_cast<S>(ta ? A.at(p, i) : A.at(i, p))) *
                static_cast<double>(static_cast<S>(tb ? B.at(j, p) : B.at(p, j)));
      ASSERT_NEAR(static_cast<double>(c[static_cast<std::size_t>(i * C.ld + j)]), want, tol)
          << "i=" << i << " j=" << j << " ta=" << ta << " tb=" << tb << " acc=" << accumulate;
    }
    for (long j = n; j < C.ld; ++j)  // the padding between rows is never written
      ASSERT_EQ(c[static_cast<std::size_t>(i * C.ld + j)], static_cast<S>(C.at(i, j)));
  }
}

template <class S>
void check_all(long m, long n, long k) {
  for (Op a : {Op::none, Op::transpose})
    for (Op b : {Op::none, Op::transpose})
      for (bool acc : {false, true}) check<S>(a, b, acc, m, n, k);
}

TEST(Gemm, MatchesTripleLoopFloat) {
  check_all<float>(7, 5, 3);
  check_all<float>(37, 19, 64);
}

TEST(Gemm, MatchesTripleLoopDouble) {
  check_all<double>(7, 5, 3);
  check_all<double>(37, 19, 64);
}

TEST(Gemm, EmptyInnerDimensionClearsOrKeeps) {
  check_all<double>(4, 3, 0);
  check_all<float>(4, 3, 0);
}

TEST(Gemm, SameResultWhateverTheBuffersAddress) {
  // Bitwise: a product's value depends on the shapes only (the determinism the thread-count tests rely on).
  Rng rng(3);
  const long m = 33, n = 65, k = 129;
  std::vector<float> a(static_cast<std::size_t>(m * k) + 16), b(static_cast<std::size_t>(k * n) + 16);
  for (auto& x : a) x = static_cast<float>(rng.normal());
  for (auto& x : b) x = static_cast<float>(rng.normal());
  std::vector<float> c0(static_cast<std::size_t>(m * n)), c1(static_cast<std::size_t>(m * n) + 16);
  gemm<float>(Op::none, Op::transpose, m, n, k, a.data(), k, b.data(), k, false, c0.data(), n);
  // The same operands copied to other offsets.
  std::vector<float> a1(a.size() + 5), b1(b.size() + 3);
  std::copy(a.begin(), a.begin() + m * k, a1.begin() + 5);
  std::copy(b.begin(), b.begin() + k * n, b1.begin() + 3);
  gemm<float>(Op::none, Op::transpose, m, n, k, a1.data() + 5, k, b1.data() + 3, k, false, c1.data() + 7, n);
  for (long i = 0; i < m * n; ++i) ASSERT_EQ(c0[static_cast<std::size_t>(i)], c1[static_cast<std::size_t>(i + 7)]);
}

TEST(Gemm, BackendIsNamed) {
  const std::string name = gemm_backend();
  EXPECT_TRUE(name.rfind("OpenBLAS", 0) == 0 || name.rfind("eigen", 0) == 0) << name;
}

}  // namespace
}  // namespace saturn

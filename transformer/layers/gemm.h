// The one matrix product of the linear layers: C (m, n) = op(A) op(B), or C += op(A) op(B), on
// row-major buffers with leading dimensions (elements between rows), op = identity or transpose.
//
// Backend (fixed at build time, CMake option SATURN_BLAS): OpenBLAS's cblas_?gemm, always called
// single-threaded from inside Saturn's own oneTBB tasks (OpenBLAS's own threads are switched off on
// first use), or Eigen's GEMM. Either way a product's result depends only on its shapes and the
// backend's kernels, never on the number of threads or the buffers' addresses; the two backends
// round differently, so a run records which one it used (gemm_backend()).
#pragma once

#include <type_traits>

namespace saturn {

enum class Op { none, transpose };

// C = op_a(A) (m, k) * op_b(B) (k, n), or C += ... when accumulate. lda, ldb, ldc: row strides of
// A, B, C as stored (A is stored (m, k) for Op::none, (k, m) for Op::transpose; B likewise).
template <class S>
void gemm(Op op_a, Op op_b, long m, long n, long k, const S* a, long lda, const S* b, long ldb, bool accumulate, S* c,
          long ldc);

// The same on row-major Eigen views (maps, refs and blocks of them), stored as op_a / op_b expect:
// the dimensions and row strides are read off the operands, c (m, n) is written in place.
template <class A, class B, class C>
void gemm(Op op_a, Op op_b, const A& a, const B& b, bool accumulate, C&& c) {
  using CV = std::decay_t<C>;
  static_assert(A::IsRowMajor && B::IsRowMajor && CV::IsRowMajor, "gemm views must be row-major");
  const long k = op_a == Op::none ? a.cols() : a.rows();
  gemm<typename CV::Scalar>(op_a, op_b, c.rows(), c.cols(), k, a.data(), a.outerStride(), b.data(), b.outerStride(),
                            accumulate, c.data(), c.outerStride());
}

// "OpenBLAS 0.3.21 DYNAMIC_ARCH ... core=Cooperlake" or "eigen 3.4.0": recorded with every run's
// git revision.
const char* gemm_backend();

}  // namespace saturn

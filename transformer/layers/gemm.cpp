#include "transformer/layers/gemm.h"

#include <Eigen/Dense>

#include <string>

#ifdef SATURN_HAVE_OPENBLAS
#include <cblas.h>  // cblas_sgemm, cblas_dgemm: standard CBLAS, whichever package's header this is
// OpenBLAS's own entry points, declared here rather than taken from its cblas.h: Debian's
// alternatives may point cblas.h at another BLAS's header (libblas-dev), while the library linked
// is always libopenblas.
extern "C" {
void openblas_set_num_threads(int num_threads);
char* openblas_get_config(void);
char* openblas_get_corename(void);
}
#endif

namespace saturn {

#ifdef SATURN_HAVE_OPENBLAS
namespace {
// OpenBLAS would otherwise split large products over its own threads (results then depend on its
// thread count); every call here is one task of Saturn's fixed partition instead.
void single_threaded_once() {
  static const bool done = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)done;
}

CBLAS_TRANSPOSE cblas_op(Op op) { return op == Op::transpose ? CblasTrans : CblasNoTrans; }

void call(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}
void call(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const double* a, int lda, const double* b,
          int ldb, double beta, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1.0, a, lda, b, ldb, beta, c, ldc);
}
}  // namespace

template <class S>
void gemm(Op op_a, Op op_b, long m, long n, long k, const S* a, long lda, const S* b, long ldb, bool accumulate, S* c,
          long ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  // BLAS leaves C alone when k = 0 only if beta = 1
    if (!accumulate)
      for (long i = 0; i < m; ++i)
        for (long j = 0; j < n; ++j) c[i * ldc + j] = S(0);
    return;
  }
  single_threaded_once();
  call(cblas_op(op_a), cblas_op(op_b), static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), a,
       static_cast<int>(lda), b, static_cast<int>(ldb), accumulate ? S(1) : S(0), c, static_cast<int>(ldc));
}

const char* gemm_backend() {
  static const std::string name = std::string(openblas_get_config()) + " core=" + openblas_get_corename();
  return name.c_str();
}

#else  // Eigen

template <class S>
void gemm(Op op_a, Op op_b, long m, long n, long k, const S* a, long lda, const S* b, long ldb, bool accumulate, S* c,
          long ldc) {
  using M = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Stride = Eigen::OuterStride<>;
  using CView = Eigen::Map<const M, 0, Stride>;
  const bool ta = op_a == Op::transpose, tb = op_b == Op::transpose;
  const CView A(a, ta ? k : m, ta ? m : k, Stride(lda));
  const CView B(b, tb ? n : k, tb ? k : n, Stride(ldb));
  Eigen::Map<M, 0, Stride> C(c, m, n, Stride(ldc));
  auto product = [&](const auto& x, const auto& y) {
    if (accumulate) C.noalias() += x * y;
    else C.noalias() = x * y;
  };
  if (ta && tb) product(A.transpose(), B.transpose());
  else if (ta) product(A.transpose(), B);
  else if (tb) product(A, B.transpose());
  else product(A, B);
}

const char* gemm_backend() {
  static const std::string name = "eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
                                  std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION);
  return name.c_str();
}

#endif

template void gemm<float>(Op, Op, long, long, long, const float*, long, const float*, long, bool, float*, long);
template void gemm<double>(Op, Op, long, long, long, const double*, long, const double*, long, bool, double*, long);

}  // namespace saturn

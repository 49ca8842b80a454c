// Eigen views used by the layers. Activations are row-major (rows = tokens); weights use PyTorch's
// nn.Linear layout [out, in]. Dimension letters: N tokens in the packed batch, B strings,
// T tokens of one string, d model width, F feed-forward width, H heads, D = d / H head width.
#pragma once

#include <Eigen/Dense>

#include <vector>

namespace saturn {

template <class S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class S>
using Vec = Eigen::Matrix<S, 1, Eigen::Dynamic>;
template <class S>
using MatMap = Eigen::Map<Mat<S>>;
template <class S>
using CMatMap = Eigen::Map<const Mat<S>>;
template <class S>
using VecMap = Eigen::Map<Vec<S>>;
template <class S>
using CVecMap = Eigen::Map<const Vec<S>>;
// Views of workspace buffers (blocks of rows of a larger, preallocated matrix).
template <class S>
using MatRef = Eigen::Ref<Mat<S>>;
template <class S>
using CMatRef = Eigen::Ref<const Mat<S>>;
template <class S>
using VecRef = Eigen::Ref<Vec<S>>;
template <class S>
using CVecRef = Eigen::Ref<const Vec<S>>;


// Buffers whose start is aligned to EIGEN_MAX_ALIGN_BYTES. Eigen's vectorised reductions (sum,
// maxCoeff) peel unaligned leading elements, so their summation order depends on the address;
// aligned starts plus padded block offsets (see padded) make results independent of where the
// allocator put a buffer, hence bitwise reproducible across runs and workspace histories.
template <class S>
using AlignedVector = std::vector<S, Eigen::aligned_allocator<S>>;

// n rounded up to a multiple of 64 bytes' worth of S.
template <class S>
constexpr long padded(long n) {
  constexpr long a = 64 / static_cast<long>(sizeof(S));
  return (n + a - 1) / a * a;
}

}  // namespace saturn

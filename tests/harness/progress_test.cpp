// Progress lines: the rank label under MPI (harness/progress.h).
#include <gtest/gtest.h>

#include "core/error.h"
#include "harness/progress.h"

namespace saturn {
namespace {

Progress some_progress() { return Progress{120, 2000, 0.6931, 0.5, 12.34, 5321, 35}; }

TEST(Progress, RankLabelOnlyWithSeveralProcesses) {
  const std::string plain = format_progress(some_progress());
  set_progress_rank(0, 1);
  EXPECT_EQ(progress_line(some_progress()), plain);
  set_progress_rank(3, 8);
  EXPECT_EQ(progress_line(some_progress()), "[rank 3/8] " + plain);
  set_progress_rank(0, 2);
  EXPECT_EQ(progress_line(some_progress()), "[rank 0/2] " + plain);
  set_progress_rank(0, 1);
  EXPECT_EQ(progress_line(some_progress()), plain);
}

TEST(Progress, RefusesARankOutsideTheWorld) {
  EXPECT_THROW(set_progress_rank(8, 8), Error);
  EXPECT_THROW(set_progress_rank(-1, 8), Error);
  EXPECT_THROW(set_progress_rank(0, 0), Error);
  set_progress_rank(0, 1);
}

}  // namespace
}  // namespace saturn

// The quick look at a suite: for every task, exact counts and a timed draw of all its splits.
#pragma once

#include <string>
#include <vector>

#include "core/bigint.h"
#include "harness/kinds/language/spec.h"

namespace saturn {

struct SplitSurvey {
  std::string name;
  LengthRange lengths;
  int size = 0;
  int members = 0;
  int near_misses = 0;
  long symbols = 0;
};

struct TaskSurvey {
  std::string task;
  std::string language;
  int alphabet_size = 0;
  int count_length = 0;      // the longest training length with members
  BigInt count;              // members of that length
  BigInt total_train;        // members over all training lengths
  std::vector<SplitSurvey> splits;
  double seconds = 0;        // time to draw every split
};

// Counts and draws every split of the task (deterministic from the task's seed).
TaskSurvey survey_task(const TaskSpec& task);

}  // namespace saturn

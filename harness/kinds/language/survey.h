// The quick look at a suite: for every task, exact counts, a timed draw of all its splits, and per
// split the length histogram of members, near misses and uniform non-members (`saturn survey`).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/bigint.h"
#include "harness/kinds/language/spec.h"

namespace saturn {

// The examples of one length of a split, by kind.
struct LengthCounts {
  int members = 0;
  int near_misses = 0;
  int uniform = 0;
  bool has_members = true;  // the language has members of this length
  int negatives() const { return near_misses + uniform; }
};

struct SplitSurvey {
  std::string name;
  LengthRange lengths;
  int size = 0;
  int members = 0;
  int near_misses = 0;
  int uniform = 0;
  int negatives_without_members = 0;  // non-members at lengths where the language has no members
  long symbols = 0;
  std::map<int, LengthCounts> histogram;  // by length; only lengths that occur
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

// The surveys as readable text: one line per task, then per split its kind counts and its length
// histogram (columns: lengths; rows: members, near misses, uniform non-members).
std::string survey_text(const std::vector<TaskSurvey>& surveys);
// As JSON: a list of tasks, each with its splits and their histograms (keys as the structs above).
std::string survey_json(const std::vector<TaskSurvey>& surveys);
// As tidy CSV: task,language,split,length,has_members,members,near_miss,uniform (one row per length
// that occurs in a split).
std::string survey_csv(const std::vector<TaskSurvey>& surveys);

}  // namespace saturn

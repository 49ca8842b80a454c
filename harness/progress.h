// A training run's progress lines on stderr (TrainOptions::on_progress of the language and
// grokking kinds). On a terminal the line is rewritten in place with '\r'; anywhere else (a Slurm
// log, a pipe, a file) every update is its own line, so the log stays readable line by line.
#pragma once

#include <functional>

#include "transformer/metrics.h"

namespace saturn {

// Prints each update as format_progress (transformer/metrics.h) does, as described above.
std::function<void(const Progress&)> progress_to_stderr();
// After the last update: ends the line that '\r' rewrote (nothing when stderr is not a terminal).
void end_progress_on_stderr();

}  // namespace saturn

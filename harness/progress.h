// A training run's progress lines on stderr (TrainOptions::on_progress of the language and
// grokking kinds). On a terminal the line is rewritten in place with '\r'; anywhere else (a Slurm
// log, a pipe, a file) every update is its own line, so the log stays readable line by line.
// Under MPI every line starts with the rank, "[rank 3/8] ", so that ranks sharing one log (mpirun
// merges their stderr) can be told apart.
#pragma once

#include <functional>
#include <string>

#include "transformer/metrics.h"

namespace saturn {

// Prints each update as progress_line does, as described above.
std::function<void(const Progress&)> progress_to_stderr();
// After the last update: ends the line that '\r' rewrote (nothing when stderr is not a terminal).
void end_progress_on_stderr();

// Labels this process's progress lines with its rank (0-based) out of `size` processes; size 1
// (the default) means no label. `saturn run` sets it under mpirun. Throws saturn::Error unless
// 0 <= rank < size.
void set_progress_rank(int rank, int size);
// format_progress (transformer/metrics.h) behind the rank label, if any.
std::string progress_line(const Progress& p);

}  // namespace saturn

// Fault injection for the crash tests (tests/faults/): a process started with
//   SATURN_KILL_AT=NAME        or  SATURN_KILL_AT=NAME:N
// sends itself SIGKILL at the first (or N-th) time it reaches kill_point("NAME"), so a test can
// kill `saturn train` at an exact moment, e.g. between the two renames of a checkpoint swap, that
// random kill times would hit only by luck. Without the variable a kill point is one branch on a
// flag read once per process; it never changes what the program computes or writes.
//
// The points (grep kill_point for the list): write_file_atomic.half (half of the temporary file
// written), write_file_atomic.before_rename (temporary complete, not yet renamed),
// checkpoint.written, checkpoint.moved_old, checkpoint.swapped (the steps of a checkpoint swap,
// transformer/checkpoint.cpp), train.step (after each optimizer step, before its checkpoint).
#pragma once

namespace saturn {

// SIGKILLs this process when SATURN_KILL_AT names `name` and this is its N-th call (see above).
void kill_point(const char* name);

}  // namespace saturn

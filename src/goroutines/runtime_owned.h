#pragma once
// Which goroutines belong to the runtime or the standard library rather than to the program,
// and which frames a reader of a stack cares about.
#include <span>
#include <string_view>

#include "goroutines/goroutine_dump.h"

namespace leakseek::goroutines {

// The frames a debug=2 traceback shows: runtime-internal frames dropped, unless that leaves
// nothing (then all of them). The same goroutine read from any dump form gives the same frames.
std::span<const Frame> visible_frames(const Goroutine& g, std::vector<Frame>& scratch);

// True for the runtime's own goroutines (GC workers, sweeper, scavenger, forcegc, the idle
// finalizer and cleanup goroutines, signal and trace readers, g0 in a SIGQUIT dump) and for the
// standard-library goroutines goleak ignores (os/signal's loop, the unique package's cleanup,
// the testing package's runners). A finalizer goroutine stuck in user code is not: it is the
// program's problem.
bool is_runtime_owned(const Goroutine& g);

}  // namespace leakseek::goroutines

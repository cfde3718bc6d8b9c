#pragma once
// What the store keeps of each scraped body, extracted once with the existing readers and
// analyses: per-site values and the few scalars detection reads, so trends never re-parse
// raw profiles.
#include "goroutines/goroutine_dump.h"
#include "profiles/profile.h"
#include "watch/watch_model.h"

namespace leakseek::watch {

// Heap profile: in-use bytes (value) and objects (count) per allocation stack, stacks as
// function names at pprof's function granularity (inlined calls expanded, leaf first), so
// samples that differ only in addresses or lines are one site; the sampling period as scalar
// "heap.sample_period". Throws std::invalid_argument when the profile has no inuse_space.
SnapshotSeries heap_snapshot_series(const profiles::Profile& profile);

// Goroutine dump (any form): goroutines per stack, runtime-owned ones left out as the
// `goroutines` command does; the finalizer goroutine's state as scalars
// ("finalizer.blocked", "finalizer.wait_minutes") with its user function and stack.
SnapshotSeries goroutine_snapshot_series(const goroutines::GoroutineDump& dump);

// Goroutine leak profile: the proven-leaked goroutines per stack (value = count), total = all of
// them, scalar "goroutines.leaked". Runtime-owned goroutines count too: the GC proved them
// stuck, so they are the program's leak whatever package they wait in. Throws
// std::invalid_argument when the dump is not a goroutine leak profile (a debug=2 traceback counts
// only when it marks a goroutine leaked).
SnapshotSeries goroutine_leak_snapshot_series(const goroutines::GoroutineDump& dump);

}  // namespace leakseek::watch

#pragma once
// What the Go runtime's own code is called, in every supported version: which frames are the
// runtime's, which loops run finalizers and cleanups, and what their idle wait reasons are.
// The one place that knows; heap dumps, goroutine dumps and the daemon all ask here.
#include <string_view>

namespace leakseek::goruntime {

// Unexported runtime code ("runtime.gopark", "internal/runtime/maps.(*Map).getWithKey"): what
// debug=2 tracebacks hide. Exported runtime functions (runtime.Gosched, runtime.GC) are calls
// the program made, and are not.
bool is_runtime_internal(std::string_view function);

// Anything in the runtime's packages, exported or not (runtime.*, runtime/internal/...,
// internal/runtime/...): the frames, and the global variables, that are not the program's.
bool is_runtime_package(std::string_view name);

// The runtime and the standard library's synchronisation code (runtime.*, internal/...,
// sync.*): the frames between where a program waits and how it waits. The first frame that is
// not one is the program's own ("main.leakMutex" under "sync.(*Mutex).Lock").
bool is_wait_machinery(std::string_view function);

// The loop a finalizer or cleanup goroutine runs: runtime.runfinq (Go <= 1.24) and
// runtime.runFinalizers (1.25+) run finalizers, and cleanups too before 1.25;
// runtime.runCleanups (1.25+, one or more goroutines) runs cleanups.
enum class QueueLoop { none, finalizers, cleanups };
QueueLoop queue_loop(std::string_view function);

// The wait reasons of a finalizer or cleanup goroutine with nothing to run.
bool is_idle_queue_wait(std::string_view wait_reason);

}  // namespace leakseek::goruntime

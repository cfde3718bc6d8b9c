#pragma once
// Finds the goroutine that runs finalizers (and, from Go 1.25, cleanups) in any dump form, and
// tells whether it is stuck in user code: then no other finalizer runs and everything waiting
// for one stays in memory.
#include <cstdint>
#include <optional>
#include <string_view>

#include "goroutines/goroutine_dump.h"

namespace leakseek::goroutines {

struct FinalizerGoroutine {
  std::optional<uint64_t> goid;  // none in debug=0/1 profiles
  std::string_view state;
  std::string_view function;  // the user function it runs; empty when idle
  int64_t wait_minutes = 0;
  bool blocked = false;  // runs user code rather than waiting for work
  // How it was recognised: "runtime.runfinq", "runtime.runFinalizers", "runtime.runCleanups"
  // (a frame), or "no created by line" (a debug=2 dump from Go < 1.25 hides those frames).
  std::string_view found_by;
};

// Frames runtime.runfinq (Go <= 1.24), runtime.runFinalizers or runtime.runCleanups (1.25+)
// identify it. Tracebacks from Go < 1.25 hide those frames and its "created by" line, and show
// the goroutine only while it runs a finalizer: then it is the one goroutine other than
// goroutine 1 (and g0, goroutine 0) without "created by". A blocked one is preferred when
// there are several (1.25 has finalizer and cleanup goroutines).
std::optional<FinalizerGoroutine> find_finalizer_goroutine(const GoroutineDump& dump);

}  // namespace leakseek::goroutines

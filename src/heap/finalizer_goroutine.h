#pragma once
// The goroutines that run finalizers and cleanups, found by their frames, and whether each is
// stuck in user code. One blocked finalizer (or cleanup) stops every later one on its goroutine:
// the objects queued behind it, and everything they hold, leak.
#include <optional>
#include <string_view>
#include <vector>

#include "heap/heap_model.h"

namespace leakseek::heap {

struct FinalizerGoroutine {
  uint32_t goroutine = 0;  // index into goroutines
  uint64_t goid = 0;
  std::string_view wait_reason;
  // The innermost frame that is not the runtime's: the finalizer function it is running.
  std::string_view function;
  bool blocked = false;  // running (or parked inside) a user finalizer rather than waiting for work
  // How long it has been waiting, relative to the most recent wait start in the dump (the
  // runtime stamps these at GC stack scans, so this is an age for ranking, not a clock time).
  uint64_t waiting_ns = 0;
};

std::optional<FinalizerGoroutine> find_finalizer_goroutine(const HeapModel& model);

// The goroutines that run cleanups (runtime.AddCleanup), Go 1.25 on: runtime.runCleanups, one
// or more, each found like the finalizer goroutine. Before 1.25 cleanups run on the finalizer
// goroutine. Ordered by goroutine id.
std::vector<FinalizerGoroutine> find_cleanup_goroutines(const HeapModel& model);

// Whether the dump holds the cleanup queue: Go 1.24 writes queued cleanups as queued-finalizer
// records with a zero object; from 1.25 they are in their own queue, which is not dumped.
bool dump_has_cleanup_queue(const HeapModel& model);

// The innermost frame of a goroutine outside the runtime (what it is doing), or its innermost.
std::string_view goroutine_function(const HeapModel& model, uint32_t goroutine);

}  // namespace leakseek::heap

#pragma once
// Leak suspects: groups of goroutines parked where only another goroutine can wake them
// (channel operations, select, sync primitives), largest and longest-waiting first. A goroutine
// leak looks like this: the same stack again and again, waiting for a partner that is gone.
#include <cstdint>
#include <string_view>
#include <vector>

#include "goroutines/goroutine_groups.h"

namespace leakseek::goroutines {

struct SuspectOptions {
  uint64_t min_count = 2;  // smaller groups are not "many of the same"
};

struct Suspect {
  const Group* group = nullptr;  // points into the Grouping passed in
  std::string_view blocked_on;   // "channel receive", "channel send", "select", "sync"
};

// True for states that wait on another goroutine: chan receive/send (also "(nil chan)"),
// select (also "(no cases)"), semacquire, sync.* (Go 1.24+ names them: sync.Mutex.Lock,
// sync.WaitGroup.Wait, sync.Cond.Wait, ...), and "waiting" (debug=1 hid the runtime frames).
std::string_view blocking_kind(std::string_view state);

// The grouping's groups that qualify, by count then maximum wait (the grouping's order).
// Runtime-owned groups never qualify.
std::vector<Suspect> find_leak_suspects(const Grouping& grouping,
                                        const SuspectOptions& options = {});

}  // namespace leakseek::goroutines

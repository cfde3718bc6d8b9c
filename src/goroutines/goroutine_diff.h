#pragma once
// What changed between two goroutine dumps of the same program: which stacks have more
// goroutines now, by how much, and which are new. Dumps may be of different forms (a debug=1
// baseline and a debug=2 dump now): stacks are compared by their visible frames only.
#include <cstdint>
#include <string_view>
#include <vector>

#include "goroutines/goroutine_dump.h"

namespace leakseek::goroutines {

struct StackChange {
  std::vector<Frame> stack;  // visible frames, from the dump they appear in (new if both)
  std::string_view state;    // as the newer dump says when it has the stack
  std::string_view top_function;
  uint64_t base_count = 0;
  uint64_t count = 0;
  int64_t delta = 0;     // count - base_count
  bool is_new = false;   // absent from the base
  bool is_gone = false;  // absent now
};

struct GoroutineDiff {
  uint64_t base_total = 0;
  uint64_t total = 0;
  // New stacks first (largest first), then grown (by delta), then shrunk and gone. Unchanged
  // stacks are left out. Runtime-owned goroutines are not compared.
  std::vector<StackChange> changes;
  uint64_t unchanged_stacks = 0;
};

// Views point into both dumps' arenas: keep both alive while using the result.
GoroutineDiff diff_goroutines(const GoroutineDump& now, const GoroutineDump& base);

}  // namespace leakseek::goroutines

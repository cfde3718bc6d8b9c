#pragma once
// Groups goroutines that are the same story: identical stacks (the default), the same top
// frame, or the same creator. debug=0/1 records already count identical stacks; they add up.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "goroutines/goroutine_dump.h"

namespace leakseek::goroutines {

enum class GroupBy { stack, top, creator };

struct GroupOptions {
  GroupBy by = GroupBy::stack;
  // Runtime-owned and standard-library goroutines (runtime_owned.h) are left out unless true.
  bool include_runtime_owned = false;
};

struct Group {
  uint64_t count = 0;      // goroutines in the group
  uint64_t leaked = 0;     // of them, proven never to wake by the GC (Goroutine::leaked)
  std::string_view state;  // the members' state; "mixed" when they differ (top/creator)
  std::string_view top_function;
  // The first frame outside the runtime and the sync package: where the program itself waits
  // (main.leakMutex rather than sync.runtime_SemacquireMutex). The top function when none.
  std::string_view program_function;
  std::optional<CreatedBy> created_by;  // the first member's
  std::vector<Label> labels;            // the first member's
  bool runtime_owned = false;
  int64_t max_wait_minutes = 0;
  bool locked_to_thread = false;  // any member
  std::vector<Frame> stack;       // the first member's visible frames, innermost first
  std::vector<uint64_t> goids;    // members' ids, in dump order, when the dump has ids
};

struct Grouping {
  uint64_t total = 0;                 // goroutines in the dump
  uint64_t hidden_runtime_owned = 0;  // goroutines left out as runtime-owned
  uint64_t leaked = 0;                // goroutines proven leaked, in every group
  std::vector<Group> groups;          // largest first, then longest wait, then top function
};

// Views in the result point into `dump`'s arena: keep the dump alive while using them.
Grouping group_goroutines(const GoroutineDump& dump, const GroupOptions& options = {});

// The frames two goroutines must share to be "the same stack" in a diff across dumps, possibly
// of different forms (runtime frames, states, creators and labels differ between forms), as text.
std::string stack_signature(std::span<const Frame> visible);

}  // namespace leakseek::goroutines

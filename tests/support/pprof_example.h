#pragma once
// A small heap profile built in code with every field of the format set, for round trips and
// for checking what `go tool pprof` makes of our writer's output.
#include "profiles/profile.h"

namespace leakseek::test {

// Three samples over four functions, one location with an inlined call (main.inlined inlined
// into main.leakyAlloc), numeric and string labels, two mappings. Values are non-negative and
// the default sample type is alloc_space, not the last type.
profiles::ProfileData example_profile_data();

struct ExampleTotals {
  int64_t alloc_objects, alloc_space, inuse_objects, inuse_space;
};
inline constexpr ExampleTotals kExampleTotals = {1012, 4096704, 1003, 4096192};

}  // namespace leakseek::test

#pragma once
// Retention stacks as a pprof profile (sample types retained_objects and retained_space): frames
// are named after root groups and objects, so `go tool pprof -top` lists what retains the most.
#include <string>
#include <vector>

#include "heap/retention_profile.h"
#include "heap/root_groups.h"
#include "profiles/profile.h"
#include "report/heap_context.h"

namespace leakseek::report {

profiles::Profile retention_pprof(const HeapContext& ctx,
                                  const std::vector<heap::RootGroup>& groups,
                                  const heap::RetentionProfile& p, const std::string& comment);

}  // namespace leakseek::report

#pragma once
// debug=0 goroutine profiles are pprof profiles: one sample per distinct stack (and label set)
// with the number of goroutines on it. This turns one into the goroutine dump model.
#include <string>

#include "goroutines/goroutine_dump.h"
#include "profiles/profile.h"

namespace leakseek::format {

// Throws InputError naming `file_name_for_errors` when the profile is not a goroutine profile
// (its first sample type is not goroutine/count) or a count is negative.
goroutines::GoroutineDump goroutines_from_profile(const profiles::Profile& profile,
                                                  const std::string& file_name_for_errors);

}  // namespace leakseek::format

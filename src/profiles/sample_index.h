#pragma once
// Which sample type a report shows, chosen the way pprof's -sample_index chooses it.
#include <cstddef>
#include <string>

#include "profiles/profile.h"

namespace leakseek::profiles {

// "" picks the default (default_sample_type when it names a type, else the last); a number is a
// position; a name matches a type ("inuse_space" also matches a legacy "space"). Throws
// std::invalid_argument listing the types when nothing matches or the profile has none.
size_t resolve_sample_index(const Profile& profile, const std::string& name_or_index);

}  // namespace leakseek::profiles

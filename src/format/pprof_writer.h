#pragma once
// Encodes the profile model as profile.proto bytes that `go tool pprof` opens.
#include <string>

#include "profiles/profile.h"

namespace leakseek::format {

// Gzip-compressed by default, as Go serves profiles. Writes what it is given: a profile whose
// samples refer to missing locations comes out just as inconsistent. Throws std::length_error
// when the encoded profile would reach 2 GiB, which protobuf cannot encode.
std::string write_pprof(const profiles::Profile& profile, bool gzip = true);

}  // namespace leakseek::format

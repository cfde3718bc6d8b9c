#pragma once
// `go tool pprof -base BASE NEW`: BASE's samples negated and merged into NEW's, so that samples
// with the same stack and labels net out.
#include <cstdint>
#include <vector>

#include "profiles/profile.h"

namespace leakseek::profiles {

struct BaseMerge {
  // NEW minus BASE, merged the way pprof's profile.Merge merges: mappings, functions, locations
  // and samples are identified by content, not id, and samples whose values all net to 0 are
  // gone.
  Profile merged;
  // What each side put into merged sample i, sample type t, at [i * types + t]: the merged value
  // is current - base.
  std::vector<int64_t> base_values;
  std::vector<int64_t> current_values;
};

// Throws std::invalid_argument when the profiles' sample types or period types differ, which
// pprof refuses to merge.
BaseMerge merge_with_base(const Profile& base, const Profile& current);

}  // namespace leakseek::profiles

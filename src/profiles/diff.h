#pragma once
// What grew between two profiles: per function and per stack, with `go tool pprof -base`
// semantics (BASE's samples negated and merged into NEW's; same stacks and labels net out).
#include <cstdint>
#include <string>
#include <vector>

#include "profiles/profile.h"
#include "profiles/top.h"

namespace leakseek::profiles {

struct DiffOptions {
  size_t sample_index = 0;
  double node_fraction = 0.005;  // as pprof's -nodefraction, on the merged profile
  size_t functions = 0;          // rows kept after sorting by growth; 0 = all
  size_t stacks = 10;            // stack rows kept; 0 = all
};

struct DiffStack {
  std::vector<std::string> frames;  // function names, leaf first, inlined calls expanded
  int64_t base = 0;
  int64_t current = 0;
  int64_t delta = 0;  // current - base
};

struct DiffResult {
  ValueType sample_type;
  int64_t base_total = 0;     // sum of the sample type's values in BASE
  int64_t current_total = 0;  // and in NEW
  // The merged profile's function table, exactly as `go tool pprof -top -base BASE NEW` has it
  // (functions.total is pprof's "of N total"), sorted by flat growth, then cum growth.
  TopResult functions;
  // Stacks whose value changed, grouped by their function names (samples that differ only in
  // lines, addresses or labels are one row), largest growth first.
  std::vector<DiffStack> stacks;
  size_t changed_stacks = 0;  // before options.stacks cut the list
};

// Throws std::invalid_argument when the profiles cannot be merged (different sample types).
DiffResult diff(const Profile& base, const Profile& current, const DiffOptions& options);

}  // namespace leakseek::profiles

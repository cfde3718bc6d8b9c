#pragma once
// Flat and cumulative value per function, as `go tool pprof -top` computes them: the same nodes,
// the same totals, the same trimming and the same order.
#include <cstdint>
#include <string>
#include <vector>

#include "profiles/profile.h"

namespace leakseek::profiles {

struct TopOptions {
  size_t sample_index = 0;  // position in Profile::sample_types()
  // pprof's -nodefraction: functions whose |cum| is below this share of the profile's flat sum
  // are dropped. 0 keeps every function.
  double node_fraction = 0.005;
  // pprof's -nodecount: at most this many rows, the first in sort order; 0 = no limit.
  size_t node_count = 0;
  bool sort_by_cum = false;  // pprof's -cum
  // pprof's -edgefraction: calls weighing less than this share are left out of the graph, which
  // only shows here in which functions are marked "(inline)".
  double edge_fraction = 0.001;
};

// pprof marks a function "(inline)" when every call into it that it drew was inlined, and
// "(partial-inline)" when some were.
enum class InlineMark { kNone, kInline, kPartial };

struct TopRow {
  std::string function;
  int64_t flat = 0;  // value of samples whose leaf frame is this function
  int64_t cum = 0;   // value of samples with this function anywhere in the stack, once each
  InlineMark inline_mark = InlineMark::kNone;
};

struct TopResult {
  ValueType sample_type;
  // pprof's "of N total": the sum of |value| over every sample.
  int64_t total = 0;
  // Functions dropped by node_fraction, and the |cum| a function needed to stay: pprof's
  // "Dropped N nodes (cum <= X)" states X as |total| * node_fraction.
  size_t dropped = 0;
  int64_t drop_threshold = 0;
  // Functions left after dropping, before node_count cut the list.
  size_t kept = 0;
  std::vector<TopRow> rows;
};

TopResult top(const Profile& profile, const TopOptions& options);

}  // namespace leakseek::profiles

#pragma once
// Growth per allocation site across many snapshots of one process: which sites' in-use bytes
// climb steadily (a leak) and which only wobble.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "profiles/growth.h"
#include "profiles/profile.h"

namespace leakseek::profiles {

struct TrendOptions {
  // The sample type followed; "" means inuse_space when the profile has it, else its default.
  std::string sample_type;
  // The growth rule `watch` applies to allocation sites, with the same defaults. The sampling
  // period comes from the profiles (for *_space types); min_points counts snapshots.
  GrowthThresholds growth = site_growth_defaults();
};

struct Snapshot {
  std::string name;  // what the caller called it (a file name)
  int64_t time_nanos = 0;
  int64_t total = 0;  // sum of the sample type's values
};

// One site's value in every snapshot, in time order; 0 where the site has no samples.
struct TrendSeries : GrowthSummary {
  // A function site: the one function name. A stack site: the stack, leaf first.
  std::vector<std::string> frames;
  std::vector<int64_t> values;
  int64_t min = 0, max = 0;
  size_t present = 0;    // snapshots in which the site has samples
  bool suspect = false;  // grows by the growth rule (profiles::classify_growth)
};

struct LeakSuspect {
  // The allocating function (the leaf frame). It may not be flagged itself when only one of its
  // stacks grows.
  TrendSeries function;
  // Its stacks that grow (positive slope), fastest first, at most 5: flagged ones first.
  std::vector<TrendSeries> stacks;
};

struct TrendResult {
  TrendOptions options;  // the thresholds the suspects were judged by (with the sampling period)
  ValueType sample_type;
  std::vector<Snapshot> snapshots;  // time order, the points of every series
  // Heap profiles taken before the next GC of the one before them: the same heap, so not a
  // point of their own (profiles::same_gc_cycle; the newest snapshot always counts).
  std::vector<Snapshot> same_gc_cycle;
  // Per allocation site: value allocated directly in a function (its flat value), and per full
  // stack. Both sorted by slope, steepest growth first.
  std::vector<TrendSeries> functions;
  std::vector<TrendSeries> stacks;
  std::vector<LeakSuspect> suspects;  // steepest first
};

// Collects snapshots one at a time, so that only one profile need be in memory at once.
class TrendBuilder {
 public:
  explicit TrendBuilder(TrendOptions options);
  ~TrendBuilder();
  TrendBuilder(const TrendBuilder&) = delete;
  TrendBuilder& operator=(const TrendBuilder&) = delete;

  // Throws std::invalid_argument when the profile lacks the sample type, or follows another
  // type or unit than the snapshots before it.
  void add(const std::string& name, const Profile& profile);
  // Throws std::invalid_argument when there are no snapshots or two share a time_nanos.
  TrendResult finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace leakseek::profiles

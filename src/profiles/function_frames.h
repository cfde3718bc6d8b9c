#pragma once
// A profile seen at pprof's default granularity, "functions": every line of every location is a
// frame, and frames of the same function are one node however many addresses, lines or
// function ids it spans. Analyses work on node ids and location indexes, not strings and ids.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "profiles/profile.h"

namespace leakseek::profiles {

class FunctionFrames {
 public:
  explicit FunctionFrames(const Profile& profile);

  size_t node_count() const { return names_.size(); }
  // The name pprof prints for the node: the function name, "[binary]" for code without one, or
  // "<unknown>".
  const std::string& name(uint32_t node) const { return names_[node]; }
  // What pprof falls back on to order nodes whose printed names are equal (only nameless ones).
  const std::string& tie_breaker(uint32_t node) const { return tie_breakers_[node]; }

  // The nodes of location `index` (position in Profile::locations()), innermost inlined call
  // first: the order of Location::lines.
  std::span<const uint32_t> location_nodes(uint32_t index) const {
    return {frames_.data() + frame_begin_[index], frames_.data() + frame_begin_[index + 1]};
  }
  // True when the node appears as an inlined call (not the last line) in some location: only
  // such nodes can carry pprof's "(inline)" mark.
  bool ever_inlined(uint32_t node) const { return ever_inlined_[node]; }

  // Location indexes of every sample, leaf first, as one flat array.
  std::span<const uint32_t> sample_locations(size_t sample) const {
    return {sample_locations_.data() + sample_begin_[sample],
            sample_locations_.data() + sample_begin_[sample + 1]};
  }

  // The sample's frames as node ids, leaf first with inlined calls expanded.
  std::vector<uint32_t> sample_nodes(size_t sample) const;

 private:
  std::vector<std::string> names_;
  std::vector<std::string> tie_breakers_;
  std::vector<uint32_t> frame_begin_;
  std::vector<uint32_t> frames_;
  std::vector<bool> ever_inlined_;
  std::vector<size_t> sample_begin_;
  std::vector<uint32_t> sample_locations_;
};

}  // namespace leakseek::profiles

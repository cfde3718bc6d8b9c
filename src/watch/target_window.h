#pragma once
// The part of a target's history that detection reads, kept in memory so that an evaluation
// after every scrape costs no database queries: the snapshots inside the window, thinned to at
// most kMaxPoints per kind (a least-squares slope over 30 minutes needs no 120 points), each
// with its site values keyed by stack. Frames are shared between targets that run the same
// program, which is the common case for fleets of replicas.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "watch/detector.h"
#include "watch/watch_model.h"

namespace leakseek::watch {

using Frames = std::vector<std::string>;

// Interns stacks across targets; entries go when no window holds them any more.
class StackPool {
 public:
  std::shared_ptr<const Frames> intern(const Frames& frames);
  size_t size() const { return stacks_.size(); }

 private:
  std::unordered_map<uint64_t, std::weak_ptr<const Frames>> stacks_;
  size_t interned_since_sweep_ = 0;
};

// Stable across runs (alert keys are stored): FNV-1a over the frames.
uint64_t stack_hash(const Frames& frames);

class TargetWindow {
 public:
  static constexpr size_t kMaxPoints = 48;

  TargetWindow(std::string target, int64_t window_nanos, StackPool& pool)
      : target_(std::move(target)), window_nanos_(window_nanos), pool_(&pool) {}

  void add(const SnapshotInfo& info, const SnapshotSeries& series);
  // The same, from what the store gives back on restart.
  void add(const SnapshotInfo& info, const std::vector<SiteValue>& sites,
           std::map<std::string, double> scalars);

  TargetHistory history() const;
  // Heap snapshots not counted because they repeat the one before (profiles::same_gc_cycle).
  uint64_t heap_repeats() const { return heap_repeats_; }

 private:
  struct Site {
    std::shared_ptr<const Frames> frames;
    int64_t value = 0;
    int64_t count = 0;
  };
  struct Point {
    SnapshotInfo info;
    std::vector<Site> sites;
    std::map<std::string, double> scalars;
    bool repeat = false;  // a heap profile of the same GC cycle as the point before it
  };

  void add_point(Point point);

  std::string target_;
  int64_t window_nanos_;
  StackPool* pool_;
  std::deque<Point> kinds_[kSnapshotKinds];
  uint64_t heap_repeats_ = 0;
};

}  // namespace leakseek::watch

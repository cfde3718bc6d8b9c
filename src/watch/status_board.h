#pragma once
// The daemon's live view of each target (last scrape, errors, latest figures) and its own
// counters, shared between the scheduling thread, which writes, and the HTTP server's threads,
// which read. Thread-safe.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace leakseek::watch {

struct TargetStatus {
  std::string name;
  std::string url;
  std::map<std::string, std::string> labels;
  bool up = false;  // the last scrape succeeded
  // "up", "down" (refused, errors, bad bodies) or "timed out" (a fetch ran out of its timeout:
  // a slow or stalled target), from the last scrape; "" before the first.
  std::string health;
  std::string last_error;          // of the last failed scrape
  int64_t last_scrape_nanos = 0;   // wall clock of the last completed scrape
  double last_scrape_seconds = 0;  // how long it took, all endpoints
  uint64_t scrapes = 0;
  uint64_t scrape_errors = 0;
  int64_t heap_inuse_bytes = -1;  // -1: not known yet
  int64_t goroutines = -1;
  int64_t goroutines_leaked = -1;  // in the last goroutine leak profile; -1: none scraped
  double finalizer_queue = -1;     // queued minus executed, when the target exports both
  double cleanup_queue = -1;       // the same for runtime.AddCleanup's queue
  // Optional endpoints (metrics, goroutine_leak) the target answered with 404: not served, which
  // is no error.
  std::vector<std::string> absent_endpoints;
  uint64_t firing_alerts = 0;
};

class StatusBoard {
 public:
  void set(const TargetStatus& status) {
    std::lock_guard lock(mutex_);
    targets_[status.name] = status;
  }
  std::vector<TargetStatus> targets() const {
    std::lock_guard lock(mutex_);
    std::vector<TargetStatus> out;
    for (const auto& [name, s] : targets_) out.push_back(s);
    return out;
  }
  void set_store_bytes(int64_t bytes) {
    std::lock_guard lock(mutex_);
    store_bytes_ = bytes;
  }
  int64_t store_bytes() const {
    std::lock_guard lock(mutex_);
    return store_bytes_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, TargetStatus> targets_;
  int64_t store_bytes_ = 0;
};

}  // namespace leakseek::watch

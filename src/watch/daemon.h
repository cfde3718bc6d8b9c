#pragma once
// The watch loop: schedule -> scrape -> store -> detect -> alert. One thread drives it; scrapes
// run concurrently inside the scraper, and alert delivery on the notifier's thread, so nothing
// here waits on a slow target or receiver. Restarting on the same data directory resumes with
// the stored history and firing alerts.
#include <atomic>
#include <functional>
#include <memory>

#include "watch/status_board.h"
#include "watch/watch_config.h"

namespace leakseek::watch {

struct DaemonHooks {
  // Called on the loop's thread for every alert that opens or resolves (the demo prints them).
  std::function<void(const Alert&)> on_alert_change;
  // Called after each completed round of a target (tests wait on it).
  std::function<void(const std::string& target)> on_round;
};

class Daemon {
 public:
  // Opens (creating) the store under config.data_dir. Throws StoreError or std::runtime_error.
  Daemon(WatchConfig config, StatusBoard& board, DaemonHooks hooks = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  const std::string& store_path() const;
  // Runs until `stop` becomes true (checked at least every 200 ms).
  void run(const std::atomic<bool>& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakseek::watch

#pragma once
// What `watch` and `demo` share: start the daemon and its HTTP server over one config, say
// where the UI is, and run until SIGINT/SIGTERM or a deadline.
#include <cstdint>
#include <functional>
#include <string>

#include "watch/daemon.h"

namespace leakseek::cli {

struct WatchRun {
  watch::WatchConfig config;
  watch::DaemonHooks hooks;
  int64_t duration_nanos = 0;  // 0: until a signal
  // When the configured port is taken, listen on a free one instead (the demo) rather than fail.
  bool any_port_if_busy = false;
  std::function<void(const std::string& ui_url)> on_listening;
};

// Returns when stopped. Throws on a bad config, a store that cannot open, or a port in use.
void run_watch(WatchRun run);

}  // namespace leakseek::cli

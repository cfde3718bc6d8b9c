#pragma once
// Delivers alert changes to the configured receivers on a thread of its own, so a slow webhook
// never holds up scraping: stdout (one line each), a generic JSON webhook, a Slack incoming
// webhook and Alertmanager (POST /api/v2/alerts). Each change is sent once per receiver
// (deduplicated by alert id and state), retried with backoff on failure, and rate-limited per
// receiver; Alertmanager is re-sent every resend_interval while an alert fires, and gets endsAt
// when it resolves.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "watch/watch_model.h"

namespace leakseek::watch {

enum class ReceiverKind { stdout_log, webhook, slack, alertmanager };

struct ReceiverConfig {
  ReceiverKind kind = ReceiverKind::stdout_log;
  std::string name;
  // Webhook URL, Slack webhook URL, or the Alertmanager base URL ("http://am:9093"; the
  // notifier posts to its /api/v2/alerts).
  std::string url;
};

struct NotifierOptions {
  std::chrono::milliseconds timeout{5'000};
  int retries = 3;
  std::chrono::milliseconds backoff{1'000};
  double max_per_minute = 30;  // per receiver; changes beyond it wait (0: no limit)
  double rate_burst = 5;       // posts a receiver may get back to back before the rate applies
  // Alertmanager, while firing; firing alerts carry endsAt = now + 3 × resend_interval so that
  // Alertmanager resolves them by itself only if leakseek stops re-sending.
  std::chrono::milliseconds resend_interval{60'000};
  std::string ui_base_url;  // links in payloads: UI_BASE/#/alerts/ID; empty: no links
  FILE* log = stdout;       // where the stdout receiver writes
};

class Notifier {
 public:
  Notifier(std::vector<ReceiverConfig> receivers, NotifierOptions options = {});
  ~Notifier();  // stops after a best-effort flush of at most options.timeout
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Queues delivery of the alert's current state to every receiver; never blocks on the network.
  void notify(const Alert& alert);
  // Waits until every queued delivery has succeeded or given up, or the timeout passes; true
  // when nothing is left.
  bool flush(std::chrono::milliseconds timeout);

  // Delivery counters for /metrics.
  struct Counters {
    uint64_t sent = 0, failed = 0, retried = 0;
  };
  Counters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakseek::watch

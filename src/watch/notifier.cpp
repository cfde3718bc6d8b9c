#include "watch/notifier.h"

#include <curl/curl.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "watch/http_client_curl.h"
#include "watch/render/alert_payloads.h"

namespace leakseek::watch {

namespace {

using Clock = std::chrono::steady_clock;

// Resolved alerts remembered for deduplication; older ones are forgotten so that a long-running
// daemon does not keep every alert it ever sent.
constexpr size_t kRememberedResolved = 4096;

int64_t wall_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class TokenBucket {
 public:
  TokenBucket(double per_minute, double burst)
      : per_second_(per_minute / 60.0), capacity_(std::max(1.0, burst)), tokens_(capacity_) {}

  bool take(Clock::time_point now) {
    if (per_second_ <= 0) return true;
    refill(now);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }
  // When take() will next succeed.
  Clock::time_point next(Clock::time_point now) {
    refill(now);
    if (per_second_ <= 0 || tokens_ >= 1) return now;
    return now + std::chrono::ceil<Clock::duration>(
                     std::chrono::duration<double>((1 - tokens_) / per_second_));
  }

 private:
  void refill(Clock::time_point now) {
    if (last_ != Clock::time_point{})
      tokens_ = std::min(
          capacity_, tokens_ + per_second_ * std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  double per_second_, capacity_, tokens_;
  Clock::time_point last_{};
};

struct Delivery {
  // The changes to send: one for webhooks and Slack; Alertmanager takes every change queued
  // behind a post in flight as one array.
  std::vector<Alert> alerts;
  bool resend = false;  // Alertmanager: every alert still firing, as it is when sent
  int attempts = 0;
  Clock::time_point not_before;
};

struct Receiver {
  ReceiverConfig config;
  std::string post_url;
  TokenBucket bucket;
  std::map<int64_t, AlertState> last_state;  // what each alert's last queued change was
  std::deque<int64_t> resolved_order;
  std::map<int64_t, Alert> firing;  // Alertmanager: re-sent while they fire
  Clock::time_point next_resend;
  // One post at a time, in order: a resolve never overtakes its firing.
  std::deque<Delivery> queue;
  CurlEasy easy;
  bool in_flight = false;
  std::string body;  // of the post in flight; curl reads it in place

  Receiver(ReceiverConfig c, const NotifierOptions& o)
      : config(std::move(c)), bucket(o.max_per_minute, o.rate_burst) {
    post_url = config.url;
    if (config.kind == ReceiverKind::alertmanager) {
      while (!post_url.empty() && post_url.back() == '/') post_url.pop_back();
      const std::string path = "/api/v2/alerts";
      if (post_url.size() < path.size() ||
          post_url.compare(post_url.size() - path.size(), path.size(), path) != 0)
        post_url += path;
    }
  }
};

const char* kind_label(ReceiverKind k) {
  switch (k) {
    case ReceiverKind::stdout_log:
      return "stdout";
    case ReceiverKind::webhook:
      return "webhook";
    case ReceiverKind::slack:
      return "slack";
    case ReceiverKind::alertmanager:
      return "alertmanager";
  }
  return "?";
}

}  // namespace

struct Notifier::Impl {
  NotifierOptions options;
  // Declared before the receivers, so it outlives their easy handles and the header list they
  // point at.
  CurlMulti multi;
  CurlList json_header;
  std::deque<Receiver> receivers;  // deque: curl keeps pointers to them
  std::mt19937_64 rng{std::random_device{}()};

  mutable std::mutex mutex;
  std::condition_variable idle_changed;
  std::deque<Alert> inbox;
  bool idle = true;
  bool stopping = false;
  Counters counters;
  std::thread worker;

  Impl(std::vector<ReceiverConfig> configs, NotifierOptions o) : options(std::move(o)) {
    init_curl_once();
    for (auto& c : configs) {
      if (c.kind != ReceiverKind::stdout_log && c.url.empty())
        throw std::invalid_argument(std::string(kind_label(c.kind)) + " receiver " +
                                    (c.name.empty() ? "" : "'" + c.name + "' ") + "has no url");
      receivers.emplace_back(std::move(c), options);
    }
    multi.reset(curl_multi_init());
    if (!multi) throw std::runtime_error("cannot create a libcurl multi handle");
    json_header.reset(curl_slist_append(nullptr, "Content-Type: application/json"));
    // No "Expect: 100-continue" round trip before larger bodies: not every receiver answers it.
    json_header.reset(curl_slist_append(json_header.release(), "Expect:"));
    worker = std::thread([this] { run(); });
  }

  ~Impl() {
    flush(options.timeout);
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    curl_multi_wakeup(multi.get());
    worker.join();
    // A handle leaves the multi handle before it is cleaned up.
    for (auto& r : receivers)
      if (r.easy && r.in_flight) curl_multi_remove_handle(multi.get(), r.easy.get());
  }

  void notify(const Alert& alert) {
    {
      std::lock_guard lock(mutex);
      inbox.push_back(alert);
      idle = false;
    }
    curl_multi_wakeup(multi.get());
  }

  bool flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return idle_changed.wait_for(lock, timeout, [&] { return idle; });
  }

  void count(uint64_t Counters::*field) {
    std::lock_guard lock(mutex);
    counters.*field += 1;
  }

  // Records the alert's state for the receiver; false when that state was already queued.
  static bool is_new_state(Receiver& r, const Alert& alert) {
    auto it = r.last_state.find(alert.id);
    if (it != r.last_state.end() && it->second == alert.state) return false;
    r.last_state[alert.id] = alert.state;
    if (alert.state == AlertState::resolved) {
      r.resolved_order.push_back(alert.id);
      if (r.resolved_order.size() > kRememberedResolved) {
        auto old = r.last_state.find(r.resolved_order.front());
        if (old != r.last_state.end() && old->second == AlertState::resolved)
          r.last_state.erase(old);
        r.resolved_order.pop_front();
      }
    }
    return true;
  }

  static void enqueue(Receiver& r, const Alert& alert, Clock::time_point now) {
    if (r.config.kind == ReceiverKind::alertmanager && !r.queue.empty() &&
        r.queue.back().attempts == 0 && !r.queue.back().resend) {
      auto& batch = r.queue.back().alerts;
      auto same = std::find_if(batch.begin(), batch.end(),
                               [&](const Alert& a) { return a.id == alert.id; });
      if (same != batch.end())
        *same = alert;
      else
        batch.push_back(alert);
      return;
    }
    r.queue.push_back({{alert}, false, 0, now});
  }

  // Queues the change for each receiver that has not had this state of this alert yet.
  void dispatch(const Alert& alert, Clock::time_point now) {
    bool firing = alert.state == AlertState::firing;
    for (auto& r : receivers) {
      bool alertmanager = r.config.kind == ReceiverKind::alertmanager;
      if (alertmanager && firing && r.firing.count(alert.id))
        r.firing[alert.id] = alert;  // resends carry the latest evidence
      if (!is_new_state(r, alert)) continue;

      if (r.config.kind == ReceiverKind::stdout_log) {
        if (options.log) {
          std::fprintf(options.log, "%s\n", render::alert_log_line(alert).c_str());
          std::fflush(options.log);
        }
        count(&Counters::sent);
        continue;
      }
      if (alertmanager && firing) {
        if (r.firing.empty()) r.next_resend = now + options.resend_interval;
        r.firing[alert.id] = alert;
      } else if (alertmanager) {
        r.firing.erase(alert.id);
      }
      enqueue(r, alert, now);
    }
  }

  void schedule_resends(Clock::time_point now, Clock::time_point& wake) {
    for (auto& r : receivers) {
      if (r.config.kind != ReceiverKind::alertmanager || r.firing.empty()) continue;
      if (now < r.next_resend) {
        wake = std::min(wake, r.next_resend);
        continue;
      }
      r.next_resend = now + options.resend_interval;
      wake = std::min(wake, r.next_resend);
      // One resend waiting is enough: it sends whatever fires when its turn comes.
      bool queued =
          std::any_of(r.queue.begin(), r.queue.end(), [](const Delivery& d) { return d.resend; });
      if (!queued) r.queue.push_back({{}, true, 0, now});
    }
  }

  std::string render(const Receiver& r, const Delivery& d) const {
    nlohmann::json body;
    switch (r.config.kind) {
      case ReceiverKind::webhook:
        body = render::webhook_payload(d.alerts.front(), options.ui_base_url);
        break;
      case ReceiverKind::slack:
        body = render::slack_payload(d.alerts.front(), options.ui_base_url);
        break;
      case ReceiverKind::alertmanager: {
        std::vector<Alert> alerts = d.alerts;
        if (d.resend)
          for (const auto& [id, a] : r.firing) alerts.push_back(a);
        int64_t hold =
            std::chrono::duration_cast<std::chrono::nanoseconds>(3 * options.resend_interval)
                .count();
        body = render::alertmanager_payload(alerts, options.ui_base_url, wall_nanos() + hold);
        break;
      }
      case ReceiverKind::stdout_log:
        break;
    }
    // Names from targets may hold invalid UTF-8; a receiver still gets the alert.
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  void start_next(Receiver& r, Clock::time_point now, Clock::time_point& wake) {
    while (!r.in_flight && !r.queue.empty()) {
      Delivery& d = r.queue.front();
      if (d.resend && r.firing.empty()) {  // everything resolved meanwhile
        r.queue.pop_front();
        continue;
      }
      if (d.not_before > now) {
        wake = std::min(wake, d.not_before);
        return;
      }
      if (!r.bucket.take(now)) {
        wake = std::min(wake, r.bucket.next(now));
        return;
      }
      d.attempts++;
      r.body = render(r, d);
      if (!r.easy) {
        r.easy.reset(curl_easy_init());
        if (!r.easy) throw std::runtime_error("cannot create a libcurl easy handle");
        set_common_transfer_options(r.easy.get(), options.timeout, options.timeout);
        curl_easy_setopt(r.easy.get(), CURLOPT_URL, r.post_url.c_str());
        curl_easy_setopt(r.easy.get(), CURLOPT_HTTPHEADER, json_header.get());
        curl_easy_setopt(r.easy.get(), CURLOPT_PRIVATE, &r);
        // Receivers answer "ok" or a short JSON; nothing in it is needed.
        curl_easy_setopt(
            r.easy.get(), CURLOPT_WRITEFUNCTION,
            +[](char*, size_t size, size_t n, void*) { return size * n; });
      }
      curl_easy_setopt(r.easy.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(r.body.size()));
      curl_easy_setopt(r.easy.get(), CURLOPT_POSTFIELDS, r.body.c_str());
      if (curl_multi_add_handle(multi.get(), r.easy.get()) != CURLM_OK)
        throw std::runtime_error("cannot add a transfer to libcurl");
      r.in_flight = true;
    }
  }

  void complete(CURL* easy, CURLcode code, Clock::time_point now) {
    Receiver* r = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &r);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_multi_remove_handle(multi.get(), easy);
    if (!r || !r->in_flight || r->queue.empty()) return;
    r->in_flight = false;
    Delivery& d = r->queue.front();
    if (code == CURLE_OK && status >= 200 && status <= 299) {
      count(&Counters::sent);
      r->queue.pop_front();
    } else if (d.attempts <= options.retries) {
      count(&Counters::retried);
      d.not_before = now + retry_backoff(options.backoff, d.attempts, rng);
    } else {
      count(&Counters::failed);
      r->queue.pop_front();
    }
  }

  bool has_work() const {
    return std::any_of(receivers.begin(), receivers.end(),
                       [](const Receiver& r) { return r.in_flight || !r.queue.empty(); });
  }

  void run() {
    for (;;) {
      std::deque<Alert> incoming;
      {
        std::lock_guard lock(mutex);
        if (stopping) return;
        incoming.swap(inbox);
      }
      auto now = Clock::now();
      auto wake = now + std::chrono::seconds(1);
      for (const auto& a : incoming) dispatch(a, now);
      schedule_resends(now, wake);
      for (auto& r : receivers) {
        try {
          start_next(r, now, wake);
        } catch (const std::exception&) {
          // Cannot even start the post: give up on this change, keep serving the others.
          r.queue.pop_front();
          count(&Counters::failed);
        }
      }

      int running = 0;
      curl_multi_perform(multi.get(), &running);
      bool completed = false;
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        complete(msg->easy_handle, msg->data.result, Clock::now());
        completed = true;
      }
      {
        std::lock_guard lock(mutex);
        idle = inbox.empty() && !has_work();
      }
      idle_changed.notify_all();
      if (completed) continue;  // the next post of that receiver may start now

      auto ms = std::chrono::ceil<std::chrono::milliseconds>(wake - Clock::now()).count();
      curl_multi_poll(multi.get(), nullptr, 0, static_cast<int>(std::clamp<int64_t>(ms, 0, 1000)),
                      nullptr);
    }
  }
};

Notifier::Notifier(std::vector<ReceiverConfig> receivers, NotifierOptions options)
    : impl_(std::make_unique<Impl>(std::move(receivers), std::move(options))) {}

Notifier::~Notifier() = default;

void Notifier::notify(const Alert& alert) {
  impl_->notify(alert);
}

bool Notifier::flush(std::chrono::milliseconds timeout) {
  return impl_->flush(timeout);
}

Notifier::Counters Notifier::counters() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->counters;
}

}  // namespace leakseek::watch

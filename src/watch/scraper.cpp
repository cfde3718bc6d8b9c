#include "watch/scraper.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include "watch/http_client_curl.h"

namespace leakseek::watch {

namespace {

using Clock = std::chrono::steady_clock;

// Body bytes held by all running transfers, against the one budget.
struct InFlight {
  uint64_t bytes = 0;
  uint64_t budget = 0;
};

// One fetch across all its attempts.
struct Transfer {
  ScrapeRequest request;
  Clock::time_point submitted;
  // The fetch's time runs from its first attempt, not from its submission: waiting for a free
  // concurrency slot is not the target's slowness.
  Clock::time_point started;
  Clock::time_point deadline;  // of the whole fetch, retries included
  int attempts = 0;
  uint64_t max_body_bytes = 0;
  InFlight* in_flight = nullptr;
  bool too_large = false;
  bool over_budget = false;
  std::vector<uint8_t> body;

  // Gives the body's bytes back to the budget.
  void drop_body() { in_flight->bytes -= release_body().capacity(); }

  // Moves the body out of the transfer; the caller gives its capacity back to the budget.
  std::vector<uint8_t> release_body() {
    std::vector<uint8_t> out;
    out.swap(body);
    return out;
  }
};

size_t append_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  if (t->body.size() + bytes > t->max_body_bytes) {
    t->too_large = true;
    return 0;  // makes curl abort the transfer with CURLE_WRITE_ERROR
  }
  // The budget counts capacity, which is what the bodies cost: growth doubles, as far as the
  // budget and the cap allow, and then takes only what is needed.
  const size_t need = t->body.size() + bytes;
  const size_t capacity = t->body.capacity();
  if (need > capacity) {
    const uint64_t left = t->in_flight->budget - t->in_flight->bytes;
    size_t grown = std::max<size_t>(need, std::min<uint64_t>(capacity * 2, t->max_body_bytes));
    if (grown - capacity > left) grown = need;
    if (grown - capacity > left) {
      t->over_budget = true;
      return 0;
    }
    t->body.reserve(grown);
    t->in_flight->bytes += t->body.capacity() - capacity;
  }
  t->body.insert(t->body.end(), data, data + bytes);
  return bytes;
}

// How an attempt ended.
struct Outcome {
  bool ok = false;
  bool retriable = false;
  bool timed_out = false;
  long http_status = 0;
  std::string error;
};

bool is_retriable_transport_error(CURLcode code) {
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR:
    case CURLE_OUT_OF_MEMORY:
      return false;
    default:
      return true;  // refused, timed out, reset, unresolvable: may pass next time
  }
}

std::chrono::milliseconds elapsed(const Transfer& t, Clock::time_point now) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(now - t.started);
}

}  // namespace

struct Scraper::Impl {
  ScrapeOptions options;
  // Declared first, so it outlives the easy handles that are added to it and the header list
  // they point at.
  CurlMulti multi;
  CurlList headers;
  // Easy handles are reused so that a transfer costs no allocation of curl state; the multi
  // handle keeps the connection and DNS caches that all of them share.
  std::vector<CurlEasy> idle_handles;
  std::deque<std::unique_ptr<Transfer>> queued;
  std::multimap<Clock::time_point, std::unique_ptr<Transfer>> retrying;
  struct Running {
    CurlEasy easy;
    std::unique_ptr<Transfer> transfer;
  };
  std::unordered_map<CURL*, Running> running;
  std::mt19937_64 rng{std::random_device{}()};
  InFlight in_flight;

  explicit Impl(ScrapeOptions o) : options(std::move(o)) {
    if (options.max_concurrency == 0) options.max_concurrency = 1;
    in_flight.budget = options.max_in_flight_bytes;
    init_curl_once();
    multi.reset(curl_multi_init());
    if (!multi) throw std::runtime_error("cannot create a libcurl multi handle");
    if (!options.bearer_token.empty())
      headers.reset(
          curl_slist_append(nullptr, ("Authorization: Bearer " + options.bearer_token).c_str()));
  }

  // A handle leaves the multi handle before it is cleaned up.
  ~Impl() {
    for (auto& [easy, r] : running) curl_multi_remove_handle(multi.get(), easy);
  }

  CurlEasy take_handle() {
    if (!idle_handles.empty()) {
      CurlEasy easy = std::move(idle_handles.back());
      idle_handles.pop_back();
      return easy;
    }
    CurlEasy easy(curl_easy_init());
    if (!easy) throw std::runtime_error("cannot create a libcurl easy handle");
    set_common_transfer_options(easy.get(), options.timeout, options.connect_timeout);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(easy.get(), CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options.max_body_bytes));
    if (headers) curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
    return easy;
  }

  void start(std::unique_ptr<Transfer> t, Clock::time_point now) {
    CurlEasy handle = take_handle();
    CURL* easy = handle.get();
    if (t->attempts == 0) {
      t->started = now;
      t->deadline = now + options.timeout;
    }
    t->attempts++;
    t->too_large = false;
    t->over_budget = false;
    // An attempt may use what the fetch has left, so retries never stretch it past its timeout.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(t->deadline - now).count();
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(left, 1)));
    curl_easy_setopt(easy, CURLOPT_URL, t->request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
    if (curl_multi_add_handle(multi.get(), easy) != CURLM_OK) {
      idle_handles.push_back(std::move(handle));
      throw std::runtime_error("cannot add a transfer to libcurl");
    }
    running.emplace(easy, Running{std::move(handle), std::move(t)});
  }

  // Moves retries whose delay has passed to the queue, then fills the free concurrency slots.
  void start_due(Clock::time_point now) {
    while (!retrying.empty() && retrying.begin()->first <= now) {
      queued.push_back(std::move(retrying.begin()->second));
      retrying.erase(retrying.begin());
    }
    while (!queued.empty() && running.size() < options.max_concurrency) {
      auto t = std::move(queued.front());
      queued.pop_front();
      start(std::move(t), now);
    }
  }

  Outcome outcome_of(CURL* easy, CURLcode code, const Transfer& t, Clock::time_point now) const {
    Outcome o;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &o.http_status);
    if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      o.error = fmt::format("response larger than {} bytes", options.max_body_bytes);
    } else if (t.over_budget) {
      o.error = fmt::format("in-flight budget of {} bytes exhausted by all transfers together",
                            options.max_in_flight_bytes);
      o.retriable = true;
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      // A connect timeout may pass on another attempt; a transfer timeout spent the fetch's time.
      o.retriable = !transfer_connected(easy);
      // How long the whole fetch ran, not the last attempt.
      o.error = timeout_message(easy, elapsed(t, now)) +
                (t.attempts > 1 ? fmt::format(" ({} attempts)", t.attempts) : "");
      o.timed_out = true;
    } else if (code != CURLE_OK) {
      o.error = transfer_error_message(easy, code);
      o.retriable = is_retriable_transport_error(code);
    } else if (o.http_status < 200 || o.http_status > 299) {
      o.error = fmt::format("HTTP {}", o.http_status);
      o.retriable = o.http_status >= 500 || o.http_status == 429;
    } else {
      o.ok = true;
    }
    return o;
  }

  void finish(CURL* easy, CURLcode code, std::vector<ScrapeResult>& done) {
    auto it = running.find(easy);
    if (it == running.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second.transfer);
    CurlEasy handle = std::move(it->second.easy);
    running.erase(it);
    auto now = Clock::now();
    Outcome o = outcome_of(easy, code, *t, now);
    curl_multi_remove_handle(multi.get(), easy);
    idle_handles.push_back(std::move(handle));

    if (!o.ok && o.retriable && t->attempts <= options.retries) {
      auto due = now + retry_backoff(options.backoff, t->attempts, rng);
      // A retry that could not start before the fetch's deadline would only time out.
      if (due < t->deadline) {
        t->drop_body();
        retrying.emplace(due, std::move(t));
        return;
      }
    }
    ScrapeResult r;
    r.tag = t->request.tag;
    r.url = std::move(t->request.url);
    r.ok = o.ok;
    r.http_status = o.http_status;
    r.error = std::move(o.error);
    r.timed_out = o.timed_out;
    // The body leaves the budget with the result: the caller holds it only while it handles it.
    if (o.ok) {
      r.body = t->release_body();
      in_flight.bytes -= r.body.capacity();
    } else {
      t->drop_body();
    }
    r.attempts = t->attempts;
    r.seconds = std::chrono::duration<double>(now - t->submitted).count();
    done.push_back(std::move(r));
  }

  void collect(std::vector<ScrapeResult>& done) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left))
      if (msg->msg == CURLMSG_DONE) finish(msg->easy_handle, msg->data.result, done);
  }

  size_t pending() const { return queued.size() + running.size() + retrying.size(); }

  std::vector<ScrapeResult> poll(std::chrono::milliseconds wait) {
    auto deadline = Clock::now() + wait;
    std::vector<ScrapeResult> done;
    for (;;) {
      start_due(Clock::now());
      int still_running = 0;
      curl_multi_perform(multi.get(), &still_running);
      collect(done);
      auto now = Clock::now();
      if (!done.empty()) {
        start_due(now);  // freed slots start now, not on the caller's next poll
        return done;
      }
      if (now >= deadline || pending() == 0) return done;
      auto until = deadline;
      if (!retrying.empty()) until = std::min(until, retrying.begin()->first);
      // Rounded up: waking a little early would only spin until the retry is due.
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
      curl_multi_poll(multi.get(), nullptr, 0, static_cast<int>(std::clamp<int64_t>(ms, 0, 60'000)),
                      nullptr);
    }
  }
};

Scraper::Scraper(ScrapeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Scraper::~Scraper() = default;

void Scraper::submit(ScrapeRequest request) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->submitted = Clock::now();
  t->max_body_bytes = impl_->options.max_body_bytes;
  t->in_flight = &impl_->in_flight;
  impl_->queued.push_back(std::move(t));
}

std::vector<ScrapeResult> Scraper::poll(std::chrono::milliseconds wait) {
  return impl_->poll(wait);
}

size_t Scraper::pending() const {
  return impl_->pending();
}

uint64_t Scraper::in_flight_bytes() const {
  return impl_->in_flight.bytes;
}

}  // namespace leakseek::watch

#pragma once
// Fetches target endpoints over HTTP with libcurl's multi interface, on the caller's thread:
// every transfer has a timeout and a response size cap, failures are retried with exponential
// backoff and jitter, and at most max_concurrency transfers run at once, so a slow or dead
// target never delays the others. The scheduler decides what to fetch; the scraper only fetches.
// Bodies are kept exactly as served (no content decoding) and redirects are not followed.
// Not thread-safe: submit, poll and pending are called from one thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace leakseek::watch {

struct ScrapeOptions {
  // The whole fetch: connect, transfer and every retry. A target that sends its body slowly
  // (one byte a second) fails with "timed out" when it runs out, rather than keeping a
  // transfer open for ever and the target looking merely quiet.
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds connect_timeout{3'000};
  uint64_t max_body_bytes = 64ull << 20;  // larger: "response larger than N bytes", no retry
  // One budget for the body bytes of every running transfer together, so the scraper's memory
  // is bounded whatever the targets send: a transfer whose next bytes would pass it fails
  // ("in-flight budget ... exhausted") and is retried after its backoff, when others are done.
  uint64_t max_in_flight_bytes = 256ull << 20;
  size_t max_concurrency = 64;
  // Extra attempts after a failure that may pass next time: connect errors, timeouts, HTTP 5xx
  // and 429 (not other 4xx, nor a body over the cap).
  int retries = 2;
  std::chrono::milliseconds backoff{500};  // first retry delay; doubles, with jitter
  std::string bearer_token;                // sent as Authorization when not empty
};

struct ScrapeRequest {
  uint64_t tag = 0;  // the caller's, returned with the result (target index and endpoint)
  std::string url;
};

struct ScrapeResult {
  uint64_t tag = 0;
  std::string url;
  bool ok = false;       // 2xx with a complete body within the cap
  long http_status = 0;  // 0 when no response arrived
  std::string error;  // when !ok: "connection refused", "timed out after 10.0 s", "HTTP 500", ...
  bool timed_out = false;     // the fetch ran out of its timeout (slow or stalled target)
  std::vector<uint8_t> body;  // when ok
  int attempts = 0;
  double seconds = 0;  // from submit to completion, retries included
};

class Scraper {
 public:
  explicit Scraper(ScrapeOptions options = {});
  ~Scraper();
  Scraper(const Scraper&) = delete;
  Scraper& operator=(const Scraper&) = delete;

  // Queues a fetch; never blocks. Requests beyond max_concurrency wait their turn in order.
  void submit(ScrapeRequest request);
  // Drives transfers for at most `wait` (returning early when some complete) and returns the
  // fetches that finished, successfully or after their last retry.
  std::vector<ScrapeResult> poll(std::chrono::milliseconds wait);
  // Queued, running or waiting to retry.
  size_t pending() const;
  // Body bytes (capacity) held by running transfers now; never above max_in_flight_bytes.
  uint64_t in_flight_bytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace leakseek::watch

#pragma once
// What the scraper and the notifier share about libcurl: its one-time global setup, the options
// every transfer gets, and short human messages for failed transfers.
#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

namespace leakseek::watch {

// libcurl handles that free themselves.
struct CurlEasyCleanup {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct CurlMultiCleanup {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct CurlListFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyCleanup>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiCleanup>;
using CurlList = std::unique_ptr<curl_slist, CurlListFree>;

// curl_global_init, once per process, from whichever thread gets here first.
void init_curl_once();

// Options common to every transfer: no signals (we run on threads), whole-transfer and connect
// timeouts, http and https only, no redirects, and bodies kept exactly as served (no content
// decoding: pprof bodies are gzip already and the store keeps them byte for byte).
void set_common_transfer_options(CURL* easy, std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds connect_timeout);

// Whether a transfer got as far as a connection: a timeout before it is a connect timeout.
bool transfer_connected(CURL* easy);

// "timed out after 2.0 s", or "connect timed out after 3.0 s" when no connection was made.
std::string timeout_message(CURL* easy, std::chrono::milliseconds elapsed);

// "connection refused", "timed out after 2.0 s", "cannot resolve host" ... for a transfer that
// ended with `code`; timeouts say how long the attempt ran.
std::string transfer_error_message(CURL* easy, CURLcode code);

// How long to wait before the next attempt after `failed_attempts` (1, 2, ...) failures:
// base × 2^(failed_attempts-1), ±25% at random so that targets or receivers that failed together
// are not retried together.
std::chrono::milliseconds retry_backoff(std::chrono::milliseconds base, int failed_attempts,
                                        std::mt19937_64& rng);

// "2.0 s", "250 ms"
std::string format_duration(std::chrono::milliseconds d);

}  // namespace leakseek::watch

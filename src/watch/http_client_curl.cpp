#include "watch/http_client_curl.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace leakseek::watch {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("cannot initialise libcurl");
  });
}

void set_common_transfer_options(CURL* easy, std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds connect_timeout) {
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "leakseek-watch");
}

std::chrono::milliseconds retry_backoff(std::chrono::milliseconds base, int failed_attempts,
                                        std::mt19937_64& rng) {
  double factor = static_cast<double>(uint64_t{1} << std::clamp(failed_attempts - 1, 0, 20));
  std::uniform_real_distribution<double> jitter(0.75, 1.25);
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(base.count()) * factor * jitter(rng)));
}

std::string format_duration(std::chrono::milliseconds d) {
  if (d.count() < 1000) return fmt::format("{} ms", d.count());
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1000.0);
}

bool transfer_connected(CURL* easy) {
  curl_off_t connected_us = 0;
  curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected_us);
  return connected_us != 0;
}

std::string timeout_message(CURL* easy, std::chrono::milliseconds elapsed) {
  return (transfer_connected(easy) ? "timed out after " : "connect timed out after ") +
         format_duration(elapsed);
}

std::string transfer_error_message(CURL* easy, CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT: {
      long os_errno = 0;
      curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
      if (os_errno == ECONNREFUSED || os_errno == 0) return "connection refused";
      return fmt::format("cannot connect: {}", std::strerror(static_cast<int>(os_errno)));
    }
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t elapsed_us = 0;
      curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &elapsed_us);
      return timeout_message(easy, std::chrono::milliseconds(elapsed_us / 1000));
    }
    case CURLE_COULDNT_RESOLVE_HOST:
      return "cannot resolve host";
    case CURLE_GOT_NOTHING:
      return "empty reply";
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
      return "connection closed mid-response";
    case CURLE_URL_MALFORMAT:
      return "malformed URL";
    case CURLE_UNSUPPORTED_PROTOCOL:
      return "unsupported URL scheme (http and https only)";
    default:
      return curl_easy_strerror(code);
  }
}

}  // namespace leakseek::watch

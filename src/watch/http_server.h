#pragma once
// The daemon's HTTP side: Prometheus /metrics, the JSON API under /api/ and the web UI, over
// the store (a read-only connection per request) and the status board. It never proxies to
// targets. Listening anywhere but loopback requires a bearer token; with a token set every
// /api/ and /metrics request must carry it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "watch/detector.h"
#include "watch/status_board.h"

namespace leakseek::watch {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 9464;  // 0: pick a free port (tests)
  std::string token;
  std::string store_path;                                   // the SQLite database the daemon writes
  int64_t window_nanos = int64_t{30} * 60 * 1'000'000'000;  // for /api/.../trends
  DetectionThresholds thresholds;
};

class HttpServer {
 public:
  // Throws std::invalid_argument when host is not loopback and token is empty, and
  // std::runtime_error when it cannot bind.
  HttpServer(HttpServerOptions options, const StatusBoard& board);
  ~HttpServer();  // stops serving
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;  // the bound port
  // "http://127.0.0.1:9464"
  std::string base_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace leakseek::watch

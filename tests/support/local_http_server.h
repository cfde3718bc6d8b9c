#pragma once
// A small HTTP server on 127.0.0.1 for tests of code that talks HTTP: register handlers, start
// it on a free port on a thread of its own, and read back every request it received.
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace leakseek::test {

struct RecordedRequest {
  std::string method;
  std::string path;  // without the query
  std::multimap<std::string, std::string> params;
  // Header names as the client sent them; look them up with header().
  std::multimap<std::string, std::string> headers;
  std::string body;
  std::chrono::steady_clock::time_point received;

  // The first value of the header, case-insensitively; "" when absent.
  std::string header(const std::string& name) const;
};

struct LocalHttpServerOptions {
  size_t threads = 16;  // handlers that may run at once
  // Off by default: httplib holds a thread per idle kept-alive connection and only notices
  // stop() when the keep-alive timeout passes.
  bool keep_alive = false;
};

class LocalHttpServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  explicit LocalHttpServer(LocalHttpServerOptions options = {});
  ~LocalHttpServer();  // stops
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  // Registers a handler for METHOD ("GET", "POST", ...) and an httplib path pattern. Register
  // before start(). Unregistered paths get 404 (and are recorded too).
  void handle(const std::string& method, const std::string& pattern, Handler handler);
  // Binds 127.0.0.1 on a free port and serves on a thread; returns once it accepts connections.
  void start();
  // Stops accepting, releases handlers waiting in wait_unless_stopped, joins. Idempotent.
  void stop();

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" followed by `path`.
  std::string url(const std::string& path = "") const;

  // Every request received so far, in arrival order (recorded as its handler starts).
  std::vector<RecordedRequest> requests() const;
  std::vector<RecordedRequest> requests(const std::string& path) const;
  // Waits until at least `n` requests (to `path`, or any when empty) arrived; false on timeout.
  bool wait_for_requests(size_t n, std::chrono::milliseconds timeout,
                         const std::string& path = "") const;

  // For handlers that simulate a slow server: sleeps `d`, returning early when the server stops
  // so that tests never wait for a handler to finish sleeping. True when it slept the whole time.
  bool wait_unless_stopped(std::chrono::milliseconds d) const;

 private:
  void record(const httplib::Request& req);
  void route(const std::string& method, const std::string& pattern, Handler handler);
  size_t count_locked(const std::string& path) const;

  LocalHttpServerOptions options_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<RecordedRequest> requests_;
  bool stopping_ = false;
  bool started_ = false;
};

// A port on 127.0.0.1 that nothing listens on (it was free a moment ago): connecting to it is
// refused.
int closed_port();

}  // namespace leakseek::test

#include "cli/watch_runner.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>

#include "watch/http_server.h"

namespace leakseek::cli {

namespace {

std::atomic<bool> g_stop{false};

void request_stop(int) {
  g_stop.store(true);
}

}  // namespace

void run_watch(WatchRun run) {
  watch::finish_watch_config(run.config);
  watch::StatusBoard board;
  watch::Daemon daemon(run.config, board, run.hooks);

  watch::HttpServerOptions http;
  std::tie(http.host, http.port) = watch::split_listen_address(run.config.listen);
  http.token = run.config.token;
  http.store_path = daemon.store_path();
  http.window_nanos = run.config.window_nanos;
  http.thresholds = run.config.thresholds;
  std::unique_ptr<watch::HttpServer> server;
  try {
    server = std::make_unique<watch::HttpServer>(http, board);
  } catch (const std::runtime_error&) {
    if (!run.any_port_if_busy || http.port == 0) throw;
    http.port = 0;
    server = std::make_unique<watch::HttpServer>(http, board);
  }
  if (run.on_listening) run.on_listening(server->base_url() + "/");

  g_stop.store(false);
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::thread deadline;
  if (run.duration_nanos > 0) {
    // Sleeps in short steps so a signal that stops the daemon also ends this thread soon.
    deadline = std::thread(
        [end = std::chrono::steady_clock::now() + std::chrono::nanoseconds(run.duration_nanos)] {
          while (!g_stop.load() && std::chrono::steady_clock::now() < end)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          g_stop.store(true);
        });
  }
  daemon.run(g_stop);
  g_stop.store(true);
  if (deadline.joinable()) deadline.join();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace leakseek::cli

#include "watch/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>

#include "watch/api_error.h"
#include "watch/api_params.h"
#include "watch/api_queries.h"
#include "watch/http_auth.h"
#include "watch/render/prometheus_metrics.h"
#include "watch/store.h"
#include "watch/ui_assets.h"

namespace leakseek::watch {

using nlohmann::json;

namespace {

constexpr size_t kTrendSites = 20;
constexpr size_t kSnapshotListLimit = 500;
constexpr size_t kSeriesMaxPoints = 2000;

// Invalid UTF-8 in a function name from a target's profile must not fail the whole answer.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(dump(body), "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, {{"error", message}});
}

std::optional<std::string> param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

int64_t now_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool needs_token(const std::string& path) {
  return path == "/metrics" || path == "/api" || path.rfind("/api/", 0) == 0;
}

SnapshotKind kind_param(const httplib::Request& req, std::initializer_list<SnapshotKind> allowed) {
  auto v = param(req, "kind");
  return v ? parse_kind_param("kind", *v, allowed) : SnapshotKind::heap;
}

int64_t since_param(const httplib::Request& req) {
  auto v = param(req, "since");
  return v ? parse_time_param("since", *v) : 0;
}

int64_t id_param(const httplib::Request& req, const char* name) {
  auto v = param(req, name);
  if (!v) throw ApiError(400, std::string("parameter ") + name + " is required");
  return parse_positive_param(name, *v);
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  const StatusBoard& board;
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
  int port = 0;

  Impl(HttpServerOptions o, const StatusBoard& b) : options(std::move(o)), board(b) {}

  // Runs a route with a fresh read-only connection to the store (SQLite's WAL lets it read
  // while the daemon writes) and turns every failure into a JSON error.
  template <typename Fn>
  httplib::Server::Handler with_store(Fn fn) {
    return [this, fn](const httplib::Request& req, httplib::Response& res) {
      try {
        Store store(options.store_path, true);
        fn(store, req, res);
      } catch (const ApiError& e) {
        send_error(res, e.status(), e.what());
      } catch (const std::exception& e) {
        send_error(res, 500, e.what());
      }
    };
  }

  void add_routes() {
    for (const UiAsset& asset : ui_assets()) {
      httplib::Server::Handler serve = [asset](const httplib::Request&, httplib::Response& res) {
        res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type));
        // The UI loads nothing from elsewhere and runs no inline code.
        res.set_header("Content-Security-Policy",
                       "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
      };
      server.Get(std::string(asset.path), serve);
      if (asset.path == "/index.html") server.Get("/", serve);
    }

    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(render::prometheus_metrics(board.targets(), board.store_bytes()),
                      std::string(render::kPrometheusContentType));
    });

    server.Get("/api/targets", with_store([this](const Store& store, const httplib::Request&,
                                                 httplib::Response& res) {
                 send_json(res, 200, api_targets(store, board));
               }));

    server.Get("/api/alerts", with_store([](const Store& store, const httplib::Request& req,
                                            httplib::Response& res) {
                 std::string state = param(req, "state").value_or("firing");
                 if (state != "firing" && state != "all")
                   throw ApiError(
                       400, "parameter state=" + state.substr(0, 64) + ": expected firing or all");
                 send_json(res, 200, api_alerts(store, state == "all"));
               }));

    server.Get(
        R"(/api/targets/(.+)/snapshots)",
        with_store([](const Store& store, const httplib::Request& req, httplib::Response& res) {
          auto kind = kind_param(req, {SnapshotKind::heap, SnapshotKind::goroutine,
                                       SnapshotKind::metrics, SnapshotKind::goroutine_leak});
          size_t limit = kSnapshotListLimit;
          if (auto v = param(req, "limit")) limit = parse_positive_param("limit", *v);
          send_json(res, 200, api_snapshots(store, req.matches[1], kind, since_param(req), limit));
        }));

    server.Get(
        R"(/api/targets/(.+)/series)",
        with_store([](const Store& store, const httplib::Request& req, httplib::Response& res) {
          auto kind = kind_param(
              req, {SnapshotKind::heap, SnapshotKind::goroutine, SnapshotKind::goroutine_leak});
          send_json(res, 200,
                    api_series(store, req.matches[1], kind, since_param(req), kSeriesMaxPoints));
        }));

    server.Get(
        R"(/api/targets/(.+)/trends)",
        with_store([this](const Store& store, const httplib::Request& req, httplib::Response& res) {
          auto kind = kind_param(req, {SnapshotKind::heap, SnapshotKind::goroutine});
          auto w = param(req, "window");
          int64_t window = w ? parse_duration_param("window", *w) : options.window_nanos;
          send_json(res, 200,
                    api_trends(store, req.matches[1], kind, window, now_nanos(), options.thresholds,
                               kTrendSites));
        }));

    server.Get(
        R"(/api/snapshots/([^/]+))",
        with_store([](const Store& store, const httplib::Request& req, httplib::Response& res) {
          send_json(res, 200,
                    api_snapshot(store, parse_positive_param("id", req.matches[1].str())));
        }));

    server.Get(
        R"(/api/snapshots/([^/]+)/raw)",
        with_store([](const Store& store, const httplib::Request& req, httplib::Response& res) {
          auto raw = api_snapshot_raw(store, parse_positive_param("id", req.matches[1].str()));
          res.set_header("Content-Disposition", "attachment; filename=\"" + raw.filename + "\"");
          res.set_content(reinterpret_cast<const char*>(raw.bytes.data()), raw.bytes.size(),
                          "application/octet-stream");
        }));

    server.Get(
        R"(/api/snapshots/([^/]+)/goroutines)",
        with_store([](const Store& store, const httplib::Request& req, httplib::Response& res) {
          send_json(
              res, 200,
              api_snapshot_goroutines(store, parse_positive_param("id", req.matches[1].str())));
        }));

    server.Get("/api/diff", with_store([](const Store& store, const httplib::Request& req,
                                          httplib::Response& res) {
                 send_json(res, 200, api_diff(store, id_param(req, "base"), id_param(req, "new")));
               }));
  }

  void add_guards() {
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (options.token.empty() || !needs_token(req.path) ||
          bearer_token_matches(req.get_header_value("Authorization"), options.token))
        return httplib::Server::HandlerResponse::Unhandled;
      res.set_header("WWW-Authenticate", "Bearer realm=\"leakseek\"");
      send_error(res, 401, "this endpoint needs an Authorization: Bearer token");
      return httplib::Server::HandlerResponse::Handled;
    });
    // Unknown routes and methods answer in JSON too; routes that failed already set a body.
    server.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request& req, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          send_error(res, res.status,
                     res.status == 404 ? "no such endpoint: " + req.method + " " + req.path
                                       : "cannot serve " + req.method + " " + req.path);
          return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_default_headers(
        {{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}});
    // httplib's default also sets SO_REUSEPORT, which would let a second daemon share the port
    // silently; SO_REUSEADDR alone still allows a quick restart.
    server.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server.set_payload_max_length(64 * 1024);  // the API takes no bodies
    server.set_read_timeout(5, 0);
    server.set_write_timeout(30, 0);
    // Short, so stopping never waits long on a browser's idle keep-alive connection.
    server.set_keep_alive_timeout(2);
  }

  void start() {
    const std::string& host = options.host;
    if (options.port == 0) {
      port = server.bind_to_any_port(host);
      if (port < 0) throw std::runtime_error("cannot listen on " + host + ": no free port");
    } else {
      if (!server.bind_to_port(host, options.port))
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(options.port) +
                                 " (in use, or not an address of this machine)");
      port = options.port;
    }
    thread = std::thread([this] {
      server.listen_after_bind();
      listen_returned = true;
    });
    // stop() before the accept loop starts would be lost, so the constructor returns only once
    // the server runs.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!server.is_running()) {
      if (listen_returned || std::chrono::steady_clock::now() > deadline) {
        stop();
        throw std::runtime_error("cannot serve on " + host + ":" + std::to_string(port));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void stop() {
    // Repeated until the accept loop has really ended, for the same race as in start().
    while (thread.joinable() && !listen_returned) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (thread.joinable()) thread.join();
  }
};

HttpServer::HttpServer(HttpServerOptions options, const StatusBoard& board) {
  if (!is_loopback_host(options.host) && options.token.empty())
    throw std::invalid_argument("refusing to listen on " + options.host +
                                " without a token: any address other than loopback needs "
                                "--token, so that only those who have it can read the API");
  impl_ = std::make_unique<Impl>(std::move(options), board);
  impl_->add_guards();
  impl_->add_routes();
  impl_->start();
}

HttpServer::~HttpServer() {
  impl_->stop();
}

int HttpServer::port() const {
  return impl_->port;
}

std::string HttpServer::base_url() const {
  const std::string& host = impl_->options.host;
  bool ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port);
}

}  // namespace leakseek::watch

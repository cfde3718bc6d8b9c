#include "support/local_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace leakseek::test {

std::string RecordedRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers)
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  return "";
}

LocalHttpServer::LocalHttpServer(LocalHttpServerOptions options) : options_(options) {
  size_t threads = options_.threads;
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  if (!options_.keep_alive) server_.set_keep_alive_max_count(1);
  server_.set_keep_alive_timeout(1);
}

LocalHttpServer::~LocalHttpServer() {
  stop();
}

void LocalHttpServer::record(const httplib::Request& req) {
  RecordedRequest r;
  r.method = req.method;
  r.path = req.path;
  r.params.insert(req.params.begin(), req.params.end());
  r.headers.insert(req.headers.begin(), req.headers.end());
  r.body = req.body;
  r.received = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(r));
  }
  changed_.notify_all();
}

void LocalHttpServer::route(const std::string& method, const std::string& pattern,
                            Handler handler) {
  // Recorded inside the route rather than in a pre-routing handler: httplib reads the body
  // only after pre-routing.
  auto recording = [this, handler = std::move(handler)](const httplib::Request& req,
                                                        httplib::Response& res) {
    record(req);
    handler(req, res);
  };
  if (method == "GET")
    server_.Get(pattern, std::move(recording));
  else if (method == "POST")
    server_.Post(pattern, std::move(recording));
  else if (method == "PUT")
    server_.Put(pattern, std::move(recording));
  else if (method == "DELETE")
    server_.Delete(pattern, std::move(recording));
  else
    throw std::invalid_argument("LocalHttpServer: unsupported method " + method);
}

void LocalHttpServer::handle(const std::string& method, const std::string& pattern,
                             Handler handler) {
  if (started_) throw std::logic_error("LocalHttpServer: handle() after start()");
  route(method, pattern, std::move(handler));
}

void LocalHttpServer::start() {
  if (started_) throw std::logic_error("LocalHttpServer: already started");
  // Last, so that registered patterns match first: everything else is recorded and gets 404.
  for (const char* method : {"GET", "POST", "PUT", "DELETE"})
    route(method, ".*", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("LocalHttpServer: cannot bind 127.0.0.1");
  started_ = true;
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_.is_running()) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("LocalHttpServer: did not start");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void LocalHttpServer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (!started_) return;
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string LocalHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<RecordedRequest> LocalHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<RecordedRequest> LocalHttpServer::requests(const std::string& path) const {
  std::lock_guard lock(mutex_);
  std::vector<RecordedRequest> out;
  for (const auto& r : requests_)
    if (r.path == path) out.push_back(r);
  return out;
}

size_t LocalHttpServer::count_locked(const std::string& path) const {
  if (path.empty()) return requests_.size();
  size_t n = 0;
  for (const auto& r : requests_) n += r.path == path;
  return n;
}

bool LocalHttpServer::wait_for_requests(size_t n, std::chrono::milliseconds timeout,
                                        const std::string& path) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return count_locked(path) >= n; });
}

bool LocalHttpServer::wait_unless_stopped(std::chrono::milliseconds d) const {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, d, [&] { return stopping_; });
}

int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("closed_port: socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("closed_port: bind failed");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace leakseek::test

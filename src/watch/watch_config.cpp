#include "watch/watch_config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "util/input_error.h"
#include "watch/http_server.h"

namespace leakseek::watch {

namespace {

// Quoted YAML strings and yaml-cpp's own messages can carry newlines and other control bytes
// from the file; errors must stay on the one line the daemon logs them as.
std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte >= 0x20 && byte != 0x7f) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

// "line N: ", or nothing for the null mark yaml-cpp gives errors it cannot place (yaml-cpp
// counts lines from 0, and the null mark's -1 would print as "line 0").
std::string line_of(const YAML::Mark& mark) {
  return mark.is_null() ? "" : "line " + std::to_string(mark.line + 1) + ": ";
}

// A YAML value of the wrong shape, with the line it is on.
[[noreturn]] void fail(const std::string& path, const YAML::Node& node, const std::string& what) {
  throw InputError(path, std::nullopt, line_of(node.Mark()) + printable(what));
}

// A token is one short line; the cap keeps token_file: /dev/zero from eating all memory.
constexpr std::streamsize kMaxTokenBytes = 4096;

// Past a day between scrapes nothing is being watched, and the cap keeps the intervals derived
// from it (resolve_after is two of them) far from overflowing.
constexpr int64_t kMaxIntervalNanos = int64_t{24} * 3'600'000'000'000;
// A year of history is more than any store keeps, and keeps now - window far from overflowing.
constexpr int64_t kMaxWindowNanos = int64_t{366} * 86'400'000'000'000;

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  // Every key of `map` must be one of `known`.
  void only(const YAML::Node& map, const char* section, std::initializer_list<const char*> known) {
    if (!map.IsMap()) fail(path_, map, std::string(section) + " must be a mapping");
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      bool ok = false;
      for (const char* k : known) ok = ok || key == k;
      if (!ok) fail(path_, kv.first, "unknown key \"" + key + "\" in " + section);
    }
  }

  std::string text(const YAML::Node& n, const char* key) {
    if (!n.IsScalar()) fail(path_, n, std::string(key) + " must be a string");
    return n.as<std::string>();
  }
  int64_t duration(const YAML::Node& n, const char* key) {
    try {
      return parse_duration_nanos(text(n, key));
    } catch (const std::invalid_argument& e) {
      fail(path_, n, std::string(key) + ": " + e.what());
    }
  }
  uint64_t bytes(const YAML::Node& n, const char* key) {
    try {
      return parse_byte_size(text(n, key));
    } catch (const std::invalid_argument& e) {
      fail(path_, n, std::string(key) + ": " + e.what());
    }
  }
  // Every number the file holds is a threshold, rate or count: .nan would make every comparison
  // false (a detector that never fires), a negative one would fire on everything.
  double number(const YAML::Node& n, const char* key) {
    double v = 0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      fail(path_, n, std::string(key) + " must be a number");
    }
    if (!std::isfinite(v) || v < 0) fail(path_, n, std::string(key) + " must be 0 or more");
    return v;
  }
  // Rates and sizes may be written with units ("1MiB"), counts without.
  double amount(const YAML::Node& n, const char* key) {
    if (!n.IsScalar()) fail(path_, n, std::string(key) + " must be a number or a size");
    double v = 0;
    try {
      v = n.as<double>();
    } catch (const YAML::Exception&) {
      return static_cast<double>(bytes(n, key));
    }
    if (!std::isfinite(v) || v < 0) fail(path_, n, std::string(key) + " must be 0 or more");
    return v;
  }
  // Sizes held in signed fields: 16EiB would wrap to a negative floor.
  int64_t signed_bytes(const YAML::Node& n, const char* key) {
    const uint64_t v = bytes(n, key);
    if (v > static_cast<uint64_t>(INT64_MAX)) fail(path_, n, std::string(key) + " is too large");
    return static_cast<int64_t>(v);
  }
  size_t count(const YAML::Node& n, const char* key) {
    const double v = number(n, key);
    if (v < 0 || v != std::floor(v) || v > 1e9)
      fail(path_, n, std::string(key) + " must be a whole number");
    return static_cast<size_t>(v);
  }

  // Keeps the secret out of a config file that may be checked in.
  std::string read_token_file(const YAML::Node& n) {
    const auto file = text(n, "token_file");
    std::error_code ec;
    // A FIFO or terminal would block the daemon's start-up forever.
    if (!std::filesystem::is_regular_file(file, ec))
      fail(path_, n, "the token file " + file + " is not a regular file");
    std::ifstream in(file);
    std::string token(static_cast<size_t>(kMaxTokenBytes), '\0');
    if (!in) fail(path_, n, "cannot read the token file " + file);
    in.read(token.data(), kMaxTokenBytes);
    token.resize(static_cast<size_t>(in.gcount()));
    if (const auto nl = token.find('\n'); nl != std::string::npos)
      token.resize(nl);
    else if (token.size() == static_cast<size_t>(kMaxTokenBytes))
      fail(path_, n, "the token file " + file + " does not start with a line of a token");
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty()) fail(path_, n, "the token file " + file + " is empty");
    return token;
  }

  void targets(const YAML::Node& list, WatchConfig& c) {
    if (!list.IsSequence()) fail(path_, list, "targets must be a list");
    for (const auto& item : list) {
      TargetConfig t;
      if (item.IsScalar()) {
        t.url = item.as<std::string>();
      } else {
        only(item, "a target", {"name", "url", "labels"});
        if (!item["url"]) fail(path_, item, "a target needs a url");
        t.url = text(item["url"], "url");
        if (item["name"]) t.name = text(item["name"], "name");
        if (item["labels"]) {
          if (!item["labels"].IsMap()) fail(path_, item["labels"], "labels must be a mapping");
          for (const auto& kv : item["labels"])
            t.labels[kv.first.as<std::string>()] = text(kv.second, "a label value");
        }
      }
      c.targets.push_back(std::move(t));
    }
  }

  void receivers(const YAML::Node& list, WatchConfig& c) {
    if (!list.IsSequence()) fail(path_, list, "receivers must be a list");
    for (const auto& item : list) {
      only(item, "a receiver", {"type", "name", "url"});
      ReceiverConfig r;
      const auto type = item["type"] ? text(item["type"], "type") : "";
      if (type == "stdout")
        r.kind = ReceiverKind::stdout_log;
      else if (type == "webhook")
        r.kind = ReceiverKind::webhook;
      else if (type == "slack")
        r.kind = ReceiverKind::slack;
      else if (type == "alertmanager")
        r.kind = ReceiverKind::alertmanager;
      else
        fail(path_, item, "receiver type must be stdout, webhook, slack or alertmanager");
      if (item["url"]) r.url = text(item["url"], "url");
      if (r.kind != ReceiverKind::stdout_log && r.url.empty())
        fail(path_, item, "a " + type + " receiver needs a url");
      r.name = item["name"] ? text(item["name"], "name") : type;
      c.receivers.push_back(std::move(r));
    }
  }

  void read(const YAML::Node& root, WatchConfig& c) {
    if (root.IsNull()) return;
    only(root, "the file",
         {"interval", "window", "data_dir", "listen", "token", "token_file", "targets", "endpoints",
          "scrape", "thresholds", "retention", "alerts"});
    if (auto n = root["interval"]) c.interval_nanos = duration(n, "interval");
    if (auto n = root["window"]) c.window_nanos = duration(n, "window");
    if (auto n = root["data_dir"]) c.data_dir = text(n, "data_dir");
    if (auto n = root["listen"]) c.listen = text(n, "listen");
    if (auto n = root["token"]) c.token = text(n, "token");
    if (auto n = root["token_file"]) c.token = read_token_file(n);
    if (auto n = root["targets"]) targets(n, c);
    if (auto n = root["endpoints"]) {
      only(n, "endpoints", {"heap", "goroutine", "metrics", "goroutine_leak"});
      if (n["heap"]) c.heap_path = text(n["heap"], "heap");
      auto optional_path = [&](const char* key, std::string& path) {
        if (n[key]) path = n[key].IsNull() ? "" : text(n[key], key);
      };
      optional_path("goroutine", c.goroutine_path);
      optional_path("metrics", c.metrics_path);
      optional_path("goroutine_leak", c.goroutine_leak_path);
    }
    if (auto n = root["scrape"]) {
      only(n, "scrape",
           {"timeout", "connect_timeout", "max_body", "max_in_flight", "max_inflated",
            "max_inflate_ratio", "concurrency", "retries", "backoff"});
      auto ms = [](int64_t nanos) { return std::chrono::milliseconds(nanos / 1'000'000); };
      if (n["timeout"]) c.scrape.timeout = ms(duration(n["timeout"], "timeout"));
      if (n["connect_timeout"])
        c.scrape.connect_timeout = ms(duration(n["connect_timeout"], "connect_timeout"));
      if (n["max_body"]) c.scrape.max_body_bytes = bytes(n["max_body"], "max_body");
      if (n["max_in_flight"])
        c.scrape.max_in_flight_bytes = bytes(n["max_in_flight"], "max_in_flight");
      if (n["max_inflated"])
        c.body_limits.max_inflated_bytes = bytes(n["max_inflated"], "max_inflated");
      if (n["max_inflate_ratio"])
        c.body_limits.max_inflate_ratio = number(n["max_inflate_ratio"], "max_inflate_ratio");
      if (n["concurrency"]) c.scrape.max_concurrency = count(n["concurrency"], "concurrency");
      if (n["retries"]) c.scrape.retries = static_cast<int>(count(n["retries"], "retries"));
      if (n["backoff"]) c.scrape.backoff = ms(duration(n["backoff"], "backoff"));
    }
    if (auto n = root["thresholds"]) {
      only(n, "thresholds",
           {"heap_growth_per_hour", "site_growth_per_hour", "goroutine_growth_per_hour",
            "heap_min_growth", "site_min_growth", "goroutine_min_growth", "min_r2", "min_points",
            "for", "noise_sigmas", "new_group_goroutines", "finalizer_stall_scrapes",
            "finalizer_wait", "max_site_alerts"});
      auto& t = c.thresholds;
      if (n["heap_growth_per_hour"])
        t.heap.min_slope_per_hour = amount(n["heap_growth_per_hour"], "heap_growth_per_hour");
      if (n["site_growth_per_hour"])
        t.site.min_slope_per_hour = amount(n["site_growth_per_hour"], "site_growth_per_hour");
      if (n["goroutine_growth_per_hour"])
        t.goroutine.min_slope_per_hour =
            number(n["goroutine_growth_per_hour"], "goroutine_growth_per_hour");
      if (n["heap_min_growth"])
        t.heap.min_growth = signed_bytes(n["heap_min_growth"], "heap_min_growth");
      if (n["site_min_growth"])
        t.site.min_growth = signed_bytes(n["site_min_growth"], "site_min_growth");
      if (n["goroutine_min_growth"])
        t.goroutine.min_growth =
            static_cast<int64_t>(count(n["goroutine_min_growth"], "goroutine_min_growth"));
      for (auto* g : {&t.heap, &t.site, &t.goroutine}) {
        if (n["min_r2"]) g->min_r2 = number(n["min_r2"], "min_r2");
        if (n["min_points"]) g->min_points = count(n["min_points"], "min_points");
        if (n["noise_sigmas"]) g->noise_sigmas = number(n["noise_sigmas"], "noise_sigmas");
      }
      if (n["for"]) c.for_nanos = duration(n["for"], "for");
      if (n["new_group_goroutines"])
        t.new_group_min_goroutines =
            static_cast<int64_t>(count(n["new_group_goroutines"], "new_group_goroutines"));
      if (n["finalizer_stall_scrapes"])
        t.finalizer_stall_scrapes = count(n["finalizer_stall_scrapes"], "finalizer_stall_scrapes");
      if (n["finalizer_wait"])
        t.finalizer_wait_minutes =
            duration(n["finalizer_wait"], "finalizer_wait") / (int64_t{60} * 1'000'000'000);
      if (n["max_site_alerts"])
        t.max_site_findings = count(n["max_site_alerts"], "max_site_alerts");
    }
    if (auto n = root["retention"]) {
      only(n, "retention", {"raw", "series", "downsample_after", "downsample_step"});
      auto& r = c.retention;
      if (n["raw"]) r.raw_max_age_nanos = duration(n["raw"], "raw");
      if (n["series"]) r.series_max_age_nanos = duration(n["series"], "series");
      if (n["downsample_after"])
        r.downsample_after_nanos = duration(n["downsample_after"], "downsample_after");
      if (n["downsample_step"])
        r.downsample_step_nanos = duration(n["downsample_step"], "downsample_step");
    }
    if (auto n = root["alerts"]) {
      only(n, "alerts",
           {"resolve_after", "cooldown", "resend", "max_per_minute", "ui_url", "receivers"});
      if (n["resolve_after"]) c.resolve_after_nanos = duration(n["resolve_after"], "resolve_after");
      if (n["cooldown"]) c.cooldown_nanos = duration(n["cooldown"], "cooldown");
      if (n["resend"])
        c.notify.resend_interval =
            std::chrono::seconds(duration(n["resend"], "resend") / 1'000'000'000);
      if (n["max_per_minute"])
        c.notify.max_per_minute = number(n["max_per_minute"], "max_per_minute");
      if (n["ui_url"]) c.notify.ui_base_url = text(n["ui_url"], "ui_url");
      if (n["receivers"]) receivers(n["receivers"], c);
    }
  }

 private:
  std::string path_;
};

std::string host_port_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

int64_t parse_duration_nanos(std::string_view text) {
  if (text.empty()) throw std::invalid_argument("empty duration");
  int64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    int64_t value = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc() || value < 0)
      throw std::invalid_argument("bad duration \"" + printable(text) +
                                  "\" (use 500ms, 15s, 30m, 1h, 7d)");
    rest.remove_prefix(static_cast<size_t>(p - rest.data()));
    int64_t unit = 0;
    for (auto [suffix, nanos] : {std::pair<std::string_view, int64_t>{"ms", 1'000'000},
                                 {"s", 1'000'000'000},
                                 {"m", 60'000'000'000},
                                 {"h", 3'600'000'000'000},
                                 {"d", 86'400'000'000'000}}) {
      if (rest.starts_with(suffix)) {
        unit = nanos;
        rest.remove_prefix(suffix.size());
        break;
      }
    }
    if (unit == 0 || value > INT64_MAX / unit / 2 || total > INT64_MAX / 2)
      throw std::invalid_argument("bad duration \"" + printable(text) +
                                  "\" (use 500ms, 15s, 30m, 1h, 7d)");
    total += value * unit;
  }
  return total;
}

uint64_t parse_byte_size(std::string_view text) {
  uint64_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string_view unit(p, static_cast<size_t>(text.data() + text.size() - p));
  uint64_t scale = 0;
  for (auto [suffix, s] : {std::pair<std::string_view, uint64_t>{"", 1},
                           {"B", 1},
                           {"KiB", 1ull << 10},
                           {"MiB", 1ull << 20},
                           {"GiB", 1ull << 30},
                           {"KB", 1000},
                           {"MB", 1'000'000},
                           {"GB", 1'000'000'000}})
    if (unit == suffix) scale = s;
  if (ec != std::errc() || scale == 0 || value > UINT64_MAX / scale)
    throw std::invalid_argument("bad size \"" + printable(text) + "\" (use 512, 64KiB, 1MiB)");
  return value * scale;
}

void load_watch_config(const std::string& path, WatchConfig& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw InputError(path, std::nullopt, "cannot read the file");
  } catch (const YAML::Exception& e) {
    throw InputError(path, std::nullopt, line_of(e.mark) + printable(e.msg));
  }
  try {
    Reader(path).read(root, config);
  } catch (const YAML::Exception& e) {
    throw InputError(path, std::nullopt, line_of(e.mark) + printable(e.msg));
  }
}

std::pair<std::string, int> split_listen_address(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size())
    throw std::invalid_argument("listen address \"" + printable(listen) + "\" must be host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = -1;
  const std::string_view digits(listen.data() + colon + 1, listen.size() - colon - 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || p != digits.data() + digits.size() || port < 0 || port > 65535)
    throw std::invalid_argument("listen address \"" + printable(listen) + "\" has a bad port");
  return {host.empty() ? "127.0.0.1" : host, port};
}

uint64_t BodyLimits::inflate_limit(uint64_t served_bytes) const {
  const double allowed = std::max(max_inflate_ratio * static_cast<double>(served_bytes),
                                  static_cast<double>(kRatioFloorBytes));
  return allowed >= static_cast<double>(max_inflated_bytes) ? max_inflated_bytes
                                                            : static_cast<uint64_t>(allowed);
}

void finish_watch_config(WatchConfig& c) {
  if (c.targets.empty())
    throw std::invalid_argument("no targets: give their URLs or a config file");
  std::set<std::string> names;
  for (auto& t : c.targets) {
    if (!t.url.starts_with("http://") && !t.url.starts_with("https://"))
      throw std::invalid_argument("target URL \"" + printable(t.url) +
                                  "\" must start with http:// or https://");
    while (t.url.ends_with("/")) t.url.pop_back();
    if (t.name.empty()) t.name = host_port_of(t.url);
    if (!names.insert(t.name).second)
      throw std::invalid_argument("two targets are named \"" + printable(t.name) + "\"");
  }
  if (c.interval_nanos < 100'000'000)
    throw std::invalid_argument("interval must be at least 100ms");
  if (c.interval_nanos > kMaxIntervalNanos)
    throw std::invalid_argument("interval must be at most 24h");
  if (c.window_nanos < c.interval_nanos)
    throw std::invalid_argument("window must be at least one interval");
  if (c.window_nanos > kMaxWindowNanos) throw std::invalid_argument("window must be at most 366d");
  if (c.resolve_after_nanos == 0) c.resolve_after_nanos = 2 * c.interval_nanos;
  if (c.cooldown_nanos < 0) c.cooldown_nanos = c.window_nanos;
  // Growth must hold for `for` before it alerts: by default a third of the window, so a trend
  // is judged on points spread over at least that long, never on a burst after a start.
  const int64_t hold = c.for_nanos < 0 ? c.window_nanos / 3 : c.for_nanos;
  if (hold > c.window_nanos) throw std::invalid_argument("for must be at most the window");
  for (auto* g : {&c.thresholds.heap, &c.thresholds.site, &c.thresholds.goroutine})
    g->min_span_nanos = hold;
  if (c.scrape.max_in_flight_bytes < c.scrape.max_body_bytes)
    throw std::invalid_argument("scrape.max_in_flight must be at least scrape.max_body");
  if (c.body_limits.max_inflate_ratio < 1)
    throw std::invalid_argument("scrape.max_inflate_ratio must be at least 1");
  const auto [host, port] = split_listen_address(c.listen);
  if (!is_loopback_host(host) && c.token.empty())
    throw std::invalid_argument("listening on " + printable(host) +
                                " (not loopback) needs --token: the API shows what targets hold");
}

}  // namespace leakseek::watch

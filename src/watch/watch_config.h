#pragma once
// Everything `leakseek watch` can be told, from flags or a YAML file (examples/watch.yaml
// documents every key). Loading checks the whole file: unknown keys and bad values are errors
// naming the file and line, because a typo in a threshold should not silently keep a default.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "watch/detector.h"
#include "watch/notifier.h"
#include "watch/scraper.h"
#include "watch/store.h"

namespace leakseek::watch {

struct TargetConfig {
  std::string name;  // defaults to the URL's host:port
  std::string url;   // base URL: http://host:port
  std::map<std::string, std::string> labels;
};

// How far a scraped body may inflate when it is decoded: gzip is inflated while streaming and
// stops at the smaller of max_inflated_bytes and max_inflate_ratio times the served size, so a
// small gzip bomb costs what the limit allows and no more. Go's pprof bodies inflate about
// 3-10 times; a body of zeros, about 1000 times.
struct BodyLimits {
  uint64_t max_inflated_bytes = 256ull << 20;
  double max_inflate_ratio = 64;
  // Under this the ratio is not applied: tiny profiles compress poorly anyway.
  static constexpr uint64_t kRatioFloorBytes = 16ull << 20;

  uint64_t inflate_limit(uint64_t served_bytes) const;
};

struct WatchConfig {
  std::vector<TargetConfig> targets;
  int64_t interval_nanos = int64_t{15} * 1'000'000'000;
  int64_t window_nanos = int64_t{30} * 60 * 1'000'000'000;
  std::string data_dir = "leakseek-data";
  std::string listen = "127.0.0.1:9464";
  std::string token;
  // Paths scraped on each target; an empty path (other than heap) turns that endpoint off.
  // metrics and goroutine_leak are optional: a target that answers 404 does not serve them.
  // Each goroutine leak profile costs the target one extra GC cycle.
  std::string heap_path = "/debug/pprof/heap";
  std::string goroutine_path = "/debug/pprof/goroutine?debug=1";
  std::string metrics_path = "/metrics";
  std::string goroutine_leak_path = "/debug/pprof/goroutineleak?debug=1";
  ScrapeOptions scrape;
  BodyLimits body_limits;
  DetectionThresholds thresholds;
  RetentionPolicy retention;
  int64_t resolve_after_nanos = 0;  // 0: two intervals
  // A resolved alert that opens again for the same key within this long is the same incident:
  // same id, no new notification. -1: the window.
  int64_t cooldown_nanos = -1;
  // How long growth must hold before it alerts (min_span_nanos of every growth threshold).
  // -1: a third of the window.
  int64_t for_nanos = -1;
  std::vector<ReceiverConfig> receivers;
  NotifierOptions notify;
};

// "500ms", "15s", "30m", "1h30m", "7d"; throws std::invalid_argument naming the text.
int64_t parse_duration_nanos(std::string_view text);
// "512", "64KiB", "1MiB", "2GB"; throws std::invalid_argument.
uint64_t parse_byte_size(std::string_view text);

// Reads the YAML file over the defaults in `config`. Throws InputError naming the file and line.
void load_watch_config(const std::string& path, WatchConfig& config);

// Fills in what follows from the rest (target names, resolve_after) and checks the whole:
// throws std::invalid_argument on targets without http(s) URLs, duplicate names, a non-loopback
// listen address without a token, and intervals out of range.
void finish_watch_config(WatchConfig& config);

// Splits "host:port" ("[::1]:9464" for IPv6); throws std::invalid_argument.
std::pair<std::string, int> split_listen_address(const std::string& listen);

}  // namespace leakseek::watch

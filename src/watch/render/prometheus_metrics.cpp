#include "watch/render/prometheus_metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <optional>

namespace leakseek::watch::render {

namespace {

using watch::TargetStatus;

std::string sample_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

struct Family {
  const char* name;
  const char* type;
  const char* help;
  // The target's value, or nullopt when it is not known.
  std::function<std::optional<double>(const TargetStatus&)> value;
};

std::optional<double> known(double v) {
  return v >= 0 ? std::optional<double>(v) : std::nullopt;
}

const std::vector<Family>& target_families() {
  static const std::vector<Family> families = {
      {"leakseek_scrape_duration_seconds", "gauge",
       "How long the last scrape of the target took, all endpoints.",
       [](const TargetStatus& s) -> std::optional<double> {
         if (s.scrapes == 0) return std::nullopt;
         return s.last_scrape_seconds;
       }},
      {"leakseek_scrapes_total", "counter", "Scrapes of the target, successful or not.",
       [](const TargetStatus& s) { return std::optional<double>(s.scrapes); }},
      {"leakseek_scrape_errors_total", "counter", "Scrapes of the target that failed.",
       [](const TargetStatus& s) { return std::optional<double>(s.scrape_errors); }},
      {"leakseek_target_up", "gauge", "1 when the last scrape of the target succeeded.",
       [](const TargetStatus& s) { return std::optional<double>(s.up ? 1 : 0); }},
      {"leakseek_target_heap_inuse_bytes", "gauge",
       "In-use heap bytes of the target, from its last heap profile or metrics.",
       [](const TargetStatus& s) { return known(static_cast<double>(s.heap_inuse_bytes)); }},
      {"leakseek_target_goroutines", "gauge", "Goroutines of the target at the last scrape.",
       [](const TargetStatus& s) { return known(static_cast<double>(s.goroutines)); }},
      {"leakseek_target_goroutines_leaked", "gauge",
       "Goroutines the target's GC proved leaked, in its last goroutine leak profile (Go 1.27).",
       [](const TargetStatus& s) { return known(static_cast<double>(s.goroutines_leaked)); }},
      {"leakseek_target_finalizer_queue", "gauge",
       "Finalizers queued but not yet executed in the target (queued minus executed counters).",
       [](const TargetStatus& s) { return known(s.finalizer_queue); }},
      {"leakseek_target_cleanup_queue", "gauge",
       "Cleanups queued but not yet executed in the target (queued minus executed counters).",
       [](const TargetStatus& s) { return known(s.cleanup_queue); }},
      {"leakseek_alerts_firing", "gauge", "Alerts firing for the target.",
       [](const TargetStatus& s) { return std::optional<double>(s.firing_alerts); }},
  };
  return families;
}

}  // namespace

std::string prometheus_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string prometheus_metrics(const std::vector<TargetStatus>& targets, int64_t store_bytes) {
  std::string out;
  for (const auto& f : target_families()) {
    std::string samples;
    for (const auto& t : targets)
      if (auto v = f.value(t))
        samples += fmt::format("{}{{target=\"{}\"}} {}\n", f.name, prometheus_label_value(t.name),
                               sample_value(*v));
    // A family with no samples is left out whole, so scrapers see no empty metadata.
    if (samples.empty()) continue;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, f.help, f.name, f.type);
    out += samples;
  }
  out +=
      "# HELP leakseek_store_bytes Bytes the daemon's store uses on disk.\n"
      "# TYPE leakseek_store_bytes gauge\n";
  out += fmt::format("leakseek_store_bytes {}\n", store_bytes);
  return out;
}

}  // namespace leakseek::watch::render

#pragma once
// What a Prometheus text exposition (a Go service's /metrics) says: every sample with its
// labels, and the HELP and TYPE lines per metric family. No behaviour beyond lookups.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leakseek::format {

struct MetricSample {
  std::string name;                           // as written, with any _bucket/_sum/_count suffix
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;                           // may be NaN, +Inf or -Inf
  std::optional<int64_t> timestamp_ms;
};

struct MetricFamily {
  std::string help;  // unescaped; empty when there was no HELP line
  std::string type;  // "counter", "gauge", "histogram", "summary", "untyped"; empty when absent
};

struct Metrics {
  std::vector<MetricSample> samples;             // in text order
  std::map<std::string, MetricFamily> families;  // by the name on the HELP/TYPE line
};

// The value of metric `name`: the first sample of that name without labels when there is one
// (a gauge or counter as client_golang writes it), otherwise the sum over every sample of that
// name (a metric split by labels, e.g. per-generation counters). nullopt when no sample has the
// name.
std::optional<double> value_of(const Metrics& metrics, std::string_view name);

}  // namespace leakseek::format

// Feeds arbitrary bytes to the Prometheus text reader. Only InputError may come out, and what it
// accepts must read back the same after being written out again in the text format.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "format/prometheus_text_reader.h"
#include "watch/render/prometheus_metrics.h"
#include "util/input_error.h"

namespace {

using leakseek::format::Metrics;
using leakseek::format::MetricSample;

// The samples in exposition form; HELP and TYPE are left out, since they do not change samples.
std::string written(const Metrics& metrics) {
  std::string text;
  char number[64];
  for (const auto& s : metrics.samples) {
    text += s.name;
    text += '{';
    for (const auto& [name, value] : s.labels)
      text += name + "=\"" + leakseek::watch::render::prometheus_label_value(value) + "\",";
    text += "} ";
    std::snprintf(number, sizeof number, "%.17g", s.value);
    text += number;
    if (s.timestamp_ms) text += ' ' + std::to_string(*s.timestamp_ms);
    text += '\n';
  }
  return text;
}

bool same(const MetricSample& a, const MetricSample& b) {
  bool same_value = a.value == b.value || (std::isnan(a.value) && std::isnan(b.value));
  return a.name == b.name && a.labels == b.labels && same_value && a.timestamp_ms == b.timestamp_ms;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Metrics metrics;
  try {
    metrics = leakseek::format::read_prometheus_text(text, "fuzz-input");
  } catch (const leakseek::InputError&) {
    return 0;
  }
  for (const auto& s : metrics.samples) {
    if (s.labels.size() > leakseek::format::kMaxPrometheusLabelsPerSample) std::abort();
    if (!leakseek::format::value_of(metrics, s.name)) std::abort();
  }
  // Labels may be longer once escaped, so the rewritten line can exceed the line cap: then the
  // reader must say so rather than misread it.
  try {
    auto again = leakseek::format::read_prometheus_text(written(metrics), "rewritten");
    if (again.samples.size() != metrics.samples.size()) std::abort();
    for (size_t i = 0; i < again.samples.size(); i++)
      if (!same(again.samples[i], metrics.samples[i])) std::abort();
  } catch (const leakseek::InputError& e) {
    if (std::string_view(e.what()).find("longer than the limit") == std::string_view::npos)
      std::abort();
  }
  return 0;
}

#pragma once
// Reader for the Prometheus text exposition format, version 0.0.4: what a Go service's /metrics
// serves through client_golang. It keeps every sample and the HELP/TYPE lines and ignores other
// comments. Bad input throws InputError naming the source and the byte offset of the line at
// fault.
#include <cstddef>
#include <string>
#include <string_view>

#include "format/prometheus_samples.h"

namespace leakseek::format {

// Caps that keep a hostile or broken endpoint from making the reader slow or huge.
inline constexpr size_t kMaxPrometheusLineBytes = 64 * 1024;
inline constexpr size_t kMaxPrometheusLabelsPerSample = 256;

Metrics read_prometheus_text(std::string_view text, const std::string& source_for_errors);

}  // namespace leakseek::format

#pragma once
// The daemon's /metrics in the Prometheus text exposition format 0.0.4: its own health per
// target (scrapes, errors, durations, up) and store size, and what it knows of each target
// (heap in use, goroutines, finalizer queue, firing alerts).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "watch/status_board.h"

namespace leakseek::watch::render {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Targets in the order given; series a target does not know yet (negative values) are left out.
std::string prometheus_metrics(const std::vector<watch::TargetStatus>& targets,
                               int64_t store_bytes);

// A label value as the format wants it: backslash, double quote and newline escaped.
std::string prometheus_label_value(std::string_view value);

}  // namespace leakseek::watch::render

#pragma once
// What the store keeps of a target's /metrics: the few runtime figures detection and the
// status board read, as scalars. The rest of the exposition is kept only in the raw body.
#include <cstdint>
#include <span>
#include <string>

#include "watch/watch_model.h"

namespace leakseek::watch {

// Throws InputError when the body is not Prometheus text.
SnapshotSeries metrics_snapshot_series(std::span<const uint8_t> body, const std::string& source);

}  // namespace leakseek::watch

#pragma once
// Query parameters of the JSON API, parsed strictly: a value that does not parse is a 400
// (ApiError) naming the parameter, never a silent default.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "watch/watch_model.h"

namespace leakseek::watch {

// A point in time: RFC 3339 ("2024-05-01T12:00:00Z", "...12:00:00.5+02:00") or Unix nanoseconds.
int64_t parse_time_param(std::string_view name, std::string_view value);
// A duration as Go writes them, one or more number-unit pairs: "30m", "1h30m", "90s", "500ms".
// Positive, at most 366 days.
int64_t parse_duration_param(std::string_view name, std::string_view value);
// A positive decimal integer (snapshot ids, limits).
int64_t parse_positive_param(std::string_view name, std::string_view value);
// One of `allowed`, by name.
SnapshotKind parse_kind_param(std::string_view name, std::string_view value,
                              std::initializer_list<SnapshotKind> allowed);

}  // namespace leakseek::watch

#pragma once
// How pprof sample values look in tables: sizes human-readable, counts as they are, and signs
// on differences. JSON always carries the exact integers.
#include <cstdint>
#include <string>

#include "profiles/profile.h"

namespace leakseek::report {

// "1.5 MiB" for bytes, "1.2s" for nanoseconds, "42" otherwise; negative values keep their sign.
std::string format_value(int64_t v, const std::string& unit);
// The same with "+" in front of positive values, for deltas.
std::string format_delta(int64_t v, const std::string& unit);
// "12.3%", or "-" when the whole is 0.
std::string percent(int64_t part, int64_t whole);
// "inuse_space (bytes)"
std::string describe(const profiles::ValueType& t);

}  // namespace leakseek::report

#pragma once
// `profile trend`: leak suspects and the growth of every allocation site, as text or JSON.
#include <nlohmann/json.hpp>
#include <string>

#include "profiles/trend.h"

namespace leakseek::report {

// At most `limit` functions and stacks are listed (0: all); suspects always are.
std::string profile_trend_text(const profiles::TrendResult& trend, size_t limit);
nlohmann::json profile_trend_json(const profiles::TrendResult& trend, size_t limit);

}  // namespace leakseek::report

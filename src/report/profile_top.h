#pragma once
// `profile top`: the function table as text (pprof -top's columns, human-readable sizes) or JSON
// (exact values: sample_type, unit, total, rows[] {function, flat, cum}).
#include <nlohmann/json.hpp>
#include <string>

#include "profiles/top.h"

namespace leakseek::report {

std::string profile_top_text(const profiles::TopResult& top);
nlohmann::json profile_top_json(const profiles::TopResult& top);

// " (inline)", " (partial-inline)" or "": the mark pprof puts after a function's name.
std::string inline_suffix(profiles::InlineMark mark);

}  // namespace leakseek::report

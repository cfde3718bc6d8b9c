#pragma once
// `profile diff`: what grew between two profiles, per function and per stack, as text or JSON.
#include <nlohmann/json.hpp>
#include <string>

#include "profiles/diff.h"

namespace leakseek::report {

std::string profile_diff_text(const profiles::DiffResult& diff);
nlohmann::json profile_diff_json(const profiles::DiffResult& diff);

}  // namespace leakseek::report

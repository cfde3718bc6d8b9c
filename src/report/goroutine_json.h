#pragma once
// JSON renderings of goroutine analyses (field names in the README, "leakseek goroutines").
#include <nlohmann/json.hpp>

#include "goroutines/goroutine_diff.h"
#include "report/goroutine_report.h"

namespace leakseek::report {

nlohmann::json goroutine_report_json(const GoroutineReport& report);
nlohmann::json goroutine_diff_json(const goroutines::GoroutineDiff& diff);

}  // namespace leakseek::report

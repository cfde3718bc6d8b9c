#pragma once
// Text renderings of goroutine analyses: most important first (a stalled finalizer goroutine,
// then leak suspects, then every group with its stack).
#include <string>

#include "goroutines/goroutine_diff.h"
#include "report/goroutine_report.h"

namespace leakseek::report {

std::string goroutine_report_text(const GoroutineReport& report);
std::string goroutine_diff_text(const goroutines::GoroutineDiff& diff);

}  // namespace leakseek::report

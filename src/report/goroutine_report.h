#pragma once
// What the goroutine renderers share: the goroutine report (goroutines/goroutine_report.h) and
// the names of its groupings.
#include "goroutines/goroutine_report.h"

namespace leakseek::report {

using goroutines::GoroutineReport;

const char* group_by_name(goroutines::GroupBy by);

}  // namespace leakseek::report

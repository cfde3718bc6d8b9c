#include "goroutines/goroutine_report.h"

namespace leakseek::goroutines {

GoroutineReport goroutine_report(const GoroutineDump& dump, const ReportOptions& options) {
  GoroutineReport r;
  r.dump = &dump;
  r.group_by = options.groups.by;
  r.grouping = group_goroutines(dump, options.groups);
  const bool by_stack = options.groups.by == GroupBy::stack;
  if (!by_stack) r.by_stack = group_goroutines(dump, {});
  r.suspects = find_leak_suspects(by_stack ? r.grouping : r.by_stack, options.suspects);
  r.finalizer = find_finalizer_goroutine(dump);
  return r;
}

}  // namespace leakseek::goroutines

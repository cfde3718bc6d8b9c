#pragma once
// What leakseek says about one goroutine dump: its groups, the leak suspects and the finalizer
// goroutine. One analysis, so `leakseek goroutines` and the daemon's API never judge the same
// dump two ways. The dump must outlive the report (groups point at its goroutines).
#include <optional>
#include <vector>

#include "goroutines/finalizer_goroutine.h"
#include "goroutines/goroutine_dump.h"
#include "goroutines/goroutine_groups.h"
#include "goroutines/leak_suspects.h"

namespace leakseek::goroutines {

struct ReportOptions {
  GroupOptions groups;  // how the groups are displayed
  SuspectOptions suspects;
};

struct GoroutineReport {
  const GoroutineDump* dump = nullptr;
  Grouping grouping;  // as displayed, by group_by
  GroupBy group_by = GroupBy::stack;
  // Suspects are whole stacks, whatever the display grouping: a top frame shared by unrelated
  // stacks says nothing about a leak. Their groups are in `grouping` when it is by stack, else
  // in `by_stack`.
  Grouping by_stack;
  std::vector<Suspect> suspects;
  std::optional<FinalizerGoroutine> finalizer;

  GoroutineReport() = default;
  GoroutineReport(GoroutineReport&&) = default;  // groups move with their vectors
  GoroutineReport& operator=(GoroutineReport&&) = default;
  GoroutineReport(const GoroutineReport&) = delete;  // suspects point into the groupings
  GoroutineReport& operator=(const GoroutineReport&) = delete;
};

GoroutineReport goroutine_report(const GoroutineDump& dump, const ReportOptions& options = {});

}  // namespace leakseek::goroutines

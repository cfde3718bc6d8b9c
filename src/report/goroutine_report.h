#pragma once
// What `leakseek goroutines` shows about one dump, gathered by the command from the analyses,
// for the text and JSON renderers. Holds references: the dump and results must outlive it.
#include <optional>
#include <vector>

#include "goroutines/finalizer_goroutine.h"
#include "goroutines/goroutine_dump.h"
#include "goroutines/goroutine_groups.h"
#include "goroutines/leak_suspects.h"

namespace leakseek::report {

struct GoroutineReport {
  const goroutines::GoroutineDump& dump;
  const goroutines::Grouping& grouping;
  goroutines::GroupBy group_by;
  const std::optional<goroutines::FinalizerGoroutine>& finalizer;
  const std::vector<goroutines::Suspect>& suspects;
};

const char* group_by_name(goroutines::GroupBy by);

}  // namespace leakseek::report

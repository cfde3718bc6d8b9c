#include "goroutines/finalizer_goroutine.h"

#include <vector>

#include "goroutines/runtime_owned.h"
#include "goruntime/runtime_functions.h"

namespace leakseek::goroutines {

namespace {

std::string_view loop_frame(const Goroutine& g) {
  for (const auto& f : g.frames)
    if (goruntime::queue_loop(f.function) != goruntime::QueueLoop::none) return f.function;
  return {};
}

// The outermost frame that is not the runtime's: the finalizer or cleanup the loop called.
std::string_view user_function(const Goroutine& g) {
  for (auto it = g.frames.rbegin(); it != g.frames.rend(); ++it)
    if (!goruntime::is_runtime_internal(it->function)) return it->function;
  return {};
}

FinalizerGoroutine describe(const Goroutine& g, std::string_view found_by) {
  FinalizerGoroutine f;
  f.goid = g.id;
  f.state = g.state;
  f.function = user_function(g);
  f.wait_minutes = g.wait_minutes;
  f.blocked = !f.function.empty() && !goruntime::is_idle_queue_wait(g.state);
  f.found_by = found_by;
  return f;
}

std::optional<FinalizerGoroutine> prefer_blocked(const std::vector<FinalizerGoroutine>& found) {
  if (found.empty()) return std::nullopt;
  for (const auto& f : found)
    if (f.blocked) return f;
  return found.front();
}

}  // namespace

std::optional<FinalizerGoroutine> find_finalizer_goroutine(const GoroutineDump& dump) {
  std::vector<FinalizerGoroutine> found;
  for (const auto& g : dump.goroutines)
    if (auto loop = loop_frame(g); !loop.empty()) found.push_back(describe(g, loop));
  if (!found.empty()) return prefer_blocked(found);
  if (dump.form != DumpForm::debug2 && dump.form != DumpForm::traceback) return std::nullopt;
  for (const auto& g : dump.goroutines) {
    if (!g.id || *g.id <= 1 || g.created_by || g.frames.empty()) continue;
    // Hidden frames are the runtime's; a stack of runtime frames only is some other goroutine
    // printed with GOTRACEBACK=system, which would show its loop frame.
    if (user_function(g).empty()) continue;
    found.push_back(describe(g, "no created by line"));
  }
  return prefer_blocked(found);
}

}  // namespace leakseek::goroutines

#include "goroutines/runtime_owned.h"

#include <array>

#include "goruntime/runtime_functions.h"

namespace leakseek::goroutines {

namespace {

// Functions that mark a goroutine as owned by the runtime or the standard library wherever they
// appear in its stack or as its creator. From runtime.isSystemGoroutine's callers and goleak's
// ignore list (isStdLibGoroutine, isTestStack, isTraceStack).
constexpr std::array<std::string_view, 16> kOwnedPrefixes = {
    "os/signal.signal_recv",
    "os/signal.loop",
    "runtime.ensureSigM",
    "runtime/trace.Start.func1",
    "runtime.ReadTrace",
    "runtime.(*traceAdvancerState).start",
    "unique.runtime_registerUniqueMapCleanup",
    "unique.registerCleanup",
    "testing.RunTests",
    "testing.(*M).Run",
    "testing.(*T).Run",
    "testing.(*F).Fuzz",
    "testing.runFuzzTests",
    "testing.runFuzzing",
    "testing.(*M).startAlarm",
    "testing.tRunner.func1",
};

bool owned_function(std::string_view f) {
  for (auto p : kOwnedPrefixes)
    if (f.starts_with(p)) return true;
  return false;
}

}  // namespace

namespace {

// Compiler-made wrappers ("main.start.gowrap1" for `go f(x)` from Go 1.22, ".deferwrapN"):
// tracebacks show them only at GOTRACEBACK=system and above.
bool is_wrapper(std::string_view f) {
  size_t dot = f.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string_view last = f.substr(dot + 1);
  for (std::string_view w : {"gowrap", "deferwrap"}) {
    if (!last.starts_with(w) || last.size() == w.size()) continue;
    bool digits = true;
    for (char c : last.substr(w.size())) digits = digits && c >= '0' && c <= '9';
    if (digits) return true;
  }
  return false;
}

bool hidden(const Frame& f) {
  return goruntime::is_runtime_internal(f.function) || is_wrapper(f.function);
}

}  // namespace

std::span<const Frame> visible_frames(const Goroutine& g, std::vector<Frame>& scratch) {
  bool any_hidden = false, any_shown = false;
  for (const auto& f : g.frames) (hidden(f) ? any_hidden : any_shown) = true;
  if (!any_hidden || !any_shown) return g.frames;
  scratch.clear();
  for (const auto& f : g.frames)
    if (!hidden(f)) scratch.push_back(f);
  return scratch;
}

bool is_runtime_owned(const Goroutine& g) {
  // g0 of the thread that took the signal, printed first in a SIGQUIT dump.
  if (g.id && *g.id == 0) return true;
  if (g.created_by && owned_function(g.created_by->function)) return true;
  bool all_runtime = !g.frames.empty();
  for (const auto& f : g.frames) {
    if (owned_function(f.function)) return true;
    if (!goruntime::is_runtime_internal(f.function)) all_runtime = false;
  }
  // Only runtime frames: GC workers, sweeper, scavenger, an idle finalizer goroutine.
  return all_runtime;
}

}  // namespace leakseek::goroutines

#include "format/goroutine_state_inference.h"

#include "goruntime/runtime_functions.h"

#include <array>
#include <utility>

namespace leakseek::format {

namespace {

// Function (as the profile names it) -> the wait reason the runtime records for it.
// sync.runtime_* are the runtime's linknamed entry points; profiles print them in package sync.
constexpr std::array<std::pair<std::string_view, std::string_view>, 27> kParkedIn = {{
    {"runtime.chanrecv", "chan receive"},
    {"runtime.chanrecv1", "chan receive"},
    {"runtime.chanrecv2", "chan receive"},
    {"runtime.chansend", "chan send"},
    {"runtime.chansend1", "chan send"},
    {"runtime.selectgo", "select"},
    {"runtime.block", "select (no cases)"},
    {"runtime.semacquire1", "semacquire"},
    {"sync.runtime_Semacquire", "semacquire"},
    {"sync.runtime_SemacquireMutex", "semacquire"},
    {"sync.runtime_SemacquireRWMutex", "semacquire"},
    {"sync.runtime_SemacquireRWMutexR", "semacquire"},
    {"sync.runtime_SemacquireWaitGroup", "semacquire"},
    {"internal/sync.runtime_SemacquireMutex", "semacquire"},
    {"runtime.notifyListWait", "sync.Cond.Wait"},
    {"sync.runtime_notifyListWait", "sync.Cond.Wait"},
    {"runtime.netpollblock", "IO wait"},
    {"internal/poll.runtime_pollWait", "IO wait"},
    {"runtime.timeSleep", "sleep"},
    {"time.Sleep", "sleep"},
    {"syscall.Syscall", "syscall"},
    {"syscall.Syscall6", "syscall"},
    {"syscall.RawSyscall", "syscall"},
    {"runtime.goroutineProfileWithLabels", "running"},
    {"runtime/pprof.writeRuntimeProfile", "running"},
    {"runtime/pprof.writeGoroutine", "running"},
    {"runtime.runtime_goroutineProfileWithLabels", "running"},
}};

}  // namespace

std::string_view infer_goroutine_state(std::span<const goroutines::Frame> frames,
                                       bool runtime_frames_hidden) {
  // The finalizer and cleanup goroutines park directly in their loop with nothing to run.
  if (frames.size() >= 2 && frames[0].function == "runtime.gopark") {
    switch (goruntime::queue_loop(frames[1].function)) {
      case goruntime::QueueLoop::finalizers:
        return "finalizer wait";
      case goruntime::QueueLoop::cleanups:
        return "cleanup wait";
      case goruntime::QueueLoop::none:
        break;
    }
  }
  for (const auto& frame : frames)
    for (const auto& [function, state] : kParkedIn)
      if (frame.function == function) return state;
  if (runtime_frames_hidden) return "waiting";
  if (!frames.empty() && frames[0].function == "runtime.gopark") return "waiting";
  return "";
}

}  // namespace leakseek::format

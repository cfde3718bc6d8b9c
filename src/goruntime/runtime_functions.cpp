#include "goruntime/runtime_functions.h"

namespace leakseek::goruntime {

bool is_runtime_internal(std::string_view f) {
  if (f.starts_with("internal/runtime/")) return true;
  if (!f.starts_with("runtime.")) return false;
  // runtime.Gosched, runtime.GC, runtime.Goexit: exported, called by the program.
  return !(f.size() > 8 && f[8] >= 'A' && f[8] <= 'Z');
}

bool is_runtime_package(std::string_view name) {
  return name.starts_with("runtime.") || name.starts_with("runtime/internal/") ||
         name.starts_with("internal/runtime/");
}

bool is_wait_machinery(std::string_view f) {
  return f.starts_with("runtime.") || f.starts_with("internal/") || f.starts_with("sync.");
}

QueueLoop queue_loop(std::string_view f) {
  if (f == "runtime.runfinq" || f == "runtime.runFinalizers") return QueueLoop::finalizers;
  if (f == "runtime.runCleanups") return QueueLoop::cleanups;
  return QueueLoop::none;
}

bool is_idle_queue_wait(std::string_view wait_reason) {
  return wait_reason == "finalizer wait" || wait_reason == "cleanup wait";
}

}  // namespace leakseek::goruntime

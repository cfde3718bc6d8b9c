#include "heap/finalizer_goroutine.h"

#include <algorithm>
#include <iterator>

#include "goruntime/go_version.h"
#include "goruntime/runtime_functions.h"

namespace leakseek::heap {

std::string_view goroutine_function(const HeapModel& model, uint32_t goroutine) {
  const auto& g = model.goroutines[goroutine];
  const Frame* first = model.frames.data() + g.first_frame;
  const Frame* last = first + g.frame_count;
  auto user = std::find_if(
      first, last, [](const Frame& f) { return !goruntime::is_runtime_package(f.function); });
  if (user != last) return user->function;
  return first != last ? first->function : std::string_view();
}

namespace {

bool is_finalizer_loop(std::string_view name) {
  return goruntime::queue_loop(name) == goruntime::QueueLoop::finalizers;
}
bool is_cleanup_loop(std::string_view name) {
  return goruntime::queue_loop(name) == goruntime::QueueLoop::cleanups;
}

uint64_t newest_wait(const HeapModel& model) {
  uint64_t newest = 0;
  for (const auto& g : model.goroutines) newest = std::max(newest, g.record.wait_since);
  return newest;
}

// Goroutine `gi` as a queue runner when one of its frames is the loop.
template <typename IsLoop>
std::optional<FinalizerGoroutine> queue_runner(const HeapModel& model, uint32_t gi, uint64_t newest,
                                               IsLoop is_loop) {
  const auto& g = model.goroutines[gi];
  const Frame* first = model.frames.data() + g.first_frame;
  const Frame* last = first + g.frame_count;
  auto loop = std::find_if(first, last, [&](const Frame& f) { return is_loop(f.function); });
  if (loop == last) return std::nullopt;
  FinalizerGoroutine out;
  out.goroutine = gi;
  out.goid = g.record.goid;
  out.wait_reason = g.record.wait_reason;
  // Frames are innermost first. The function being run is the outermost non-runtime frame inside
  // the loop (the loop calls it through runtime.callN or callCleanup); the frames inside it are
  // what it called (sync.(*Mutex).Lock and the like), not the finalizer.
  auto user =
      std::find_if(std::make_reverse_iterator(loop), std::make_reverse_iterator(first),
                   [](const Frame& f) { return !goruntime::is_runtime_package(f.function); });
  if (user != std::make_reverse_iterator(first)) {
    out.function = user->function;
    out.blocked = true;
  } else {
    out.function = loop->function;
  }
  if (g.record.wait_since && newest >= g.record.wait_since)
    out.waiting_ns = newest - g.record.wait_since;
  return out;
}

}  // namespace

std::optional<FinalizerGoroutine> find_finalizer_goroutine(const HeapModel& model) {
  const uint64_t newest = newest_wait(model);
  for (uint32_t gi = 0; gi < model.goroutines.size(); gi++)
    if (auto r = queue_runner(model, gi, newest, is_finalizer_loop)) return r;
  return std::nullopt;
}

std::vector<FinalizerGoroutine> find_cleanup_goroutines(const HeapModel& model) {
  const uint64_t newest = newest_wait(model);
  std::vector<FinalizerGoroutine> out;
  for (uint32_t gi = 0; gi < model.goroutines.size(); gi++)
    if (auto r = queue_runner(model, gi, newest, is_cleanup_loop)) out.push_back(*r);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.goid < b.goid; });
  return out;
}

bool dump_has_cleanup_queue(const HeapModel& model) {
  auto minor = go_minor_version(model.go_version());
  return minor && *minor < 25;
}

}  // namespace leakseek::heap

#pragma once
// debug=0 and debug=1 goroutine profiles print no state; the stack shows where a goroutine is
// parked. This names that place the way a debug=2 header would.
#include <span>
#include <string_view>

#include "goroutines/goroutine_dump.h"

namespace leakseek::format {

// "chan receive", "chan send", "select", "select (no cases)", "semacquire", "sync.Cond.Wait",
// "IO wait", "sleep", "syscall", "finalizer wait", "running"; "waiting" when the runtime frames
// that would tell were hidden (debug=1); "" when the stack does not say.
std::string_view infer_goroutine_state(std::span<const goroutines::Frame> frames,
                                       bool runtime_frames_hidden);

}  // namespace leakseek::format

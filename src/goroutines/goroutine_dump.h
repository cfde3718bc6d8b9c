#pragma once
// The goroutine dump model: what a goroutine dump says, in every form Go writes one (pprof
// goroutine profile debug=0/1/2, panic and SIGQUIT tracebacks). Plain data; readers fill it in.
//
// Text is held as string_views into the dump's own arena, so a dump of 200,000 goroutines does
// not make a million small strings: function and file names are stored once each.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace leakseek::goroutines {

// Owns the bytes every string_view of a dump points into. Addresses stay stable as it grows.
class StringArena {
 public:
  // Stores `s` once: equal strings come back as the same view (same data pointer).
  std::string_view intern(std::string_view s);
  // Stores `s` without looking for an equal one (arguments, labels: rarely repeated).
  std::string_view copy(std::string_view s);

 private:
  std::string_view store(std::string_view s);
  std::deque<std::string> blocks_;
  size_t used_in_last_ = 0;
  std::unordered_set<std::string_view> interned_;
};

struct Frame {
  std::string_view function;  // as Go prints it: "main.(*T).run", "main.f.func1"
  std::string_view args;      // "0xc000010000, 0x1?" or "..." (inlined); empty when not shown
  std::string_view file;
  int64_t line = 0;
  // Offset of the PC in its function ("+0x2d"); none for inlined frames and debug=0 profiles.
  std::optional<uint64_t> pc_offset;
  bool operator==(const Frame&) const = default;
};

struct CreatedBy {
  std::string_view function;
  std::string_view file;
  int64_t line = 0;
  std::optional<uint64_t> creator_goid;  // "in goroutine N", printed from Go 1.21
  bool operator==(const CreatedBy&) const = default;
};

struct Label {
  std::string_view key;
  std::string_view value;
  bool operator==(const Label&) const = default;
};

// One goroutine (debug=2, tracebacks) or one record of identical goroutines (debug=0/1).
struct Goroutine {
  std::optional<uint64_t> id;  // none in debug=0/1 profiles
  // As the header prints it ("chan receive", "select", "semacquire"); for debug=0/1, which
  // print no state, inferred from the stack's runtime frames (state_inferred), or "" when the
  // stack does not tell.
  std::string_view state;
  bool state_inferred = false;
  int64_t wait_minutes = 0;
  bool locked_to_thread = false;
  std::vector<Label> labels;
  std::vector<Frame> frames;  // innermost call first
  std::optional<CreatedBy> created_by;
  // Frames the runtime left out: "...N frames elided..." gives N; the older
  // "...additional frames elided..." gives none, so elided can be true with elided_frames 0.
  bool elided = false;
  uint64_t elided_frames = 0;
  // debug=1 profiles hide the leading runtime frames of a stack; true when some were hidden.
  bool runtime_frames_hidden = false;
  uint64_t count = 1;
  // Proven never to wake by a goroutine-leak GC cycle (Go 1.26 with
  // GOEXPERIMENT=goroutineleakprofile, 1.27 on): "(leaked)" after the state in debug=2, or every
  // goroutine of a goroutineleak profile.
  bool leaked = false;
};

enum class DumpForm {
  pprof_proto,  // debug=0: gzip (or raw) profile.proto
  debug1,       // "goroutine profile: total N"
  debug2,       // one block per goroutine, as /debug/pprof/goroutine?debug=2 serves it
  traceback,    // debug=2 blocks after a preamble: panic, fatal error, SIGQUIT
};

const char* dump_form_name(DumpForm form);

struct GoroutineDump {
  DumpForm form = DumpForm::debug2;
  // What the preamble of a traceback says first: "panic: ...", "SIGQUIT: quit", "fatal error:".
  std::string_view reason;
  // The total the dump states (debug=1 header), else the sum of counts.
  uint64_t total = 0;
  // A goroutineleak profile (/debug/pprof/goroutineleak) rather than a goroutine profile: every
  // goroutine in it is proven leaked.
  bool leak_profile = false;
  std::vector<Goroutine> goroutines;  // in dump order
  std::shared_ptr<StringArena> strings = std::make_shared<StringArena>();
};

}  // namespace leakseek::goroutines

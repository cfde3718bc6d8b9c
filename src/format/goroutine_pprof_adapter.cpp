#include "format/goroutine_pprof_adapter.h"

#include "format/goroutine_state_inference.h"
#include "util/input_error.h"

namespace leakseek::format {

goroutines::GoroutineDump goroutines_from_profile(const profiles::Profile& profile,
                                                  const std::string& file) {
  const auto& types = profile.sample_types();
  // Go 1.26+'s goroutine leak profile has the same shape, sample type "goroutineleak".
  const bool leak_profile = !types.empty() && types[0].type == "goroutineleak";
  if (types.empty() || (types[0].type != "goroutine" && !leak_profile))
    throw InputError(file, std::nullopt,
                     "a pprof profile, but not a goroutine profile (sample type \"" +
                         (types.empty() ? std::string() : types[0].type) + "\")");
  goroutines::GoroutineDump dump;
  dump.form = goroutines::DumpForm::pprof_proto;
  dump.leak_profile = leak_profile;
  auto& arena = *dump.strings;
  for (const auto& sample : profile.samples()) {
    goroutines::Goroutine g;
    if (sample.values.empty() || sample.values[0] < 0)
      throw InputError(file, std::nullopt, "goroutine profile sample with a negative count");
    g.count = static_cast<uint64_t>(sample.values[0]);
    g.leaked = leak_profile;
    for (uint64_t id : sample.location_ids) {
      const profiles::Location* loc = profile.location(id);
      if (!loc) continue;  // the reader has checked ids; nothing to add for a missing one
      // lines[0] is the innermost inlined call, as in our frame order.
      for (const auto& line : loc->lines) {
        const profiles::Function* fn = profile.function(line.function_id);
        goroutines::Frame f;
        f.function = arena.intern(fn ? fn->name : "?");
        f.file = arena.intern(fn ? fn->filename : "");
        f.line = line.line;
        g.frames.push_back(f);
      }
    }
    for (const auto& label : sample.labels)
      if (!label.str.empty()) g.labels.push_back({arena.copy(label.key), arena.copy(label.str)});
    g.state = infer_goroutine_state(g.frames, false);
    g.state_inferred = true;
    dump.total += g.count;
    dump.goroutines.push_back(std::move(g));
  }
  return dump;
}

}  // namespace leakseek::format

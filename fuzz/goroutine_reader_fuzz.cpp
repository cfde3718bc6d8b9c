// Feeds arbitrary bytes to the goroutine dump reader (every form: pprof debug=0, debug=1,
// debug=2, tracebacks). Only InputError may come out, and whatever it accepts must survive the
// analyses the command runs on it.
#include <cstdint>
#include <cstdlib>

#include "format/goroutine_dump_reader.h"
#include "goroutines/finalizer_goroutine.h"
#include "goroutines/goroutine_diff.h"
#include "goroutines/goroutine_groups.h"
#include "goroutines/leak_suspects.h"
#include "util/input_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leakseek::goroutines;
  try {
    auto dump = leakseek::format::read_goroutine_dump({data, size}, "fuzz-input");
    uint64_t sum = 0;
    for (const auto& g : dump.goroutines) sum += g.count;
    if (dump.form != DumpForm::debug1 && sum != dump.total) std::abort();
    for (auto by : {GroupBy::stack, GroupBy::top, GroupBy::creator}) {
      auto grouping = group_goroutines(dump, {.by = by, .include_runtime_owned = true});
      uint64_t grouped = 0;
      for (const auto& g : grouping.groups) grouped += g.count;
      if (grouped != sum) std::abort();
      find_leak_suspects(grouping);
    }
    find_finalizer_goroutine(dump);
    auto diff = diff_goroutines(dump, dump);
    if (!diff.changes.empty()) std::abort();
  } catch (const leakseek::InputError&) {
  }
  return 0;
}

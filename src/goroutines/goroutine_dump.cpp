#include "goroutines/goroutine_dump.h"

#include <algorithm>

namespace leakseek::goroutines {

namespace {
// Large enough that 200,000 goroutines fill a few hundred blocks, small enough for tiny dumps.
constexpr size_t kBlockBytes = 64 * 1024;
}  // namespace

std::string_view StringArena::store(std::string_view s) {
  if (blocks_.empty() || blocks_.back().size() - used_in_last_ < s.size()) {
    // A block is sized once and never grows, so views into it stay valid.
    blocks_.emplace_back(std::max(kBlockBytes, s.size()), '\0');
    used_in_last_ = 0;
  }
  char* at = blocks_.back().data() + used_in_last_;
  std::copy(s.begin(), s.end(), at);
  used_in_last_ += s.size();
  return {at, s.size()};
}

std::string_view StringArena::intern(std::string_view s) {
  if (auto it = interned_.find(s); it != interned_.end()) return *it;
  std::string_view stored = store(s);
  interned_.insert(stored);
  return stored;
}

std::string_view StringArena::copy(std::string_view s) {
  return store(s);
}

const char* dump_form_name(DumpForm form) {
  switch (form) {
    case DumpForm::pprof_proto:
      return "debug=0";
    case DumpForm::debug1:
      return "debug=1";
    case DumpForm::debug2:
      return "debug=2";
    case DumpForm::traceback:
      return "traceback";
  }
  return "unknown";
}

}  // namespace leakseek::goroutines

#include "goroutines/leak_suspects.h"

#include <algorithm>

namespace leakseek::goroutines {

std::string_view blocking_kind(std::string_view state) {
  if (state.starts_with("chan receive")) return "channel receive";
  if (state.starts_with("chan send")) return "channel send";
  if (state.starts_with("select")) return "select";
  if (state.starts_with("semacquire") || state.starts_with("sync.")) return "sync";
  if (state == "waiting") return "runtime (frames hidden)";
  return {};
}

std::vector<Suspect> find_leak_suspects(const Grouping& grouping, const SuspectOptions& options) {
  std::vector<Suspect> out;
  for (const auto& g : grouping.groups) {
    if (g.runtime_owned || g.count < options.min_count) continue;
    auto kind = blocking_kind(g.state);
    if (!kind.empty()) out.push_back({&g, kind});
  }
  std::stable_sort(out.begin(), out.end(), [](const Suspect& a, const Suspect& b) {
    if (a.group->count != b.group->count) return a.group->count > b.group->count;
    return a.group->max_wait_minutes > b.group->max_wait_minutes;
  });
  return out;
}

}  // namespace leakseek::goroutines

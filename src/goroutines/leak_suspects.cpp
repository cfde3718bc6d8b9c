#include "goroutines/leak_suspects.h"

#include <algorithm>

namespace leakseek::goroutines {

namespace {
bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}
}  // namespace

std::string_view blocking_kind(std::string_view state) {
  if (starts_with(state, "chan receive")) return "channel receive";
  if (starts_with(state, "chan send")) return "channel send";
  if (starts_with(state, "select")) return "select";
  if (starts_with(state, "semacquire") || starts_with(state, "sync.")) return "sync";
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

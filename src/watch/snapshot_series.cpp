#include "watch/snapshot_series.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "goroutines/finalizer_goroutine.h"
#include "goroutines/goroutine_groups.h"
#include "goruntime/runtime_functions.h"
#include "profiles/function_frames.h"
#include "profiles/sample_index.h"

namespace leakseek::watch {

namespace {

void sort_sites(std::vector<SiteValue>& sites) {
  std::sort(sites.begin(), sites.end(), [](const SiteValue& a, const SiteValue& b) {
    if (a.value != b.value) return a.value > b.value;
    return a.frames < b.frames;
  });
}

// Sites by the cross-form stack signature, so a debug=1 scrape and a debug=2 scrape of the same
// program give the same sites. `members` says how many of a group's goroutines count.
template <typename Members>
std::vector<SiteValue> sites_by_signature(const goroutines::Grouping& grouping, Members members) {
  std::map<std::string, SiteValue> by_signature;
  for (const auto& group : grouping.groups) {
    const auto n = static_cast<int64_t>(members(group));
    if (n == 0) continue;
    SiteValue& site = by_signature[goroutines::stack_signature(group.stack)];
    if (site.frames.empty())
      for (const auto& frame : group.stack) site.frames.emplace_back(frame.function);
    site.value += n;
    site.count += n;
  }
  std::vector<SiteValue> sites;
  for (auto& [signature, site] : by_signature) sites.push_back(std::move(site));
  sort_sites(sites);
  return sites;
}

}  // namespace

SnapshotSeries heap_snapshot_series(const profiles::Profile& profile) {
  const auto space = profile.sample_type_index("inuse_space");
  if (!space) throw std::invalid_argument("heap profile has no inuse_space sample type");
  const auto objects = profile.sample_type_index("inuse_objects");

  profiles::FunctionFrames frames(profile);
  // Keyed by node ids: far cheaper than by strings, and node ids are per profile anyway.
  std::map<std::vector<uint32_t>, SiteValue> by_stack;
  SnapshotSeries out;
  for (size_t i = 0; i < profile.samples().size(); i++) {
    const auto& sample = profile.samples()[i];
    const int64_t bytes = sample.values[*space];
    const int64_t count = objects ? sample.values[*objects] : 0;
    out.total += bytes;
    out.total_count += count;
    if (bytes == 0 && count == 0) continue;
    SiteValue& site = by_stack[frames.sample_nodes(i)];
    site.value += bytes;
    site.count += count;
  }
  // The sampling period decides how noisy a site's estimate is (profiles/growth.h).
  if (profile.period() > 0)
    out.scalars["heap.sample_period"] = static_cast<double>(profile.period());
  out.sites.reserve(by_stack.size());
  for (auto& [nodes, site] : by_stack) {
    for (uint32_t node : nodes) site.frames.push_back(frames.name(node));
    out.sites.push_back(std::move(site));
  }
  sort_sites(out.sites);
  return out;
}

SnapshotSeries goroutine_snapshot_series(const goroutines::GoroutineDump& dump) {
  SnapshotSeries out;
  out.total = static_cast<int64_t>(dump.total);
  const auto grouping = goroutines::group_goroutines(dump);
  out.sites = sites_by_signature(grouping, [](const goroutines::Group& g) { return g.count; });

  out.scalars["goroutines.total"] = static_cast<double>(dump.total);
  out.scalars["goroutines.hidden_runtime_owned"] =
      static_cast<double>(grouping.hidden_runtime_owned);
  if (auto fin = goroutines::find_finalizer_goroutine(dump)) {
    out.scalars["finalizer.blocked"] = fin->blocked ? 1 : 0;
    if (goruntime::queue_loop(fin->found_by) == goruntime::QueueLoop::cleanups)
      out.scalars["finalizer.cleanup"] = 1;
    out.scalars["finalizer.wait_minutes"] = static_cast<double>(fin->wait_minutes);
    if (fin->blocked) out.finalizer_function = std::string(fin->function);
    // debug=0/1 records have no ids: there the record running the user function is it.
    auto is_it = [&](const goroutines::Goroutine& g) {
      if (fin->goid) return g.id == fin->goid;
      return !fin->function.empty() &&
             std::any_of(g.frames.begin(), g.frames.end(),
                         [&](const auto& f) { return f.function == fin->function; });
    };
    for (const auto& g : dump.goroutines) {
      if (is_it(g)) {
        for (const auto& f : g.frames) out.finalizer_stack.emplace_back(f.function);
        break;
      }
    }
    // Grouping hides the finalizer goroutine as the runtime's own, but one stuck in user code is
    // the program's problem, and its stack is the evidence a stall alert shows.
    const bool listed = std::any_of(out.sites.begin(), out.sites.end(), [&](const SiteValue& s) {
      return s.frames == out.finalizer_stack;
    });
    if (fin->blocked && !out.finalizer_stack.empty() && !listed)
      out.sites.push_back({out.finalizer_stack, 1, 1});
  }
  return out;
}

SnapshotSeries goroutine_leak_snapshot_series(const goroutines::GoroutineDump& dump) {
  SnapshotSeries out;
  goroutines::GroupOptions options;
  options.include_runtime_owned = true;
  const auto grouping = goroutines::group_goroutines(dump, options);
  // debug=2 lists every goroutine and marks the leaked; without a mark it cannot be told from a
  // goroutine dump, which would read as "nothing leaked" for ever.
  if (!dump.leak_profile && grouping.leaked == 0)
    throw std::invalid_argument(
        "not a goroutine leak profile (/debug/pprof/goroutineleak with debug=0 or 1)");
  out.sites = sites_by_signature(grouping, [](const goroutines::Group& g) { return g.leaked; });
  out.total = static_cast<int64_t>(grouping.leaked);
  out.scalars["goroutines.leaked"] = static_cast<double>(grouping.leaked);
  return out;
}

}  // namespace leakseek::watch

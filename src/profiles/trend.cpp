#include "profiles/trend.h"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "profiles/function_frames.h"
#include "profiles/sample_index.h"

namespace leakseek::profiles {

namespace {

constexpr size_t kStacksPerSuspect = 5;

// A site's value in one snapshot, with the objects behind it (for *_space types) that say how
// many samples the value was estimated from.
struct SiteValue {
  int64_t value = 0;
  int64_t count = 0;
};

struct SnapshotValues {
  Snapshot snapshot;
  size_t order = 0;               // position in which it was added, to order equal times stably
  std::optional<HeapCycle> heap;  // when the profile is a heap profile
  std::unordered_map<uint32_t, SiteValue> functions;  // global name id -> flat value
  std::unordered_map<uint32_t, SiteValue> stacks;     // global stack id -> value
};

// "inuse_space" -> the index of "inuse_objects", when the profile has it.
std::optional<size_t> objects_index(const Profile& p, const ValueType& space) {
  const std::string suffix = "_space";
  if (space.type.size() <= suffix.size() || !space.type.ends_with(suffix)) return std::nullopt;
  return p.sample_type_index(space.type.substr(0, space.type.size() - suffix.size()) + "_objects");
}

bool steeper(const TrendSeries& a, const TrendSeries& b) {
  if (a.slope_per_hour != b.slope_per_hour) return a.slope_per_hour > b.slope_per_hour;
  if (a.last != b.last) return a.last > b.last;
  return a.frames < b.frames;
}

}  // namespace

struct TrendBuilder::State {
  TrendOptions options;
  std::optional<ValueType> type;
  // Names and stacks are interned across snapshots: each snapshot has its own function ids.
  std::unordered_map<std::string, uint32_t> name_ids;
  std::vector<std::string> names;
  std::map<std::vector<uint32_t>, uint32_t> stack_ids;
  std::vector<const std::vector<uint32_t>*> stacks;
  std::vector<SnapshotValues> snapshots;

  uint32_t intern(const std::string& name) {
    auto [it, added] = name_ids.emplace(name, static_cast<uint32_t>(names.size()));
    if (added) names.push_back(name);
    return it->second;
  }

  size_t sample_index(const Profile& p) const {
    std::string wanted = options.sample_type;
    if (wanted.empty() && p.sample_type_index("inuse_space")) wanted = "inuse_space";
    return resolve_sample_index(p, wanted);
  }

  TrendSeries series(std::vector<std::string> frames, auto&& value_in) const {
    TrendSeries s;
    s.frames = std::move(frames);
    std::vector<GrowthPoint> points;
    for (const auto& snap : snapshots) {
      const SiteValue v = value_in(snap);
      s.values.push_back(v.value);
      s.present += v.value != 0;
      points.push_back({snap.snapshot.time_nanos, v.value, v.count});
    }
    s.min = *std::min_element(s.values.begin(), s.values.end());
    s.max = *std::max_element(s.values.begin(), s.values.end());
    const Growth g = classify_growth(points, options.growth);
    static_cast<GrowthSummary&>(s) = summary_of(g);
    s.suspect = g.growing;
    return s;
  }
};

TrendBuilder::TrendBuilder(TrendOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}
TrendBuilder::~TrendBuilder() = default;

void TrendBuilder::add(const std::string& name, const Profile& p) {
  State& st = *state_;
  size_t type = st.sample_index(p);
  const ValueType& vt = p.sample_types()[type];
  if (st.type && !(*st.type == vt))
    throw std::invalid_argument("sample type " + vt.type + "/" + vt.unit +
                                " differs from the earlier snapshots' " + st.type->type + "/" +
                                st.type->unit);
  st.type = vt;
  const auto objects = objects_index(p, vt);
  // The estimate's noise depends on how it was sampled; a *_space value is sampled by bytes.
  if (objects && p.period() > 0) st.options.growth.sample_period = p.period();

  SnapshotValues snap;
  snap.snapshot = {name, p.time_nanos(), 0};
  snap.order = st.snapshots.size();
  // A heap profile's in-use totals tell which GC cycle it shows (profiles::same_gc_cycle).
  const auto inuse_bytes = p.sample_type_index("inuse_space");
  const auto inuse_objects = p.sample_type_index("inuse_objects");
  if (inuse_bytes && inuse_objects) snap.heap.emplace();
  FunctionFrames frames(p);
  std::vector<uint32_t> global(frames.node_count());
  for (uint32_t n = 0; n < frames.node_count(); n++) global[n] = st.intern(frames.name(n));
  std::vector<uint32_t> stack;
  for (size_t s = 0; s < p.samples().size(); s++) {
    int64_t v = p.samples()[s].values[type];
    const int64_t c = objects ? p.samples()[s].values[*objects] : 0;
    snap.snapshot.total += v;
    if (snap.heap) {
      snap.heap->inuse_bytes += p.samples()[s].values[*inuse_bytes];
      snap.heap->inuse_objects += p.samples()[s].values[*inuse_objects];
    }
    if (v == 0) continue;
    stack.clear();
    for (uint32_t loc : frames.sample_locations(s))
      for (uint32_t n : frames.location_nodes(loc)) stack.push_back(global[n]);
    if (stack.empty()) continue;
    auto& f = snap.functions[stack.front()];
    f.value += v;
    f.count += c;
    auto [it, added] = st.stack_ids.emplace(stack, static_cast<uint32_t>(st.stacks.size()));
    if (added) st.stacks.push_back(&it->first);
    auto& site = snap.stacks[it->second];
    site.value += v;
    site.count += c;
  }
  st.snapshots.push_back(std::move(snap));
}

TrendResult TrendBuilder::finish() {
  State& st = *state_;
  if (st.snapshots.empty()) throw std::invalid_argument("no snapshots");
  std::stable_sort(st.snapshots.begin(), st.snapshots.end(),
                   [](const SnapshotValues& a, const SnapshotValues& b) {
                     return a.snapshot.time_nanos < b.snapshot.time_nanos;
                   });
  for (size_t i = 1; i < st.snapshots.size(); i++)
    if (st.snapshots[i].snapshot.time_nanos == st.snapshots[i - 1].snapshot.time_nanos)
      throw std::invalid_argument(st.snapshots[i].snapshot.name + " and " +
                                  st.snapshots[i - 1].snapshot.name +
                                  " have the same time_nanos: cannot order them in time");

  TrendResult r;
  std::vector<SnapshotValues> points;
  for (size_t i = 0; i < st.snapshots.size(); i++) {
    auto& s = st.snapshots[i];
    if (i + 1 < st.snapshots.size() && !points.empty() && points.back().heap && s.heap &&
        same_gc_cycle(*points.back().heap, *s.heap)) {
      r.same_gc_cycle.push_back(s.snapshot);
      continue;
    }
    points.push_back(std::move(s));
  }
  st.snapshots = std::move(points);
  r.options = st.options;
  r.sample_type = *st.type;
  for (const auto& s : st.snapshots) r.snapshots.push_back(s.snapshot);

  std::vector<bool> seen_function(st.names.size(), false);
  for (const auto& s : st.snapshots)
    for (auto [id, v] : s.functions) seen_function[id] = true;
  for (uint32_t id = 0; id < st.names.size(); id++) {
    if (!seen_function[id]) continue;
    r.functions.push_back(st.series({st.names[id]}, [&](const SnapshotValues& s) {
      auto it = s.functions.find(id);
      return it == s.functions.end() ? SiteValue{} : it->second;
    }));
  }
  for (uint32_t id = 0; id < st.stacks.size(); id++) {
    std::vector<std::string> frames;
    for (uint32_t n : *st.stacks[id]) frames.push_back(st.names[n]);
    r.stacks.push_back(st.series(std::move(frames), [&](const SnapshotValues& s) {
      auto it = s.stacks.find(id);
      return it == s.stacks.end() ? SiteValue{} : it->second;
    }));
  }
  std::sort(r.functions.begin(), r.functions.end(), steeper);
  std::sort(r.stacks.begin(), r.stacks.end(), steeper);

  // A suspect per flagged function, and per function one of whose stacks is flagged.
  std::vector<std::string> leaves;
  for (const auto& f : r.functions)
    if (f.suspect) leaves.push_back(f.frames.front());
  for (const auto& s : r.stacks)
    if (s.suspect && std::find(leaves.begin(), leaves.end(), s.frames.front()) == leaves.end())
      leaves.push_back(s.frames.front());
  for (const auto& leaf : leaves) {
    LeakSuspect suspect;
    for (const auto& f : r.functions)
      if (f.frames.front() == leaf) suspect.function = f;
    for (const auto& s : r.stacks)
      if (s.frames.front() == leaf && s.suspect) suspect.stacks.push_back(s);
    for (const auto& s : r.stacks)
      if (s.frames.front() == leaf && !s.suspect && s.slope_per_hour > 0)
        suspect.stacks.push_back(s);
    if (suspect.stacks.size() > kStacksPerSuspect) suspect.stacks.resize(kStacksPerSuspect);
    r.suspects.push_back(std::move(suspect));
  }
  std::stable_sort(
      r.suspects.begin(), r.suspects.end(),
      [](const LeakSuspect& a, const LeakSuspect& b) { return steeper(a.function, b.function); });
  return r;
}

}  // namespace leakseek::profiles

#include "report/retention_pprof.h"

#include <fmt/format.h>

#include "report/retention_json.h"
#include "report/units.h"

namespace leakseek::report {

namespace {

std::string frame_name(const HeapContext& ctx, const std::vector<heap::RootGroup>& groups,
                       const heap::RetentionFrame& f) {
  using Kind = heap::RetentionFrame::Kind;
  switch (f.kind) {
    case Kind::kGroup:
      return root_group_label(ctx, groups[f.id]);
    case Kind::kShared:
      return "held by several roots";
    case Kind::kObject: {
      auto id = static_cast<heap::ObjectId>(f.id);
      std::string type = object_type(ctx, id);
      return fmt::format("{} {} {}", human_bytes(ctx.model.size(id)),
                         type.empty() ? "object" : type, hex(ctx.model.object_addr[id]));
    }
    case Kind::kType:
      if (!ctx.dwarf) return "typed objects";
      return heap::object_type_name(*ctx.dwarf, {static_cast<binary::TypeId>(f.id >> 8),
                                                 static_cast<heap::ObjectShape>(f.id & 0xff), 0});
    case Kind::kSize:
      return fmt::format("{} objects", human_bytes(f.id));
    case Kind::kDeeper:
      return "deeper in the dominator tree";
  }
  return "?";
}

}  // namespace

profiles::Profile retention_pprof(const HeapContext& ctx,
                                  const std::vector<heap::RootGroup>& groups,
                                  const heap::RetentionProfile& p, const std::string& comment) {
  profiles::ProfileData d;
  d.sample_types = {{"retained_objects", "count"}, {"retained_space", "bytes"}};
  d.default_sample_type = "retained_space";
  d.comments = {comment};
  d.functions.reserve(p.frames.size());
  d.locations.reserve(p.frames.size());
  for (uint64_t i = 0; i < p.frames.size(); i++) {
    std::string name = frame_name(ctx, groups, p.frames[i]);
    d.functions.push_back({i + 1, name, name, "", 0});
    d.locations.push_back({i + 1, 0, 0, {{i + 1, 0, 0}}, false});
  }
  for (const auto& s : p.stacks) {
    if (s.objects == 0) continue;
    profiles::Sample sample;
    sample.values = {static_cast<int64_t>(s.objects), static_cast<int64_t>(s.bytes)};
    for (const auto* t = &s;; t = &p.stacks[t->parent]) {
      sample.location_ids.push_back(uint64_t{t->frame} + 1);
      if (t->parent == heap::kNoStack) break;
    }
    d.samples.push_back(std::move(sample));
  }
  return profiles::Profile(std::move(d));
}

}  // namespace leakseek::report

#include "goroutines/goroutine_groups.h"

#include "goruntime/runtime_functions.h"

#include <algorithm>
#include <functional>
#include <unordered_map>

#include "goroutines/runtime_owned.h"

namespace leakseek::goroutines {

namespace {

// Names and files are interned per dump, so pointer and size identify a string.
size_t mix(size_t h, size_t v) {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}
size_t hash_view(std::string_view s) {
  return std::hash<std::string_view>{}(s);
}
size_t hash_interned(std::string_view s) {
  return mix(reinterpret_cast<size_t>(s.data()), s.size());
}
bool same_interned(std::string_view a, std::string_view b) {
  return a.data() == b.data() && a.size() == b.size();
}

struct Member {
  const Goroutine* g;
  std::span<const Frame> frames;
};

bool same_frames(std::span<const Frame> a, std::span<const Frame> b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++)
    if (!same_interned(a[i].function, b[i].function) || !same_interned(a[i].file, b[i].file) ||
        a[i].line != b[i].line)
      return false;
  return true;
}

std::string_view creator(const Goroutine& g) {
  return g.created_by ? g.created_by->function : std::string_view();
}

size_t key_hash(GroupBy by, const Member& m) {
  size_t h = 0;
  switch (by) {
    case GroupBy::stack:
      h = mix(h, hash_interned(m.g->state));
      for (const auto& f : m.frames)
        h = mix(mix(mix(h, hash_interned(f.function)), hash_interned(f.file)),
                static_cast<size_t>(f.line));
      h = mix(h, hash_interned(creator(*m.g)));
      for (const auto& l : m.g->labels) h = mix(mix(h, hash_view(l.key)), hash_view(l.value));
      return h;
    case GroupBy::top:
      return m.frames.empty() ? 0 : hash_interned(m.frames[0].function);
    case GroupBy::creator:
      return hash_interned(creator(*m.g));
  }
  return h;
}

bool same_key(GroupBy by, const Member& a, const Member& b) {
  switch (by) {
    case GroupBy::stack:
      return same_interned(a.g->state, b.g->state) && same_frames(a.frames, b.frames) &&
             same_interned(creator(*a.g), creator(*b.g)) && a.g->labels == b.g->labels;
    case GroupBy::top:
      if (a.frames.empty() || b.frames.empty()) return a.frames.empty() && b.frames.empty();
      return same_interned(a.frames[0].function, b.frames[0].function);
    case GroupBy::creator:
      return same_interned(creator(*a.g), creator(*b.g));
  }
  return false;
}

std::string_view program_function(std::span<const Frame> frames) {
  for (const auto& f : frames) {
    if (goruntime::is_wait_machinery(f.function)) continue;
    return f.function;
  }
  return frames.empty() ? std::string_view() : frames[0].function;
}

}  // namespace

std::string stack_signature(std::span<const Frame> visible) {
  std::string s;
  for (const auto& f : visible) {
    s += f.function;
    s += ' ';
    s += f.file;
    s += ':';
    s += std::to_string(f.line);
    s += '\n';
  }
  return s;
}

Grouping group_goroutines(const GoroutineDump& dump, const GroupOptions& options) {
  Grouping out;
  out.total = dump.total;
  std::vector<Frame> scratch;
  // Visible frames are copied (into scratch) only for goroutines that have hidden ones.
  std::vector<Member> representative;  // per group
  std::unordered_map<size_t, std::vector<size_t>> by_hash;
  for (const auto& g : dump.goroutines) {
    bool owned = is_runtime_owned(g);
    if (owned && !options.include_runtime_owned) {
      out.hidden_runtime_owned += g.count;
      continue;
    }
    std::span<const Frame> frames = visible_frames(g, scratch);
    Member m{&g, frames};
    size_t h = key_hash(options.by, m);
    auto& candidates = by_hash[h];
    size_t index = SIZE_MAX;
    for (size_t c : candidates)
      if (same_key(options.by, representative[c], m)) {
        index = c;
        break;
      }
    if (index == SIZE_MAX) {
      index = out.groups.size();
      candidates.push_back(index);
      Group group;
      group.state = g.state;
      group.top_function = frames.empty() ? std::string_view() : frames[0].function;
      group.program_function = program_function(frames);
      group.created_by = g.created_by;
      group.labels = g.labels;
      group.runtime_owned = owned;
      group.stack.assign(frames.begin(), frames.end());
      out.groups.push_back(std::move(group));
      representative.push_back({&g, out.groups.back().stack});
    }
    Group& group = out.groups[index];
    group.count += g.count;
    if (g.leaked) {
      group.leaked += g.count;
      out.leaked += g.count;
    }
    if (!same_interned(group.state, g.state) && group.state != g.state) group.state = "mixed";
    group.max_wait_minutes = std::max(group.max_wait_minutes, g.wait_minutes);
    group.locked_to_thread = group.locked_to_thread || g.locked_to_thread;
    if (g.id) group.goids.push_back(*g.id);
  }
  std::stable_sort(out.groups.begin(), out.groups.end(), [](const Group& a, const Group& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.max_wait_minutes != b.max_wait_minutes) return a.max_wait_minutes > b.max_wait_minutes;
    return a.top_function < b.top_function;
  });
  return out;
}

}  // namespace leakseek::goroutines

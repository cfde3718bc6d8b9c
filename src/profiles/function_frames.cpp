#include "profiles/function_frames.h"

#include <unordered_map>

namespace leakseek::profiles {

namespace {

// Go's filepath.Base, which pprof applies to the binary's path.
std::string base_name(const std::string& path) {
  if (path.empty()) return ".";
  size_t end = path.find_last_not_of('/');
  if (end == std::string::npos) return "/";
  size_t start = path.find_last_of('/', end);
  return path.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

// Maps location ids to indexes with a plain array when ids are dense, as Go writes them.
class LocationIndex {
 public:
  explicit LocationIndex(const Profile& p) {
    uint64_t max_id = 0;
    for (const auto& l : p.locations()) max_id = std::max(max_id, l.id);
    if (max_id <= 4 * p.locations().size() + 1024) {
      dense_.assign(max_id + 1, kNone);
      for (uint32_t i = 0; i < p.locations().size(); i++) dense_[p.locations()[i].id] = i;
    } else {
      sparse_.reserve(p.locations().size());
      for (uint32_t i = 0; i < p.locations().size(); i++) sparse_[p.locations()[i].id] = i;
    }
  }
  // Readers guarantee every id a sample names exists.
  uint32_t operator()(uint64_t id) const {
    if (!dense_.empty() || sparse_.empty()) return id < dense_.size() ? dense_[id] : kNone;
    auto it = sparse_.find(id);
    return it == sparse_.end() ? kNone : it->second;
  }
  static constexpr uint32_t kNone = UINT32_MAX;

 private:
  std::vector<uint32_t> dense_;
  std::unordered_map<uint64_t, uint32_t> sparse_;
};

}  // namespace

FunctionFrames::FunctionFrames(const Profile& p) {
  // pprof keys a node by its NodeInfo; at function granularity that is the name alone, except
  // for code without a function name, which is keyed by binary (and start line).
  std::unordered_map<std::string, uint32_t> by_key;
  std::unordered_map<uint64_t, uint32_t> by_function_id;
  auto node_for = [&](std::string key, std::string name, std::string tie) {
    auto [it, added] = by_key.emplace(std::move(key), static_cast<uint32_t>(names_.size()));
    if (added) {
      names_.push_back(std::move(name));
      tie_breakers_.push_back(std::move(tie));
    }
    return it->second;
  };
  auto objfile_of = [&](const Location& l) -> std::string {
    const Mapping* m = l.mapping_id ? p.mapping(l.mapping_id) : nullptr;
    return m ? m->filename : "";
  };
  auto nameless = [&](const std::string& objfile, int64_t start_line) {
    std::string name = objfile.empty() ? "<unknown>" : "[" + base_name(objfile) + "]";
    // fmt.Sprint of pprof's NodeInfo{Name, OrigName, Address, File, StartLine, Lineno,
    // Columnno, Objfile} for such a node.
    std::string tie = "{  0  " + std::to_string(start_line) + " 0 0 " + objfile + "}";
    return node_for(std::string(1, '\0') + objfile + '\0' + std::to_string(start_line), name, tie);
  };

  frame_begin_.reserve(p.locations().size() + 1);
  frame_begin_.push_back(0);
  for (const auto& l : p.locations()) {
    if (l.lines.empty()) {
      frames_.push_back(nameless(objfile_of(l), 0));
    } else {
      for (const auto& line : l.lines) {
        auto cached = by_function_id.find(line.function_id);
        if (cached != by_function_id.end()) {
          frames_.push_back(cached->second);
          continue;
        }
        const Function* f = p.function(line.function_id);
        uint32_t node = f && !f->name.empty() ? node_for(f->name, f->name, "")
                                              : nameless(objfile_of(l), f ? f->start_line : 0);
        // Nameless nodes depend on the location's binary, so only named ones are cached.
        if (f && !f->name.empty()) by_function_id.emplace(line.function_id, node);
        frames_.push_back(node);
      }
    }
    frame_begin_.push_back(static_cast<uint32_t>(frames_.size()));
  }
  ever_inlined_.assign(names_.size(), false);
  for (uint32_t i = 0; i + 1 < frame_begin_.size(); i++)
    for (uint32_t f = frame_begin_[i]; f + 1 < frame_begin_[i + 1]; f++)
      ever_inlined_[frames_[f]] = true;

  LocationIndex index(p);
  sample_begin_.reserve(p.samples().size() + 1);
  sample_begin_.push_back(0);
  size_t total = 0;
  for (const auto& s : p.samples()) total += s.location_ids.size();
  sample_locations_.reserve(total);
  for (const auto& s : p.samples()) {
    for (uint64_t id : s.location_ids) {
      uint32_t i = index(id);
      if (i != LocationIndex::kNone) sample_locations_.push_back(i);
    }
    sample_begin_.push_back(sample_locations_.size());
  }
}

std::vector<uint32_t> FunctionFrames::sample_nodes(size_t sample) const {
  std::vector<uint32_t> out;
  for (uint32_t loc : sample_locations(sample))
    for (uint32_t node : location_nodes(loc)) out.push_back(node);
  return out;
}

}  // namespace leakseek::profiles

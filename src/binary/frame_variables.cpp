#include "binary/frame_variables.h"

#include <algorithm>

namespace leakseek::binary {

FrameVariables::FrameVariables(std::vector<FunctionScope> functions) {
  std::sort(functions.begin(), functions.end(),
            [](const FunctionScope& a, const FunctionScope& b) { return a.entry < b.entry; });
  for (auto& f : functions) {
    if (f.end <= f.entry) continue;
    if (!functions_.empty() && f.entry < functions_.back().end) continue;
    functions_.push_back(std::move(f));
  }
}

const FunctionScope* FrameVariables::function_at(uint64_t pc) const {
  auto it = std::upper_bound(functions_.begin(), functions_.end(), pc,
                             [](uint64_t v, const FunctionScope& f) { return v < f.entry; });
  if (it == functions_.begin()) return nullptr;
  --it;
  return pc < it->end ? &*it : nullptr;
}

const FunctionScope* FrameVariables::find(std::string_view name) const {
  for (const auto& f : functions_)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<FrameVariable> FrameVariables::at(uint64_t pc) const {
  std::vector<FrameVariable> out;
  const FunctionScope* f = function_at(pc);
  if (!f) return out;
  for (const auto& v : f->variables) {
    auto it = std::upper_bound(v.locations.begin(), v.locations.end(), pc,
                               [](uint64_t p, const VariableLocation& l) { return p < l.lo; });
    if (it == v.locations.begin()) continue;
    --it;
    if (pc < it->hi && !it->pieces.empty()) out.push_back({&v, &it->pieces});
  }
  return out;
}

void FrameVariables::relocate(uint64_t bias) {
  for (auto& f : functions_) {
    f.entry += bias;
    f.end += bias;
    for (auto& v : f.variables)
      for (auto& l : v.locations) {
        l.lo += bias;
        l.hi += bias;
      }
  }
}

}  // namespace leakseek::binary

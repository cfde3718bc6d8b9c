#include "profiles/sample_index.h"

#include <charconv>
#include <stdexcept>

namespace leakseek::profiles {

size_t resolve_sample_index(const Profile& p, const std::string& wanted) {
  const auto& types = p.sample_types();
  if (types.empty()) throw std::invalid_argument("the profile has no sample types");
  if (wanted.empty()) {
    if (auto i = p.sample_type_index(p.default_sample_type())) return *i;
    return types.size() - 1;
  }
  size_t index = 0;
  auto [end, ec] = std::from_chars(wanted.data(), wanted.data() + wanted.size(), index);
  if (ec == std::errc() && end == wanted.data() + wanted.size()) {
    if (index < types.size()) return index;
  } else {
    std::string legacy = wanted.starts_with("inuse_") ? wanted.substr(6) : wanted;
    for (size_t i = 0; i < types.size(); i++)
      if (types[i].type == wanted || types[i].type == legacy) return i;
  }
  std::string list;
  for (const auto& t : types) list += (list.empty() ? "" : ", ") + t.type;
  throw std::invalid_argument("sample type \"" + wanted + "\" is not one of: " + list);
}

}  // namespace leakseek::profiles

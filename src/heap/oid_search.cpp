#include "heap/oid_search.h"

#include <charconv>
#include <cstdio>
#include <sstream>
#include <unordered_map>

#include "goruntime/go_version.h"
#include "util/input_error.h"

namespace leakseek::heap {

std::vector<OidEntry> parse_oid_list(const std::string& path, const std::string& text) {
  std::vector<OidEntry> out;
  std::istringstream in(text);
  std::string line;
  for (int lineno = 1; std::getline(in, line); lineno++) {
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    size_t e = line.find_first_of(" \t", b);
    std::string value = line.substr(b, e == std::string::npos ? std::string::npos : e - b);
    size_t nb = e == std::string::npos ? std::string::npos : line.find_first_not_of(" \t", e);
    std::string name = nb == std::string::npos ? "" : line.substr(nb);
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ' || name.back() == '\t'))
      name.pop_back();
    int base = 10;
    std::string_view digits = value;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
      base = 16, digits.remove_prefix(2);
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (ec != std::errc() || p != digits.data() + digits.size()) {
      throw InputError(path, std::nullopt,
                       "line " + std::to_string(lineno) + ": bad OID value '" + value + "'");
    }
    if (name.empty())
      throw InputError(path, std::nullopt, "line " + std::to_string(lineno) + ": OID has no name");
    out.push_back({v, std::move(name)});
  }
  return out;
}

bool may_have_type_header(const HeapModel& model, uint64_t size) {
  // runtime.minSizeForMallocHeader is PtrSize * ptrBits: 512 on 64-bit, 128 on 32-bit.
  const uint64_t ps = model.ptr_size();
  return go_minor_version(model.go_version()).value_or(0) >= 22 && size > ps * 8 * ps &&
         size <= 32768;
}

std::vector<OidMatch> find_by_oid(const HeapModel& model, const std::vector<OidEntry>& entries,
                                  const std::regex& name_pattern) {
  std::unordered_map<uint64_t, const OidEntry*> wanted;
  for (const auto& e : entries)
    if (std::regex_search(e.name, name_pattern)) wanted.emplace(e.value, &e);
  std::vector<OidMatch> out;
  if (wanted.empty()) return out;
  const uint64_t ps = model.ptr_size();
  for (ObjectId id = 0; id < model.object_count(); id++) {
    uint64_t size = model.size(id);
    for (uint64_t off : {uint64_t{0}, ps}) {
      if (off == ps && !may_have_type_header(model, size)) break;
      if (size < off + ps) break;
      auto it = wanted.find(model.word_at(model.object_contents[id], off));
      if (it != wanted.end()) {
        out.push_back({id, off, it->second});
        break;
      }
    }
  }
  return out;
}

}  // namespace leakseek::heap

#pragma once
// Finding objects by a marker value in their first word (an "object id" a program plants so a
// heap dump can be searched for its own structures).
#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "heap/heap_model.h"

namespace leakseek::heap {

struct OidEntry {
  uint64_t value;
  std::string name;
};

// Parses an OID list: one "VALUE NAME" per line, VALUE in hex (0x...) or decimal; blank lines
// and lines starting with '#' are skipped. Throws InputError naming the line.
std::vector<OidEntry> parse_oid_list(const std::string& path, const std::string& text);

struct OidMatch {
  ObjectId object;
  uint64_t word_offset;  // 0, or the pointer size when the object starts with a type header
  const OidEntry* entry;
};

// Objects whose first word, or first word after a Go >= 1.22 malloc type header, equals the
// value of an entry whose name matches `name_pattern`.
std::vector<OidMatch> find_by_oid(const HeapModel& model, const std::vector<OidEntry>& entries,
                                  const std::regex& name_pattern);

// Whether objects of this size may start with a type header in this dump's Go version
// (Go 1.22+: small-size-class objects larger than 512 bytes).
bool may_have_type_header(const HeapModel& model, uint64_t size);

}  // namespace leakseek::heap

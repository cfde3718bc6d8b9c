#pragma once
// Go 1.24+ maps are Swiss tables. The linker describes each map[K]V with DWARF structs of its
// own: the header map<K,V> {used, seed, dirPtr, dirLen, ...}, table<K,V> {..., groups
// groupReference<K,V> {data, lengthMask}} and the group noalg.map.group[K]V {ctrl, slots [8]
// {key, elem}}. A header's dirPtr is typed **table<K,V>, but it points at one group while
// dirLen is 0 and at dirLen table pointers after that; a group's slots hold entries only where
// the control byte's high bit is clear. Where those words are, found once per type.
#include <cstdint>
#include <optional>
#include <string_view>

#include "binary/dwarf_types.h"

namespace leakseek::binary {

struct SwissMapHeader {
  uint64_t dir_ptr = 0;  // offset of dirPtr
  uint64_t dir_len = 0;  // offset of dirLen (an int)
  TypeId group = kNoType;
  TypeId table_pointer = kNoType;  // *table<K,V>, the directory's element
};

struct SwissGroup {
  uint64_t ctrl = 0;   // offset of the control word: byte i is slot i's control byte
  uint64_t slots = 0;  // offset of the first slot
  TypeId slot = kNoType;
  uint64_t slot_size = 0;
  uint64_t slot_count = 0;
};

// The layout of header type `t` when it is a linker-made map<K,V> whose table and group types
// the DWARF has too; nullopt for every other type.
std::optional<SwissMapHeader> swiss_map_header(const DwarfTypes& dwarf, TypeId t);
// The layout of group type `t` ("noalg.map.group[K]V"); nullopt for every other type.
std::optional<SwissGroup> swiss_group(const DwarfTypes& dwarf, TypeId t);
// Whether a type name is a Swiss-table group's ("noalg.map.group[string]int", "map.group[..").
bool is_swiss_group_name(std::string_view name);
// A control byte that marks a full slot: empty is 0x80 and deleted 0xFE.
constexpr bool swiss_slot_full(uint8_t ctrl) {
  return (ctrl & 0x80) == 0;
}

}  // namespace leakseek::binary

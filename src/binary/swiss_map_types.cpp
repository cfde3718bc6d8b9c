#include "binary/swiss_map_types.h"

#include <string>

namespace leakseek::binary {

namespace {

const GoField* field(const DwarfTypes& dwarf, TypeId t, std::string_view name) {
  if (t == kNoType) return nullptr;
  for (const auto& f : dwarf.type(t).fields)
    if (f.name == name) return &f;
  return nullptr;
}

// The element type of pointer type `p`, or kNoType.
TypeId pointee(const DwarfTypes& dwarf, TypeId p) {
  if (p == kNoType || dwarf.type(p).kind != TypeKind::kPointer) return kNoType;
  return dwarf.type(p).elem;
}

}  // namespace

bool is_swiss_group_name(std::string_view name) {
  if (name.starts_with("noalg.")) name.remove_prefix(6);
  return name.starts_with("map.group[");
}

std::optional<SwissMapHeader> swiss_map_header(const DwarfTypes& dwarf, TypeId t) {
  if (t == kNoType) return std::nullopt;
  const std::string& name = dwarf.type(t).name;
  if (!name.starts_with("map<") || !name.ends_with(">")) return std::nullopt;
  const GoField* dir_ptr = field(dwarf, t, "dirPtr");
  const GoField* dir_len = field(dwarf, t, "dirLen");
  if (!dir_ptr || !dir_len) return std::nullopt;
  SwissMapHeader out{dir_ptr->offset, dir_len->offset};
  // dirPtr is **table<K,V>; the table's groups.data is *group.
  out.table_pointer = pointee(dwarf, dir_ptr->type);
  TypeId table = pointee(dwarf, out.table_pointer);
  if (table == kNoType) table = dwarf.find("table<" + name.substr(4));
  const GoField* groups = field(dwarf, table, "groups");
  const GoField* data = groups ? field(dwarf, groups->type, "data") : nullptr;
  if (data) out.group = pointee(dwarf, data->type);
  if (out.group == kNoType || out.table_pointer == kNoType || !swiss_group(dwarf, out.group))
    return std::nullopt;
  return out;
}

std::optional<SwissGroup> swiss_group(const DwarfTypes& dwarf, TypeId t) {
  if (t == kNoType || !is_swiss_group_name(dwarf.type(t).name)) return std::nullopt;
  const GoField* ctrl = field(dwarf, t, "ctrl");
  const GoField* slots = field(dwarf, t, "slots");
  if (!ctrl || !slots || ctrl->type == kNoType || slots->type == kNoType) return std::nullopt;
  const GoType& array = dwarf.type(slots->type);
  if (array.kind != TypeKind::kArray || array.elem == kNoType || array.count == 0 ||
      array.count > 8)
    return std::nullopt;
  const uint64_t slot_size = dwarf.type(array.elem).size;
  if (slot_size == 0 || dwarf.type(ctrl->type).size < array.count) return std::nullopt;
  return SwissGroup{ctrl->offset, slots->offset, array.elem, slot_size, array.count};
}

}  // namespace leakseek::binary

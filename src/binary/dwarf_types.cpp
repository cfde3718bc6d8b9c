#include "binary/dwarf_types.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstring>

#include "binary/elf_file.h"
#include "binary/frame_variables_reader.h"
#include "util/input_error.h"

namespace leakseek::binary {

namespace {

// Go's own DWARF attributes (cmd/internal/dwarf/dwarf.go).
constexpr unsigned kAtGoKind = 0x2900;
constexpr unsigned kAtGoKey = 0x2901;
constexpr unsigned kAtGoElem = 0x2902;
constexpr unsigned kAtGoEmbeddedField = 0x2903;
constexpr unsigned kAtGoRuntimeType = 0x2904;

// internal/abi.Kind values (stable since Go 1.0; reflect.Kind has the same numbering).
constexpr uint64_t kGoArray = 17, kGoChan = 18, kGoFunc = 19, kGoInterface = 20, kGoMap = 21,
                   kGoPointer = 22, kGoSlice = 23, kGoString = 24, kGoStruct = 25,
                   kGoUnsafePointer = 26;

// Real Go types nest a few levels deep; anything deeper is corrupt DWARF, and stopping keeps
// the recursive walks below off the end of the stack.
constexpr int kMaxDepth = 256;

// A type DIE as read, before references are turned into TypeIds.
struct RawMember {
  std::string name;
  uint64_t offset = 0;
  Dwarf_Off type = 0;
  bool embedded = false;
};

struct RawType {
  Dwarf_Off offset = 0;
  int tag = 0;
  std::string name;
  std::optional<uint64_t> byte_size;
  std::optional<uint64_t> go_kind;
  std::optional<uint64_t> runtime_type;
  Dwarf_Off type = 0;  // DW_AT_type
  Dwarf_Off key = 0;
  Dwarf_Off elem = 0;
  uint64_t count = 0;
  std::vector<RawMember> members;
};

struct RawVariable {
  std::string name;
  uint64_t addr = 0;
  Dwarf_Off type = 0;
};

// libdw's view of an open ElfFile, ended before the file is.
struct DwarfHandle {
  Dwarf* dwarf = nullptr;
  ~DwarfHandle() {
    if (dwarf) dwarf_end(dwarf);
  }
};

std::optional<uint64_t> udata(Dwarf_Die* die, unsigned at) {
  Dwarf_Attribute attr;
  Dwarf_Word v;
  if (!dwarf_attr(die, at, &attr) || dwarf_formudata(&attr, &v) != 0) return std::nullopt;
  return v;
}

Dwarf_Off ref(Dwarf_Die* die, unsigned at) {
  Dwarf_Attribute attr;
  Dwarf_Die target;
  if (!dwarf_attr(die, at, &attr) || !dwarf_formref_die(&attr, &target)) return 0;
  return dwarf_dieoffset(&target);
}

std::string name_of(Dwarf_Die* die) {
  const char* n = dwarf_diename(die);
  return n ? n : "";
}

bool is_type_tag(int tag) {
  switch (tag) {
    case DW_TAG_base_type:
    case DW_TAG_structure_type:
    case DW_TAG_pointer_type:
    case DW_TAG_array_type:
    case DW_TAG_typedef:
    case DW_TAG_subroutine_type:
    case DW_TAG_unspecified_type:
      return true;
    default:
      return false;
  }
}

RawType read_type(Dwarf_Die* die, int tag) {
  RawType t;
  t.offset = dwarf_dieoffset(die);
  t.tag = tag;
  t.name = name_of(die);
  t.byte_size = udata(die, DW_AT_byte_size);
  t.go_kind = udata(die, kAtGoKind);
  Dwarf_Attribute attr;
  Dwarf_Addr addr;
  // Written with DW_FORM_addr; 0 means the linker dropped the descriptor as unreachable.
  if (dwarf_attr(die, kAtGoRuntimeType, &attr) && dwarf_formaddr(&attr, &addr) == 0 && addr != 0)
    t.runtime_type = addr;
  t.type = ref(die, DW_AT_type);
  t.key = ref(die, kAtGoKey);
  t.elem = ref(die, kAtGoElem);
  Dwarf_Die child;
  if (dwarf_child(die, &child) != 0) return t;
  do {
    int ctag = dwarf_tag(&child);
    if (ctag == DW_TAG_member) {
      RawMember m;
      m.name = name_of(&child);
      m.offset = udata(&child, DW_AT_data_member_location).value_or(0);
      m.type = ref(&child, DW_AT_type);
      Dwarf_Attribute emb;
      bool flag = false;
      m.embedded =
          dwarf_attr(&child, kAtGoEmbeddedField, &emb) && dwarf_formflag(&emb, &flag) == 0 && flag;
      t.members.push_back(std::move(m));
    } else if (ctag == DW_TAG_subrange_type) {
      if (auto c = udata(&child, DW_AT_count)) {
        t.count = *c;
      } else if (auto ub = udata(&child, DW_AT_upper_bound)) {
        t.count = *ub + 1;
      }
    }
  } while (dwarf_siblingof(&child, &child) == 0);
  return t;
}

// A package-level variable lives at a fixed address: its location is exactly DW_OP_addr.
std::optional<uint64_t> static_address(Dwarf_Die* die, uint64_t ptr_size) {
  Dwarf_Attribute attr;
  if (!dwarf_attr(die, DW_AT_location, &attr)) return std::nullopt;
  Dwarf_Op* ops = nullptr;
  size_t nops = 0;
  if (dwarf_getlocation(&attr, &ops, &nops) == 0)
    return nops == 1 && ops[0].atom == DW_OP_addr ? std::optional(ops[0].number) : std::nullopt;
  // Go writes the location as DW_FORM_block1 in version 4 units, where the standard (and so
  // libdw) only accepts DW_FORM_exprloc: decode the one expression Go writes by hand.
  Dwarf_Block block;
  if (dwarf_formblock(&attr, &block) != 0 || block.length != 1 + ptr_size ||
      block.data[0] != DW_OP_addr)
    return std::nullopt;
  uint64_t addr = 0;
  for (size_t i = ptr_size; i > 0; i--) addr = addr << 8 | block.data[i];  // little-endian
  return addr;
}

std::optional<RawVariable> read_variable(Dwarf_Die* die, uint64_t ptr_size) {
  auto addr = static_address(die, ptr_size);
  if (!addr) return std::nullopt;
  return RawVariable{name_of(die), *addr, ref(die, DW_AT_type)};
}

TypeKind kind_from_go(uint64_t k) {
  switch (k) {
    case kGoArray:
      return TypeKind::kArray;
    case kGoChan:
      return TypeKind::kChan;
    case kGoFunc:
      return TypeKind::kFunc;
    case kGoInterface:
      return TypeKind::kInterface;
    case kGoMap:
      return TypeKind::kMap;
    case kGoPointer:
      return TypeKind::kPointer;
    case kGoSlice:
      return TypeKind::kSlice;
    case kGoString:
      return TypeKind::kString;
    case kGoStruct:
      return TypeKind::kStruct;
    case kGoUnsafePointer:
      return TypeKind::kUnsafePointer;
    default:
      return k >= 1 && k < kGoArray ? TypeKind::kBasic : TypeKind::kOther;
  }
}

// For DIEs without a usable Go kind: the linker's synthesised runtime types (hash<K,V>,
// bucket<K,V>, hchan<T>) and unsafe.Pointer, a pointer DIE with no DW_AT_type.
TypeKind kind_from_tag(const RawType& t) {
  switch (t.tag) {
    case DW_TAG_base_type:
      return TypeKind::kBasic;
    case DW_TAG_structure_type:
      return TypeKind::kStruct;
    case DW_TAG_pointer_type:
      return t.type ? TypeKind::kPointer : TypeKind::kUnsafePointer;
    case DW_TAG_array_type:
      return TypeKind::kArray;
    case DW_TAG_subroutine_type:
      return TypeKind::kFunc;
    default:
      return TypeKind::kOther;
  }
}

}  // namespace

// Turns the raw DIEs into the TypeId-indexed table.
class DwarfTypesBuilder {
 public:
  explicit DwarfTypesBuilder(DwarfTypes& out) : out_(out) {}

  void read(Dwarf* dw) {
    Dwarf_Off off = 0, next = 0;
    size_t header = 0;
    while (dwarf_nextcu(dw, off, &next, &header, nullptr, nullptr, nullptr) == 0) {
      Dwarf_Die cu, die;
      // A cgo binary also carries the C objects' units: their types ("int" is 4 bytes there)
      // and variables are not Go's, and a binary with only those (-w) has no Go DWARF at all.
      const bool go_unit = dwarf_offdie(dw, off + header, &cu) && dwarf_srclang(&cu) == DW_LANG_Go;
      go_units_ += go_unit;
      // Go puts every type and package variable directly under its compile unit.
      if (go_unit && dwarf_child(&cu, &die) == 0) {
        do {
          int tag = dwarf_tag(&die);
          if (is_type_tag(tag)) {
            raw_.push_back(read_type(&die, tag));
          } else if (tag == DW_TAG_variable) {
            if (auto v = read_variable(&die, out_.ptr_size_)) vars_.push_back(std::move(*v));
          } else if (tag == DW_TAG_subprogram) {
            if (auto f = read_function(&die)) functions_.push_back(std::move(*f));
          }
        } while (dwarf_siblingof(&die, &die) == 0);
      }
      off = next;
    }
  }

  size_t go_units() const { return go_units_; }

  void build() {
    assign_ids();
    for (size_t i = 0; i < raw_.size(); i++) {
      if (!alias_[i]) fill(raw_[i], id_of_.at(raw_[i].offset));
    }
    inherit_from_targets();
    for (TypeId id = 0; id < out_.types_.size(); id++) {
      const GoType& t = out_.types_[id];
      out_.by_name_.emplace(t.name, id);
      if (t.runtime_type) out_.by_runtime_.emplace(*t.runtime_type, id);
    }
    type_atomic_pointers();
    std::vector<uint8_t> state(out_.types_.size(), 0);
    for (TypeId id = 0; id < out_.types_.size(); id++) compute_has_pointers(id, state, 0);
    for (auto& v : vars_) out_.globals_.push_back({std::move(v.name), v.addr, resolve(v.type)});
    std::stable_sort(
        out_.globals_.begin(), out_.globals_.end(),
        [](const GlobalVariable& a, const GlobalVariable& b) { return a.addr < b.addr; });
    build_frames();
  }

 private:
  // Go writes each named type twice: the real DIE ("main.Session", a structure with the Go
  // attributes) and a plain DW_TAG_typedef of the same name that other DIEs refer to. A typedef
  // without DW_AT_go_kind is such an alias and folds into its target. Typedefs with a Go kind
  // are real types: maps, chans and interfaces are written that way.
  void assign_ids() {
    std::unordered_map<Dwarf_Off, size_t> index;
    for (size_t i = 0; i < raw_.size(); i++) index.emplace(raw_[i].offset, i);
    alias_.assign(raw_.size(), false);
    for (size_t i = 0; i < raw_.size(); i++)
      alias_[i] = raw_[i].tag == DW_TAG_typedef && !raw_[i].go_kind && raw_[i].type != 0;
    for (size_t i = 0; i < raw_.size(); i++) {
      if (alias_[i]) continue;
      id_of_.emplace(raw_[i].offset, static_cast<TypeId>(out_.types_.size()));
      out_.types_.emplace_back();
    }
    for (size_t i = 0; i < raw_.size(); i++) {
      if (!alias_[i]) continue;
      // Follow the alias chain; a chain that loops or leaves the table resolves to nothing.
      size_t at = i;
      for (int hops = 0; hops < kMaxDepth && alias_[at]; hops++) {
        auto it = index.find(raw_[at].type);
        if (it == index.end()) break;
        at = it->second;
      }
      if (!alias_[at]) id_of_.emplace(raw_[i].offset, id_of_.at(raw_[at].offset));
    }
  }

  TypeId resolve(Dwarf_Off off) const {
    auto it = id_of_.find(off);
    return it == id_of_.end() ? kNoType : it->second;
  }

  void fill(const RawType& r, TypeId id) {
    GoType& t = out_.types_[id];
    t.name = r.name;
    t.die_offset = r.offset;
    t.kind = r.go_kind && *r.go_kind != 0 ? kind_from_go(*r.go_kind) : kind_from_tag(r);
    t.runtime_type = r.runtime_type;
    t.size = r.byte_size.value_or(0);
    t.count = r.count;
    switch (t.kind) {
      case TypeKind::kPointer:
      case TypeKind::kArray:
        t.elem = resolve(r.type);
        break;
      case TypeKind::kSlice:
      case TypeKind::kChan:
        t.elem = resolve(r.elem);
        break;
      case TypeKind::kMap:
        t.key = resolve(r.key);
        t.elem = resolve(r.elem);
        break;
      default:
        break;
    }
    // One-word kinds written as typedefs carry no DW_AT_byte_size.
    if (!r.byte_size &&
        (t.kind == TypeKind::kMap || t.kind == TypeKind::kChan || t.kind == TypeKind::kFunc ||
         t.kind == TypeKind::kPointer || t.kind == TypeKind::kUnsafePointer))
      t.size = out_.ptr_size_;
    for (const auto& m : r.members)
      t.fields.push_back({m.name, m.offset, resolve(m.type), m.embedded});
    target_[id] = resolve(r.type);
  }

  // A typedef with a Go kind describes its layout through DW_AT_type: an interface points at
  // runtime.eface / runtime.iface, whose size it takes and whose name tells the two apart.
  void inherit_from_targets() {
    for (auto [id, target] : target_) {
      GoType& t = out_.types_[id];
      if (target == kNoType || target == id) continue;
      const GoType& u = out_.types_[target];
      if (t.kind == TypeKind::kInterface) t.empty_interface = u.name == "runtime.eface";
      if (t.size == 0) t.size = u.size;
      if (t.kind == TypeKind::kStruct && t.fields.empty()) t.fields = u.fields;
    }
    // Go's DWARF gives zero-length arrays ([0]*T) the element's size; the runtime says 0.
    for (GoType& t : out_.types_) {
      if (t.kind == TypeKind::kArray && t.count == 0) t.size = 0;
    }
  }

  // sync/atomic.Pointer[T] (what sync.Map and much modern code keep their state in) stores its
  // value as an unsafe.Pointer; the type argument in its name says it is a *T.
  void type_atomic_pointers() {
    constexpr std::string_view kPrefix = "sync/atomic.Pointer[";
    for (GoType& t : out_.types_) {
      if (t.kind != TypeKind::kStruct || !t.name.starts_with(kPrefix) || !t.name.ends_with("]"))
        continue;
      std::string arg = t.name.substr(kPrefix.size(), t.name.size() - kPrefix.size() - 1);
      TypeId p = out_.find("*" + arg);
      if (p == kNoType || out_.types_[p].kind != TypeKind::kPointer) continue;
      for (GoField& f : t.fields)
        if (f.name == "v" && f.type != kNoType &&
            out_.types_[f.type].kind == TypeKind::kUnsafePointer)
          f.type = p;
    }
  }

  // state: 0 unvisited, 1 in progress, 2 done. A value cannot contain itself, so meeting a
  // type in progress means corrupt DWARF; it then counts as pointer-free.
  bool compute_has_pointers(TypeId id, std::vector<uint8_t>& state, int depth) {
    GoType& t = out_.types_[id];
    if (state[id] == 2) return t.has_pointers;
    if (state[id] == 1 || depth > kMaxDepth) return false;
    state[id] = 1;
    bool p = false;
    switch (t.kind) {
      case TypeKind::kBasic:
      case TypeKind::kOther:
        break;
      case TypeKind::kArray:
        p = t.count > 0 && t.elem != kNoType && compute_has_pointers(t.elem, state, depth + 1);
        break;
      case TypeKind::kStruct:
        for (const auto& f : t.fields)
          if (f.type != kNoType && compute_has_pointers(f.type, state, depth + 1)) p = true;
        break;
      default:  // every other kind is, or starts with, a pointer word
        p = true;
    }
    t.has_pointers = p;
    state[id] = 2;
    return p;
  }

  DwarfTypes& out_;
  // Keeps only the variables a typing walk can use: typed, with pointers, somewhere on the stack.
  void build_frames() {
    std::vector<FunctionScope> scopes;
    for (auto& raw : functions_) {
      FunctionScope f{std::move(raw.name), raw.entry, raw.end, {}};
      for (auto& v : raw.variables) {
        TypeId t = resolve(v.type);
        if (t == kNoType || !out_.types_[t].has_pointers || out_.types_[t].size == 0) continue;
        for (auto& l : v.locations)
          for (auto& p : l.pieces)
            if (p.size == kWholeVariable) p.size = out_.types_[t].size;
        f.variables.push_back({std::move(v.name), t, v.parameter, std::move(v.locations)});
      }
      if (!f.variables.empty()) scopes.push_back(std::move(f));
    }
    functions_.clear();
    out_.frames_ = FrameVariables(std::move(scopes));
  }

  size_t go_units_ = 0;
  std::vector<RawType> raw_;
  std::vector<RawVariable> vars_;
  std::vector<RawFunction> functions_;
  std::vector<bool> alias_;
  std::unordered_map<Dwarf_Off, TypeId> id_of_;
  std::unordered_map<TypeId, TypeId> target_;  // DW_AT_type of each real type
};

DwarfTypes DwarfTypes::load(const std::string& path) {
  DwarfTypes out;
  out.path_ = path;
  ElfFile f(path);
  out.ptr_size_ = f.ptr_size();
  bool has_debug_info = false;
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(f.elf(), scn)) != nullptr;) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh)) continue;
    // A cut-off copy loses its section contents, names included, and would read as "no DWARF".
    if (sh.sh_type != SHT_NOBITS && sh.sh_offset + sh.sh_size > f.file_size())
      throw InputError(path, std::nullopt, "truncated ELF file: sections run past the end");
    if (sh.sh_type == SHT_SYMTAB) out.has_symtab_ = true;
    const char* name = f.section_name(sh);
    if (name && (std::strcmp(name, ".debug_info") == 0 || std::strcmp(name, ".zdebug_info") == 0))
      has_debug_info = true;
  }
  // libdw decompresses both SHF_COMPRESSED .debug_* (what Go 1.19 and 1.23 write) and the older
  // GNU .zdebug_* sections (Go 1.11 to 1.15) itself.
  DwarfHandle d;
  d.dwarf = dwarf_begin_elf(f.elf(), DWARF_C_READ, nullptr);
  if (!d.dwarf) {
    // Unreadable DWARF should not stop a heap analysis: load empty and say why.
    if (has_debug_info) out.dwarf_error_ = dwarf_errmsg(-1);
    return out;
  }
  DwarfTypesBuilder b(out);
  b.read(d.dwarf);
  if (b.go_units() == 0) return out;  // only C's DWARF: as good as none for Go's types
  out.has_dwarf_ = true;
  b.build();
  return out;
}

std::vector<std::string> DwarfTypes::limitations() const {
  if (has_dwarf_) return {};
  if (!dwarf_error_.empty())
    return {"DWARF debug info is unreadable (" + dwarf_error_ +
            "): no struct layouts or global variable types; objects are named only from runtime "
            "type descriptors"};
  std::string why = has_symtab_ ? "built with -ldflags=-w" : "stripped (-s or strip)";
  return {"no DWARF debug info (" + why +
          "): no struct layouts or global variable types; objects are named only from runtime "
          "type descriptors"};
}

TypeId DwarfTypes::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? kNoType : it->second;
}

const GlobalVariable* DwarfTypes::find_global(std::string_view name) const {
  for (const auto& g : globals_)
    if (g.name == name) return &g;
  return nullptr;
}

const GlobalVariable* DwarfTypes::global_at(uint64_t addr) const {
  auto it = std::upper_bound(globals_.begin(), globals_.end(), addr,
                             [](uint64_t a, const GlobalVariable& g) { return a < g.addr; });
  if (it == globals_.begin()) return nullptr;
  --it;
  uint64_t size = it->type == kNoType ? 1 : std::max<uint64_t>(types_[it->type].size, 1);
  return addr - it->addr < size ? &*it : nullptr;
}

namespace {

// Flattens a value's layout into its pointer words, depth-first in field order.
struct LayoutWalker {
  const std::vector<GoType>& types;
  uint64_t ptr_size;
  size_t max_words;
  PointerLayout out;

  void push(uint64_t offset, WordRole role, TypeId type) {
    if (out.words.size() >= max_words) {
      out.truncated = true;
      return;
    }
    out.words.push_back({offset, role, type});
  }

  void walk(TypeId id, uint64_t base, int depth) {
    if (id == kNoType || out.truncated || depth > kMaxDepth) return;
    const GoType& t = types[id];
    if (!t.has_pointers) return;
    switch (t.kind) {
      case TypeKind::kSlice:
        return push(base, WordRole::kSliceData, id);
      case TypeKind::kString:
        return push(base, WordRole::kStringData, id);
      case TypeKind::kInterface:
        return push(base + ptr_size, WordRole::kInterfaceData, id);
      case TypeKind::kStruct:
        for (const auto& f : t.fields) walk(f.type, base + f.offset, depth + 1);
        return;
      case TypeKind::kArray: {
        uint64_t stride = t.elem == kNoType ? 0 : types[t.elem].size;
        for (uint64_t i = 0; i < t.count && !out.truncated; i++) {
          size_t before = out.words.size();
          walk(t.elem, base + i * stride, depth + 1);
          // An element that yields nothing (cut off by the depth limit) never will: stop
          // instead of spinning through a huge count.
          if (out.words.size() == before) break;
        }
        return;
      }
      case TypeKind::kBasic:
      case TypeKind::kOther:
        return;
      default:  // pointer, unsafe.Pointer, map, chan, func: one pointer word
        return push(base, WordRole::kPointer, id);
    }
  }
};

}  // namespace

PointerLayout DwarfTypes::pointer_layout(TypeId id, size_t max_words) const {
  if (id >= types_.size()) return {};
  LayoutWalker w{types_, ptr_size_, max_words, {}};
  w.walk(id, 0, 0);
  return std::move(w.out);
}

std::vector<uint64_t> DwarfTypes::pointer_offsets(TypeId id, size_t max_words) const {
  std::vector<uint64_t> out;
  for (const auto& w : pointer_layout(id, max_words).words) out.push_back(w.offset);
  return out;
}

std::string_view type_kind_name(TypeKind kind) {
  switch (kind) {
    case TypeKind::kBasic:
      return "basic";
    case TypeKind::kStruct:
      return "struct";
    case TypeKind::kPointer:
      return "pointer";
    case TypeKind::kUnsafePointer:
      return "unsafe.Pointer";
    case TypeKind::kSlice:
      return "slice";
    case TypeKind::kString:
      return "string";
    case TypeKind::kArray:
      return "array";
    case TypeKind::kMap:
      return "map";
    case TypeKind::kChan:
      return "chan";
    case TypeKind::kInterface:
      return "interface";
    case TypeKind::kFunc:
      return "func";
    case TypeKind::kOther:
      break;
  }
  return "other";
}

void DwarfTypes::relocate(uint64_t bias) {
  for (auto& g : globals_) g.addr += bias;
  frames_.relocate(bias);
}

}  // namespace leakseek::binary

#include "binary/runtime_types.h"

#include <gelf.h>
#include <libelf.h>

#include <cstring>

#include "binary/elf_file.h"
#include "binary/go_module.h"
#include "goruntime/go_version.h"
#include "util/input_error.h"

namespace leakseek::binary {

namespace {

// internal/abi.TFlagExtraStar: the name is stored with a '*' in front, shared with the pointer
// type, and the type's own name is what follows it.
constexpr uint8_t kTFlagExtraStar = 1 << 1;
constexpr uint8_t kTFlagUncommon = 1 << 0;  // an UncommonType follows the kind-specific part
constexpr uint8_t kTFlagNamed = 1 << 2;
// internal/abi.Name flag: an embedded struct field (Go >= 1.19; before, the offset's low bit).
constexpr uint8_t kNameEmbedded = 1 << 3;
constexpr uint8_t kArray = 17, kChan = 18, kFunc = 19, kInterface = 20, kMap = 21, kPointer = 22,
                  kSlice = 23, kStruct = 25;
// internal/abi.Kind: the low 5 bits are the kind; KindDirectIface is a flag above them.
constexpr uint8_t kKindMask = (1 << 5) - 1;
constexpr uint8_t kKindDirectIface = 1 << 5;
constexpr uint8_t kMaxKind = 26;  // UnsafePointer

}  // namespace

// What the loader needs from the ELF headers and symbol table.
struct RuntimeTypes::ElfFacts {
  std::optional<uint64_t> types;          // runtime.types
  std::optional<uint64_t> type_star;      // "type:*" (Go >= 1.20) or "type.*": same address
  std::optional<uint64_t> build_version;  // runtime.buildVersion, a Go string header
  std::optional<GElf_Shdr> rodata, typelink, buildinfo;
  std::vector<uint64_t> type_symbols;  // type:main.Session, type:*main.Session, ...
};

namespace {

std::optional<uint64_t> uvarint(std::span<const uint8_t> b, size_t& pos) {
  uint64_t v = 0;
  for (unsigned shift = 0; pos < b.size() && shift < 64; shift += 7) {
    uint8_t x = b[pos++];
    v |= uint64_t{x & 0x7fu} << shift;
    if (!(x & 0x80)) return v;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> decode_type_name(std::span<const uint8_t> bytes, bool varint_length) {
  size_t pos = 1;  // skip the flag byte (exported, has tag, embedded)
  uint64_t len = 0;
  if (varint_length) {
    auto l = uvarint(bytes, pos);
    if (!l) return std::nullopt;
    len = *l;
  } else {
    if (bytes.size() < 3) return std::nullopt;
    len = uint64_t{bytes[1]} << 8 | bytes[2];
    pos = 3;
  }
  if (pos > bytes.size() || len > bytes.size() - pos) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(bytes.data() + pos), len);
}

RuntimeTypes RuntimeTypes::load(const std::string& path, const DwarfTypes& dwarf) {
  RuntimeTypes out;
  ElfFile h(path);
  out.file_ = MappedFile::open(path);
  out.ptr_size_ = h.ptr_size();
  out.big_endian_ = h.big_endian();

  ElfFacts facts;
  for (Elf_Scn* scn = nullptr; (scn = elf_nextscn(h.elf(), scn)) != nullptr;) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh)) continue;
    // A cut-off copy loses its section contents, names included, and would read as stripped.
    if (sh.sh_type != SHT_NOBITS && sh.sh_offset + sh.sh_size > out.file_->size())
      throw InputError(path, std::nullopt, "truncated ELF file: sections run past the end");
    const char* sname = h.section_name(sh);
    std::string_view name = sname ? sname : "";
    if ((sh.sh_flags & SHF_ALLOC) && sh.sh_type != SHT_NOBITS)
      out.sections_.push_back({sh.sh_addr, sh.sh_size, sh.sh_offset});
    if (name == ".rodata") facts.rodata = sh;
    if (name == ".typelink") facts.typelink = sh;
    if (name == ".go.buildinfo") facts.buildinfo = sh;
    if (sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    for (size_t i = 0; data && i < sh.sh_size / sh.sh_entsize; i++) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(i), &sym)) continue;
      const char* n = elf_strptr(h.elf(), sh.sh_link, sym.st_name);
      if (!n) continue;
      std::string_view sn = n;
      if (sn == "runtime.types") facts.types = sym.st_value;
      if (sn == "type:*" || sn == "type.*") facts.type_star = sym.st_value;
      if (sn == "runtime.buildVersion") facts.build_version = sym.st_value;
      // "type:T" (Go >= 1.20) or "type.T"; "type:.namedata.*" and the like are not types.
      if (sn.size() > 5 && (sn.starts_with("type:") || sn.starts_with("type.")) && sn[5] != '.' &&
          sn != "type:*" && sn != "type.*")
        facts.type_symbols.push_back(sym.st_value);
    }
  }
  out.find_go_version(facts);
  const GoModule module = find_go_module(h, go_minor_version(out.go_version_));
  out.find_types(facts, module.types);
  if (out.available()) {
    out.list_descriptors(facts, module.typelinks);
    out.link_dwarf(dwarf);
  }
  return out;
}

void RuntimeTypes::find_go_version(const ElfFacts& facts) {
  if (facts.build_version) {
    auto hdr = read(*facts.build_version, 2 * ptr_size_);
    if (!hdr.empty()) {
      uint64_t len = word(hdr.data() + ptr_size_, ptr_size_);
      auto s = read(word(hdr.data(), ptr_size_), len);
      if (!s.empty() || len == 0) go_version_.assign(s.begin(), s.end());
    }
  }
  // Stripped programs keep .go.buildinfo: "\xff Go buildinf:", pointer size, flags, and from
  // Go 1.18 (flag 2) the version inline as a varint-prefixed string at offset 32.
  if (go_version_.empty() && facts.buildinfo) {
    auto b = read(facts.buildinfo->sh_addr, facts.buildinfo->sh_size);
    if (b.size() > 32 && std::memcmp(b.data(), "\xff Go buildinf:", 14) == 0 && (b[15] & 2)) {
      size_t pos = 32;
      auto len = uvarint(b, pos);
      if (len && *len <= b.size() - pos)
        go_version_.assign(b.begin() + pos, b.begin() + pos + *len);
    }
  }
  // Names carried a 2-byte length before Go 1.17; unknown versions are taken as current.
  auto minor = go_minor_version(go_version_);
  varint_names_ = !minor || *minor >= 17;
  shifted_offsets_ = minor && *minor < 19;
  swiss_maps_ = !minor || *minor >= 24;
  split_group_words_ = !minor || *minor >= 27;
}

void RuntimeTypes::list_descriptors(const ElfFacts& facts, std::optional<AddressRange> typelinks) {
  for (uint64_t a : facts.type_symbols)
    if (in_link_types(a)) listed_.push_back(a);
  if (!facts.typelink && typelinks) {
    // Go 1.27: the typelinked descriptors lie back to back, each pointer-aligned.
    const uint64_t end = typelinks->addr + typelinks->size;
    for (uint64_t at = typelinks->addr; at < end && in_link_types(at);) {
      auto d = link_descriptor(at);
      auto size = d ? descriptor_size(*d) : std::nullopt;
      if (!size || *size == 0) break;
      listed_.push_back(at);
      at = (at + *size + ptr_size_ - 1) / ptr_size_ * ptr_size_;
    }
    return;
  }
  if (!facts.typelink) return;
  // .typelink holds int32 offsets from runtime.types.
  auto links = read(facts.typelink->sh_addr, facts.typelink->sh_size);
  for (size_t i = 0; i + 4 <= links.size(); i += 4) {
    auto off = static_cast<int32_t>(word(links.data() + i, 4));
    if (off > 0) listed_.push_back(types_begin_ + static_cast<uint64_t>(off));
  }
}

void RuntimeTypes::find_types(const ElfFacts& facts, std::optional<AddressRange> module_types) {
  // From the runtime's symbols or, stripped, its moduledata: in a cgo binary .rodata starts
  // with C's read-only data, not with the descriptors.
  if (module_types && module_types->size > 0) {
    types_begin_ = module_types->addr;
    types_end_ = module_types->addr + module_types->size;
    return;
  }
  // The start symbol alone: the descriptors run to the end of the section holding them.
  std::optional<uint64_t> begin = facts.types ? facts.types : facts.type_star;
  for (const auto& s : sections_) {
    if (begin && *begin >= s.addr && *begin < s.addr + s.size) {
      types_begin_ = *begin;
      types_end_ = s.addr + s.size;
      return;
    }
  }
  // No symbols (stripped). Go's linker puts the descriptors first in .rodata; believe that
  // only if the offsets in .typelink (all relative to runtime.types) read as descriptors.
  if (facts.rodata && facts.typelink) {
    types_begin_ = facts.rodata->sh_addr;
    types_end_ = facts.rodata->sh_addr + facts.rodata->sh_size;
    auto links = read(facts.typelink->sh_addr, facts.typelink->sh_size);
    size_t checked = 0, good = 0;
    for (size_t i = 0; i + 4 <= links.size() && checked < 64; i += 4, checked++) {
      auto off = static_cast<int32_t>(word(links.data() + i, 4));
      if (off > 0 && link_descriptor(types_begin_ + static_cast<uint64_t>(off))) good++;
    }
    if (checked > 0 && good == checked) {
      limitations_.push_back(
          "no symbol table: type descriptors assumed to start at .rodata (checked against "
          ".typelink)");
      return;
    }
  }
  types_begin_ = types_end_ = 0;
  limitations_.push_back(
      "runtime type descriptors not found (no runtime.types symbol): types stay unnamed");
}

// DWARF gives each type's descriptor as an offset from runtime.types, except that Go 1.19
// and earlier write uintptr's as an absolute address (the linker's DW_CLS_ADDRESS slip).
void RuntimeTypes::link_dwarf(const DwarfTypes& dwarf) {
  uint64_t span = types_end_ - types_begin_;
  size_t checked = 0;
  for (auto [raw, id] : dwarf.by_runtime_type()) {
    uint64_t addr = raw < span ? types_begin_ + raw : raw;
    if (!in_link_types(addr)) continue;
    if (!by_addr_.emplace(addr, id).second) continue;
    descriptor_of_.emplace(id, addr);
    auto d = link_descriptor(addr);
    const GoType& t = dwarf.type(id);
    if (!d) dwarf_only_names_.emplace(addr, t.name);
    if (d && t.kind != TypeKind::kOther) {
      checked++;
      if (d->size != t.size) size_mismatches_++;
    }
  }
  if (checked > 0 && size_mismatches_ * 2 > checked)
    limitations_.push_back("DWARF's runtime type offsets do not match the descriptors (" +
                           std::to_string(size_mismatches_) + " of " + std::to_string(checked) +
                           " sizes differ): DWARF layouts of typed objects may be wrong");
}

void RuntimeTypes::relink(const DwarfTypes& dwarf) {
  by_addr_.clear();
  descriptor_of_.clear();
  dwarf_only_names_.clear();
  size_mismatches_ = 0;
  if (available()) link_dwarf(dwarf);
}

std::span<const uint8_t> RuntimeTypes::read(uint64_t addr, uint64_t n) const {
  for (const auto& s : sections_) {
    if (addr >= s.addr && addr - s.addr <= s.size && n <= s.size - (addr - s.addr))
      return {file_->data() + s.file_offset + (addr - s.addr), n};
  }
  return {};
}

uint64_t RuntimeTypes::word(const uint8_t* p, size_t n) const {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) v |= uint64_t{p[big_endian_ ? n - 1 - i : i]} << (8 * i);
  return v;
}

std::optional<std::string> RuntimeTypes::name_at(uint64_t addr) const {
  if (!in_link_types(addr)) return std::nullopt;
  // A name runs at most to the end of the descriptor area.
  return decode_type_name(read(addr, types_end_ - addr), varint_names_);
}

// internal/abi.Type (runtime._type before Go 1.21), the same layout from Go 1.14 to 1.25:
//   Size_ uintptr; PtrBytes uintptr; Hash uint32; TFlag uint8; Align_ uint8;
//   FieldAlign_ uint8; Kind_ uint8; Equal func; GCData *byte; Str NameOff (int32);
//   PtrToThis TypeOff (int32)
std::optional<TypeDescriptor> RuntimeTypes::link_descriptor(uint64_t addr) const {
  const uint64_t p = ptr_size_;
  const uint64_t header = 4 * p + 16;
  if (!in_link_types(addr) || addr % p != 0 || types_end_ - addr < header) return std::nullopt;
  auto b = read(addr, header);
  if (b.empty()) return std::nullopt;
  TypeDescriptor d;
  d.addr = addr;
  d.size = word(b.data(), p);
  d.ptr_bytes = word(b.data() + p, p);
  d.hash = static_cast<uint32_t>(word(b.data() + 2 * p, 4));
  d.tflag = b[2 * p + 4];
  d.kind = b[2 * p + 7] & kKindMask;
  // Pointer-shaped types (one word, and that word a pointer) are stored directly in an
  // interface's data word. Go up to 1.25 also flags them in Kind_; Go 1.26 moved the flag to
  // TFlag and leaves the Kind_ bit clear, so the shape itself is the test that holds for all.
  d.direct_iface = (b[2 * p + 7] & kKindDirectIface) || (d.size == p && d.ptr_bytes == p);
  auto str = static_cast<int32_t>(word(b.data() + 4 * p + 8, 4));
  if (d.kind == 0 || d.kind > kMaxKind || d.ptr_bytes > d.size || str <= 0) return std::nullopt;
  auto name = name_at(types_begin_ + static_cast<uint64_t>(str));
  if (!name) return std::nullopt;
  if ((d.tflag & kTFlagExtraStar) && !name->empty() && name->front() == '*') name->erase(0, 1);
  d.name = std::move(*name);
  return d;
}

TypeId RuntimeTypes::dwarf_type(uint64_t addr) const {
  auto it = by_addr_.find(addr - bias_);
  return it == by_addr_.end() ? kNoType : it->second;
}

std::optional<uint64_t> RuntimeTypes::descriptor_addr(TypeId id) const {
  auto it = descriptor_of_.find(id);
  return it == descriptor_of_.end() ? std::nullopt : std::optional(it->second + bias_);
}

ResolvedType RuntimeTypes::resolve(uint64_t addr) const {
  ResolvedType r;
  r.dwarf = dwarf_type(addr);
  if (auto d = descriptor(addr)) {
    r.name = std::move(d->name);
  } else if (auto it = dwarf_only_names_.find(addr - bias_); it != dwarf_only_names_.end()) {
    r.name = it->second;
  }
  return r;
}

// A position-independent program's descriptors are read at their link-time addresses; what
// goes in and out of these is where the program ran.
std::optional<TypeDescriptor> RuntimeTypes::descriptor(uint64_t addr) const {
  auto d = link_descriptor(addr - bias_);
  if (d) d->addr = addr;
  return d;
}

DescriptorParts RuntimeTypes::parts(const TypeDescriptor& d, size_t max_fields) const {
  TypeDescriptor link = d;
  link.addr -= bias_;
  DescriptorParts out = link_parts(link, max_fields);
  if (bias_ == 0) return out;
  for (uint64_t* a : {&out.elem, &out.key, &out.bucket, &out.group, &out.ptr_to_this})
    if (*a) *a += bias_;
  for (auto& f : out.fields)
    if (f.type) f.type += bias_;
  return out;
}

void RuntimeTypes::relocate(uint64_t bias) {
  bias_ += bias;
  for (auto& a : listed_) a += bias;
}

}  // namespace leakseek::binary

namespace leakseek::binary {

std::optional<std::string> RuntimeTypes::field_name_at(uint64_t addr, bool& embedded) const {
  // Field names are referenced by pointer, so they may sit outside the descriptor area.
  for (const auto& s : sections_) {
    if (addr < s.addr || addr - s.addr >= s.size) continue;
    std::span<const uint8_t> rest(file_->data() + s.file_offset + (addr - s.addr),
                                  s.size - (addr - s.addr));
    embedded = !shifted_offsets_ && (rest[0] & kNameEmbedded);
    return decode_type_name(rest, varint_names_);
  }
  return std::nullopt;
}

// The UncommonType sits right after the kind-specific struct, whose size depends on the kind.
uint64_t RuntimeTypes::uncommon_offset(const TypeDescriptor& d) const {
  const uint64_t p = ptr_size_, h = 4 * p + 16;
  switch (d.kind) {
    case kArray:
      return h + 3 * p;  // Elem, Slice, Len
    case kChan:
      return h + 2 * p;  // Elem, Dir
    case kFunc:
      return h + (4 + p - 1) / p * p;  // InCount, OutCount uint16
    case kInterface:
    case kStruct:
      return h + 4 * p;  // PkgPath, then a slice of methods or fields
    case kMap:
      // Key, Elem, Bucket, Hasher, then KeySize, ValueSize, BucketSize, Flags (8 bytes); the
      // Swiss-table MapType has Group, Hasher, GroupSize, SlotSize, ElemOff and Flags (a word).
      // Go 1.27 replaced SlotSize with KeysOff, KeyStride, ElemsOff and ElemStride.
      if (!swiss_maps_) return h + 4 * p + 8;
      return split_group_words_ ? h + 11 * p : h + 8 * p;
    case kPointer:
    case kSlice:
      return h + p;  // Elem
    default:
      return h;
  }
}

std::optional<uint64_t> RuntimeTypes::descriptor_size(const TypeDescriptor& d) const {
  const uint64_t p = ptr_size_, h = 4 * p + 16, base = uncommon_offset(d);
  auto at = [&](uint64_t off, size_t n) -> std::optional<uint64_t> {
    auto b = read(d.addr + off, n);
    if (b.empty()) return std::nullopt;
    return word(b.data(), n);
  };
  uint64_t extra = 0;
  switch (d.kind) {
    case kFunc: {
      auto in = at(h, 2), out = at(h + 2, 2);
      if (!in || !out) return std::nullopt;
      extra = (*in + (*out & 0x7fff)) * p;  // OutCount's top bit marks a variadic func
      break;
    }
    case kInterface:
    case kStruct: {
      auto n = at(h + 2 * p, p);  // the Methods or Fields slice's length
      if (!n || *n > (types_end_ - types_begin_) / 8) return std::nullopt;
      extra = *n * (d.kind == kStruct ? 3 * p : 8);  // StructField or Imethod
      break;
    }
    default:
      break;
  }
  uint64_t size = base + extra;
  if (d.tflag & kTFlagUncommon) {
    // UncommonType {PkgPath int32; Mcount, Xcount uint16; Moff, _ uint32}, then the methods
    // {Name, Mtyp, Ifn, Tfn int32}.
    auto mcount = at(base + 4, 2);
    if (!mcount) return std::nullopt;
    size += 16 + *mcount * 16;
  }
  return size;
}

// internal/abi kind-specific layouts after the common Type header (same fields and order in
// runtime/type.go since Go 1.14): PtrType/SliceType{Elem}, ArrayType{Elem, Slice, Len},
// ChanType{Elem, Dir}, MapType{Key, Elem, Bucket, ...}, InterfaceType{PkgPath, Methods []Imethod},
// StructType{PkgPath, Fields []StructField{Name, Typ, Offset}}.
DescriptorParts RuntimeTypes::link_parts(const TypeDescriptor& d, size_t max_fields) const {
  DescriptorParts out;
  const uint64_t p = ptr_size_, h = 4 * p + 16;
  auto ptr = [&](uint64_t off) -> uint64_t {
    auto b = read(d.addr + off, p);
    return b.empty() ? 0 : word(b.data(), p);
  };
  auto hdr = read(d.addr, h);
  if (hdr.empty()) return out;
  auto ptt = static_cast<int32_t>(word(hdr.data() + 4 * p + 12, 4));
  if (ptt > 0) out.ptr_to_this = types_begin_ + static_cast<uint64_t>(ptt);
  out.named = d.tflag & kTFlagNamed;
  switch (d.kind) {
    case kArray:
      out.elem = ptr(h);
      out.len = ptr(h + 2 * p);
      break;
    case kChan:
      out.elem = ptr(h);
      out.chan_dir = ptr(h + p);
      break;
    case kInterface:
      out.methods = ptr(h + 2 * p);  // the Methods slice's length
      break;
    case kMap:
      out.key = ptr(h);
      out.elem = ptr(h + p);
      (swiss_maps_ ? out.group : out.bucket) = ptr(h + 2 * p);
      break;
    case kPointer:
    case kSlice:
      out.elem = ptr(h);
      break;
    case kStruct: {
      uint64_t data = ptr(h + p), n = ptr(h + 2 * p);
      for (uint64_t i = 0; i < n && i < max_fields; i++) {
        auto f = read(data + i * 3 * p, 3 * p);
        if (f.empty()) break;
        DescriptorField field;
        auto name = field_name_at(word(f.data(), p), field.embedded);
        if (!name) continue;
        field.name = std::move(*name);
        field.type = word(f.data() + p, p);
        field.offset = word(f.data() + 2 * p, p);
        if (shifted_offsets_) {
          field.embedded = field.offset & 1;
          field.offset >>= 1;
        }
        out.fields.push_back(std::move(field));
      }
      break;
    }
    default:
      break;
  }
  if (d.tflag & kTFlagUncommon) {
    auto u = read(d.addr + uncommon_offset(d), 4);
    auto off = u.empty() ? 0 : static_cast<int32_t>(word(u.data(), 4));
    if (off > 0) {
      if (auto path = name_at(types_begin_ + static_cast<uint64_t>(off)))
        out.pkg_path = std::move(*path);
    }
  }
  return out;
}

}  // namespace leakseek::binary

#include "binary/descriptor_types.h"

#include "binary/swiss_map_types.h"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "goruntime/go_version.h"

namespace leakseek::binary {

namespace {

// Real programs have tens of thousands of descriptors; a table far larger is garbage.
constexpr size_t kMaxTypes = size_t{1} << 20;
// Fields in all: a few per type in real programs; the cap keeps hostile field counts linear.
constexpr size_t kMaxFields = size_t{1} << 22;
constexpr size_t kMaxStructFields = size_t{1} << 14;
// Type literals nest a few levels ([]map[string]*T); deeper is a hostile cycle.
constexpr int kMaxNameDepth = 64;

// internal/abi.Kind (reflect.Kind numbering).
TypeKind kind_of(uint8_t k) {
  switch (k) {
    case 17:
      return TypeKind::kArray;
    case 18:
      return TypeKind::kChan;
    case 19:
      return TypeKind::kFunc;
    case 20:
      return TypeKind::kInterface;
    case 21:
      return TypeKind::kMap;
    case 22:
      return TypeKind::kPointer;
    case 23:
      return TypeKind::kSlice;
    case 24:
      return TypeKind::kString;
    case 25:
      return TypeKind::kStruct;
    case 26:
      return TypeKind::kUnsafePointer;
    default:
      return k >= 1 && k < 17 ? TypeKind::kBasic : TypeKind::kOther;
  }
}

// The linker spells a package in symbol (and so DWARF) names as its import path, with the
// characters objabi.PathToPrefix escapes: controls, space, '%', '"', and '.' after the last '/'.
std::string path_prefix(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string out;
  for (size_t i = 0; i < path.size(); i++) {
    auto c = static_cast<unsigned char>(path[i]);
    bool dot = c == '.' && (slash == std::string_view::npos || i > slash);
    if (c <= ' ' || c == '%' || c == '"' || c >= 0x7f || dot) {
      static const char* hex = "0123456789abcdef";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

class DescriptorTypesBuilder {
 public:
  DescriptorTypesBuilder(const RuntimeTypes& rt, DwarfTypes& out) : rt_(rt), out_(out) {
    auto minor = go_minor_version(rt.go_version());
    chan_timer_ = !minor || *minor >= 23;   // hchan.timer, Go 1.23
    chan_bubble_ = !minor || *minor >= 25;  // hchan.bubble (testing/synctest), Go 1.25
  }

  // What the descriptor table keeps of the program's (empty) DWARF table.
  static void copy_facts(const DwarfTypes& from, DwarfTypes& to) {
    to.path_ = from.path_;
    to.has_symtab_ = from.has_symtab_;
    to.dwarf_error_ = from.dwarf_error_;
    to.ptr_size_ = from.ptr_size_;
  }
  static bool has_symtab(const DwarfTypes& t) { return t.has_symtab_; }
  static const std::string& dwarf_error(const DwarfTypes& t) { return t.dwarf_error_; }
  static void set_ptr_size(DwarfTypes& t, uint64_t p) { t.ptr_size_ = p; }

  void build(std::span<const uint64_t> listed, std::span<const uint64_t> extra) {
    for (uint64_t a : listed) discover(a);
    for (uint64_t a : extra) discover(a);
    while (!queue_.empty() && found_.size() < kMaxTypes) {
      uint64_t a = queue_.front();
      queue_.pop_front();
      visit(a);
    }
    out_.types_.resize(found_.size());
    for (TypeId id = 0; id < found_.size(); id++) fill(id);
    names_.assign(found_.size(), std::nullopt);
    for (TypeId id = 0; id < found_.size(); id++) out_.types_[id].name = name(id, 0);
    for (TypeId id = 0; id < found_.size(); id++) {
      if (found_[id].d.kind == 21) synthesize_map(id);
      if (found_[id].d.kind == 18) synthesize_chan(id);
    }
    for (TypeId id = 0; id < out_.types_.size(); id++) {
      const GoType& t = out_.types_[id];
      out_.by_name_.emplace(t.name, id);
      if (t.runtime_type) out_.by_runtime_.emplace(*t.runtime_type, id);
    }
  }

 private:
  struct Found {
    TypeDescriptor d;
    DescriptorParts parts;
  };

  void discover(uint64_t addr) {
    if (addr != 0 && seen_.insert(addr).second) queue_.push_back(addr);
  }

  void visit(uint64_t addr) {
    auto d = rt_.descriptor(addr);
    if (!d) return;
    ids_.emplace(addr, static_cast<TypeId>(found_.size()));
    Found f{std::move(*d), {}};
    f.parts = rt_.parts(f.d, std::min(kMaxStructFields, field_budget_));
    field_budget_ -= f.parts.fields.size();
    for (uint64_t a :
         {f.parts.elem, f.parts.key, f.parts.bucket, f.parts.group, f.parts.ptr_to_this})
      discover(a);
    for (const auto& field : f.parts.fields) discover(field.type);
    found_.push_back(std::move(f));
  }

  TypeId id_at(uint64_t addr) const {
    auto it = ids_.find(addr);
    return it == ids_.end() ? kNoType : it->second;
  }

  void fill(TypeId id) {
    const Found& f = found_[id];
    GoType& t = out_.types_[id];
    t.kind = kind_of(f.d.kind);
    t.size = f.d.size;
    t.has_pointers = f.d.ptr_bytes > 0;
    t.runtime_type = f.d.addr - rt_.types_begin();
    t.elem = id_at(f.parts.elem);
    switch (t.kind) {
      case TypeKind::kMap:
        t.key = id_at(f.parts.key);
        break;
      case TypeKind::kInterface:
        t.empty_interface = f.parts.methods == 0;
        break;
      case TypeKind::kArray: {
        t.count = f.parts.len;
        // A length that disagrees with the sizes would send layout walks past the value.
        uint64_t esize = t.elem == kNoType ? 0 : found_[t.elem].d.size;
        if (esize != 0 && t.count != t.size / esize) t.count = t.size / esize;
        break;
      }
      case TypeKind::kStruct:
        for (const auto& fd : f.parts.fields) {
          TypeId ft = id_at(fd.type);
          uint64_t fsize = ft == kNoType ? 0 : found_[ft].d.size;
          // Fields outside the value are garbage; drop them rather than walk out of objects.
          if (fd.offset > t.size || fsize > t.size - fd.offset) continue;
          t.fields.push_back({fd.name, fd.offset, ft, fd.embedded});
        }
        std::stable_sort(t.fields.begin(), t.fields.end(),
                         [](const GoField& a, const GoField& b) { return a.offset < b.offset; });
        break;
      default:
        break;
    }
  }

  // The name DWARF gives a type: the descriptor's string (which Go prints for %T) with every
  // package qualified by its import path ("http.Client" -> "net/http.Client").
  std::string name(TypeId id, int depth) {
    if (names_[id]) return *names_[id];
    const Found& f = found_[id];
    std::string n = f.d.name;
    if (f.parts.named) {
      n = qualified(f.d.name, f.parts.pkg_path);
    } else if (depth < kMaxNameDepth) {
      n = composed(id, depth).value_or(f.d.name);
    }
    names_[id] = n;
    return n;
  }

  static std::string qualified(const std::string& str, const std::string& pkg_path) {
    size_t dot = str.find('.');
    if (pkg_path.empty() || dot == std::string::npos) return str;
    std::string_view pkg(str.data(), dot);
    if (pkg == pkg_path || pkg.find_first_of("/[*( ") != std::string_view::npos) return str;
    return path_prefix(pkg_path) + str.substr(dot);
  }

  // Type literals over other types, respelled only when a component's name changed.
  std::optional<std::string> composed(TypeId id, int depth) {
    const Found& f = found_[id];
    TypeId elem = id_at(f.parts.elem);
    if (elem == kNoType) return std::nullopt;
    std::string e = name(elem, depth + 1);
    bool changed = e != found_[elem].d.name;
    switch (f.d.kind) {
      case 22:
        return changed ? "*" + e : f.d.name;
      case 23:
        return changed ? "[]" + e : f.d.name;
      case 17:
        return changed ? "[" + std::to_string(f.parts.len) + "]" + e : f.d.name;
      case 18: {
        if (!changed) return f.d.name;
        if (f.parts.chan_dir == 1) return "<-chan " + e;
        if (f.parts.chan_dir == 2) return "chan<- " + e;
        return e.starts_with("<-") ? "chan (" + e + ")" : "chan " + e;
      }
      case 21: {
        TypeId key = id_at(f.parts.key);
        if (key == kNoType) return std::nullopt;
        std::string k = name(key, depth + 1);
        changed |= k != found_[key].d.name;
        return changed ? "map[" + k + "]" + e : f.d.name;
      }
      default:
        return std::nullopt;
    }
  }

  TypeId add(GoType t) {
    out_.types_.push_back(std::move(t));
    return static_cast<TypeId>(out_.types_.size() - 1);
  }

  // Plain types for the synthesised structs' bookkeeping fields.
  TypeId basic(const std::string& n, uint64_t size, TypeKind kind = TypeKind::kBasic) {
    auto [it, added] = basics_.try_emplace(n, kNoType);
    if (added) {
      GoType t;
      t.name = n;
      t.kind = kind;
      t.size = size;
      t.has_pointers = kind != TypeKind::kBasic;
      it->second = add(std::move(t));
    }
    return it->second;
  }
  TypeId unsafe_pointer() { return basic("unsafe.Pointer", ptr(), TypeKind::kUnsafePointer); }
  uint64_t ptr() const { return out_.ptr_size_; }

  static GoType struct_type(std::string n, uint64_t size) {
    GoType t;
    t.name = std::move(n);
    t.kind = TypeKind::kStruct;
    t.size = size;
    t.has_pointers = true;
    return t;
  }

  // runtime/map.go (Go <= 1.23): hmap {count int; flags, B uint8; noverflow uint16; hash0
  // uint32; buckets, oldbuckets unsafe.Pointer; nevacuate uintptr; extra *mapextra}, and the
  // bucket the compiler describes in MapType.Bucket {topbits; keys; elems; overflow}, named and
  // field-named as the linker's DWARF (cmd/link dwarf.go synthesizemaptypes) names them.
  void synthesize_map(TypeId map) {
    if (found_[map].parts.group) return synthesize_swiss_map(map);
    const GoType& m = out_.types_[map];
    TypeId bucket = id_at(found_[map].parts.bucket);
    if (m.key == kNoType || m.elem == kNoType || bucket == kNoType ||
        out_.types_[bucket].kind != TypeKind::kStruct)
      return;
    std::string kv = out_.types_[m.key].name + "," + out_.types_[m.elem].name + ">";
    if (!synthesized_.insert("hash<" + kv).second) return;
    GoType bp;
    bp.name = "*bucket<" + kv;
    bp.kind = TypeKind::kPointer;
    bp.size = ptr();
    bp.elem = bucket;
    bp.has_pointers = true;
    TypeId bp_id = add(std::move(bp));
    // The bucket descriptor itself becomes bucket<K,V>: a Go 1.22+ malloc header naming it then
    // types the bucket array as the map's buckets, as hash<K,V>.buckets does.
    GoType& b = out_.types_[bucket];
    b.name = "bucket<" + kv;
    b.has_pointers = true;  // DWARF's overflow is always a *bucket
    for (auto& f : b.fields) {
      if (f.name == "topbits") f.name = "tophash";
      if (f.name == "elems") f.name = "values";
      // DWARF makes overflow a *bucket even where the compiler made it a uintptr (buckets
      // without pointers keep their overflow list on the side).
      if (f.name == "overflow") f.type = bp_id;
    }

    const uint64_t p = ptr(), buckets = (p + 8 + p - 1) / p * p;
    GoType h = struct_type("hash<" + kv, buckets + 4 * p);
    h.fields = {{"count", 0, basic("int", p)},
                {"flags", p, basic("uint8", 1)},
                {"B", p + 1, basic("uint8", 1)},
                {"noverflow", p + 2, basic("uint16", 2)},
                {"hash0", p + 4, basic("uint32", 4)},
                {"buckets", buckets, bp_id},
                {"oldbuckets", buckets + p, bp_id},
                {"nevacuate", buckets + 2 * p, basic("uintptr", p)},
                {"extra", buckets + 3 * p, unsafe_pointer()}};
    add(std::move(h));
  }

  TypeId pointer_to(TypeId elem, std::string n) {
    GoType t;
    t.name = std::move(n);
    t.kind = TypeKind::kPointer;
    t.size = ptr();
    t.elem = elem;
    t.has_pointers = true;
    return add(std::move(t));
  }

  // internal/runtime/maps (Go >= 1.24): Map {used uint64; seed uintptr; dirPtr unsafe.Pointer;
  // dirLen int; globalDepth, globalShift, writing uint8; tombstonePossible bool; clearSeq
  // uint64} and table {used, capacity, growthLeft uint16; localDepth uint8; index int; groups
  // {data unsafe.Pointer; lengthMask uint64}}, with the group the compiler describes in
  // MapType.Group {ctrl; slots [8]{key; elem}}, named and typed as the linker's DWARF names
  // them (map<K,V>, table<K,V>, groupReference<K,V>, dirPtr a **table<K,V>). 64-bit only: the
  // 32-bit layouts were not checked against a binary.
  void synthesize_swiss_map(TypeId map) {
    const GoType& m = out_.types_[map];
    TypeId group = id_at(found_[map].parts.group);
    if (ptr() != 8 || m.key == kNoType || m.elem == kNoType || group == kNoType ||
        out_.types_[group].kind != TypeKind::kStruct)
      return;
    const std::string k = out_.types_[m.key].name, v = out_.types_[m.elem].name;
    const std::string kv = k + "," + v + ">";
    if (!synthesized_.insert("map<" + kv).second) return;
    GoType& g = out_.types_[group];
    if (!is_swiss_group_name(g.name)) g.name = "map.group[" + k + "]" + v;
    TypeId group_ptr = pointer_to(group, "*" + g.name);

    GoType ref = struct_type("groupReference<" + kv, 16);
    ref.fields = {{"data", 0, group_ptr}, {"lengthMask", 8, basic("uint64", 8)}};
    TypeId ref_id = add(std::move(ref));
    GoType table = struct_type("table<" + kv, 32);
    table.fields = {{"used", 0, basic("uint16", 2)},       {"capacity", 2, basic("uint16", 2)},
                    {"growthLeft", 4, basic("uint16", 2)}, {"localDepth", 6, basic("uint8", 1)},
                    {"index", 8, basic("int", 8)},         {"groups", 16, ref_id}};
    TypeId table_id = add(std::move(table));
    TypeId table_ptr = pointer_to(table_id, "*table<" + kv);
    TypeId dir_ptr = pointer_to(table_ptr, "**table<" + kv);

    GoType h = struct_type("map<" + kv, 48);
    h.fields = {{"used", 0, basic("uint64", 8)},
                {"seed", 8, basic("uintptr", 8)},
                {"dirPtr", 16, dir_ptr},
                {"dirLen", 24, basic("int", 8)},
                {"globalDepth", 32, basic("uint8", 1)},
                {"globalShift", 33, basic("uint8", 1)},
                {"writing", 34, basic("uint8", 1)},
                {"tombstonePossible", 35, basic("bool", 1)},
                {"clearSeq", 40, basic("uint64", 8)}};
    add(std::move(h));
  }

  // runtime/chan.go: hchan {qcount, dataqsiz uint; buf unsafe.Pointer; elemsize uint16; closed
  // uint32; timer *timer (Go >= 1.23); elemtype *_type; sendx, recvx uint; recvq, sendq waitq;
  // bubble *synctestBubble (Go >= 1.25); lock mutex}. The sudogs and timer stay untyped: their
  // runtime types have no descriptors.
  void synthesize_chan(TypeId chan) {
    const GoType& c = out_.types_[chan];
    if (c.elem == kNoType) return;
    std::string e = out_.types_[c.elem].name + ">";
    if (!synthesized_.insert("hchan<" + e).second) return;
    const uint64_t p = ptr();
    GoType waitq = struct_type("waitq<" + e, 2 * p);
    waitq.fields = {{"first", 0, unsafe_pointer()}, {"last", p, unsafe_pointer()}};
    TypeId waitq_id = add(std::move(waitq));
    TypeId uint = basic("uint", p), uptr = unsafe_pointer();
    GoType h = struct_type("hchan<" + e, 0);
    h.fields = {{"qcount", 0, uint},
                {"dataqsiz", p, uint},
                {"buf", 2 * p, uptr},
                {"elemsize", 3 * p, basic("uint16", 2)},
                {"closed", 3 * p + 4, basic("uint32", 4)}};
    uint64_t off = (3 * p + 8 + p - 1) / p * p;
    if (chan_timer_) h.fields.push_back({"timer", std::exchange(off, off + p), uptr});
    h.fields.push_back({"elemtype", std::exchange(off, off + p), uptr});
    h.fields.push_back({"sendx", std::exchange(off, off + p), uint});
    h.fields.push_back({"recvx", std::exchange(off, off + p), uint});
    h.fields.push_back({"recvq", std::exchange(off, off + 2 * p), waitq_id});
    h.fields.push_back({"sendq", std::exchange(off, off + 2 * p), waitq_id});
    if (chan_bubble_) h.fields.push_back({"bubble", std::exchange(off, off + p), uptr});
    h.fields.push_back({"lock", std::exchange(off, off + p), basic("uintptr", p)});
    h.size = off;
    add(std::move(h));
  }

  const RuntimeTypes& rt_;
  DwarfTypes& out_;
  bool chan_timer_ = true;
  bool chan_bubble_ = true;
  size_t field_budget_ = kMaxFields;
  std::deque<uint64_t> queue_;
  std::unordered_set<uint64_t> seen_;
  std::unordered_map<uint64_t, TypeId> ids_;
  std::vector<Found> found_;
  std::vector<std::optional<std::string>> names_;
  std::unordered_map<std::string, TypeId> basics_;
  std::unordered_set<std::string> synthesized_;
};

DwarfTypes descriptor_types(const DwarfTypes& without_dwarf, const RuntimeTypes& runtime,
                            std::span<const uint64_t> extra_seeds) {
  DwarfTypes out;
  DescriptorTypesBuilder::copy_facts(without_dwarf, out);
  DescriptorTypesBuilder::set_ptr_size(out, runtime.ptr_size());
  if (!runtime.available()) return out;
  DescriptorTypesBuilder(runtime, out).build(runtime.listed_descriptors(), extra_seeds);
  return out;
}

std::vector<std::string> descriptor_limitations(const DwarfTypes& without_dwarf,
                                                const RuntimeTypes& runtime) {
  const std::string& err = DescriptorTypesBuilder::dwarf_error(without_dwarf);
  std::string what = !err.empty() ? "DWARF debug info is unreadable (" + err + ")"
                     : DescriptorTypesBuilder::has_symtab(without_dwarf)
                         ? "no DWARF debug info (built with -ldflags=-w)"
                         : "no DWARF debug info (stripped: -s or strip)";
  auto minor = go_minor_version(runtime.go_version());
  // Go 1.22+ objects over 512 B name their type in a header; before, only finalizers do.
  const char* roots = !minor || *minor >= 22 ? "malloc type headers and finalizers' objects"
                                             : "finalizers' objects only";
  std::vector<std::string> out = {what +
                                  ": types come from runtime type descriptors; globals and stack "
                                  "variables are untyped, so typing starts at " +
                                  roots + " and covers less of the heap"};
  return out;
}

}  // namespace leakseek::binary

#include "heap/object_types.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <span>
#include <unordered_map>

#include "binary/swiss_map_types.h"
#include "goruntime/go_version.h"
#include "heap/oid_search.h"
#include "heap/sweep_queue.h"

namespace leakseek::heap {

using binary::GoType;
using binary::kNoType;
using binary::PointerWord;
using binary::TypeId;
using binary::TypeKind;
using binary::WordRole;

namespace {

// Go 1.22+ puts an 8-byte type header at the start of small-size-class slots that hold
// pointers (may_have_type_header); larger objects keep their type in the span, outside the
// dump. Slots of exactly 32768 bytes also hold large objects, which have no header: a header
// there must match the dump's pointer fields.
constexpr uint64_t kLargestHeaderSlot = 32768;

// A word holder: an object's contents or a data/bss segment, read through the dump.
struct Block {
  uint64_t contents_offset;
  uint64_t size;
};

class Typer {
  // What a runtime type descriptor stands for: its DWARF type, and whether an interface holds
  // such a value in its data word itself.
  struct Dynamic {
    TypeId type = kNoType;
    bool direct = false;
  };

 public:
  Typer(const HeapModel& model, const binary::DwarfTypes& dwarf,
        const binary::RuntimeTypes& runtime, ObjectTypes& out)
      : model_(model),
        dwarf_(dwarf),
        runtime_(runtime),
        out_(out),
        headers_(go_minor_version(model.go_version()).value_or(0) >= 22),
        work_(model.object_count()) {
    for (const auto& it : model.itabs) itab_type_.emplace(it.addr, it.type);
  }

  void run() {
    seed_globals();
    seed_frames();
    if (dwarf_.globals().empty()) seed_interface_words();
    seed_headers();
    seed_finalizers();
    for (ObjectId id; (id = work_.next()) != kNoObject;) walk(id);
    model_.file->release(0, model_.file->size());
    for (ObjectId id = 0; id < model_.object_count(); id++) {
      if (out_.of[id].shape == ObjectShape::kUntyped) continue;
      out_.stats.typed_objects++;
      out_.stats.typed_bytes += model_.size(id);
    }
  }

 private:
  void seed_globals() {
    for (const auto& g : dwarf_.globals()) {
      if (g.type == kNoType || !dwarf_.type(g.type).has_pointers) continue;
      for (const auto& seg : model_.segments) {
        if (g.addr < seg.addr || g.addr >= seg.addr + seg.size) continue;
        out_.stats.seeds_globals++;
        walk_value({seg.contents_offset, seg.size}, g.addr - seg.addr, g.type);
      }
    }
  }

  // Parked goroutines' locals and parameters, where the DWARF puts them at the frame's pc.
  // Only words the dump lists as live pointers are followed: a dead slot keeps whatever it
  // last held, which may now be part of an object of another type.
  void seed_frames() {
    const binary::FrameVariables& vars = dwarf_.frame_variables();
    if (vars.function_count() == 0) return;
    for (const Goroutine& g : model_.goroutines) {
      std::span<const Frame> frames(model_.frames.data() + g.first_frame, g.frame_count);
      for (const Frame& f : frames) {
        for (const auto& v : vars.at(f.lookup_pc()))
          if (seed_frame_variable(frames, f.cfa(), v)) out_.stats.seeds_frames++;
      }
    }
  }

  bool seed_frame_variable(std::span<const Frame> frames, uint64_t cfa,
                           const binary::FrameVariable& v) {
    const uint64_t ps = model_.ptr_size();
    bool seeded = false;
    for (const PointerWord& w : layout(v.variable->type)) {
      auto piece = std::find_if(v.pieces->begin(), v.pieces->end(), [&](const auto& p) {
        return w.offset >= p.value_offset && w.offset - p.value_offset + ps <= p.size;
      });
      if (piece == v.pieces->end()) continue;
      // An interface's type word comes first and must be stored beside its data word.
      if (w.role == WordRole::kInterfaceData && w.offset < piece->value_offset + ps) continue;
      uint64_t addr = cfa + piece->cfa_offset + (w.offset - piece->value_offset);
      for (const Frame& f : frames) {
        if (addr < f.sp || addr - f.sp >= f.size) continue;
        uint64_t off = addr - f.sp;
        if (std::find(f.pointer_offsets.begin(), f.pointer_offsets.end(), off) ==
            f.pointer_offsets.end())
          break;
        uint64_t value = model_.word_at(f.contents_offset, off);
        if (value) follow({f.contents_offset, f.size}, off, value, w);
        seeded = true;
        break;
      }
    }
    return seeded;
  }

  // Without DWARF nothing says what a global or a stack slot holds, except the one value that
  // carries its own type: an interface, whose type word (a descriptor, or an itab the dump
  // lists) sits just before the data word. The GC does not scan an interface's type word, so
  // a word the dump lists as a pointer is a struct's *_type field, not half of an interface.
  void seed_interface_words() {
    const uint64_t ps = model_.ptr_size();
    auto scan = [&](const Block& b, const std::vector<uint64_t>& pointer_offsets) {
      uint64_t previous = UINT64_MAX;
      for (uint64_t off : pointer_offsets) {
        const bool after_pointer = previous != UINT64_MAX && previous + ps == off;
        previous = off;
        if (after_pointer || off < ps || off > b.size - ps) continue;
        uint64_t type_word = model_.word_at(b.contents_offset, off - ps);
        uint64_t type_addr = type_word;
        if (auto it = itab_type_.find(type_word); it != itab_type_.end()) type_addr = it->second;
        if (!runtime_.in_types(type_addr)) continue;
        if (uint64_t value = model_.word_at(b.contents_offset, off)) {
          dynamic(value, type_addr);
          out_.stats.seeds_interfaces++;
        }
      }
    };
    for (const auto& seg : model_.segments)
      scan({seg.contents_offset, seg.size}, seg.pointer_offsets);
    for (const auto& f : model_.frames) scan({f.contents_offset, f.size}, f.pointer_offsets);
  }

  void seed_headers() {
    if (!headers_ || !runtime_.available()) return;
    std::unordered_map<uint64_t, TypeId> cache;
    for (ObjectId id = 0; id < model_.object_count(); id++) {
      uint64_t size = model_.size(id);
      if (!may_have_type_header(model_, size)) continue;
      touched(model_.object_contents[id], 8);
      uint64_t hdr = model_.word_at(model_.object_contents[id], 0);
      if (!runtime_.in_types(hdr)) continue;
      auto [it, added] = cache.try_emplace(hdr, kNoType);
      if (added) it->second = runtime_.dwarf_type(hdr);
      TypeId t = it->second;
      // Only objects with pointers have headers: a pointer-free type in word 0 is data.
      if (t == kNoType || dwarf_.type(t).size == 0 || !dwarf_.type(t).has_pointers) continue;
      if (size == kLargestHeaderSlot && !header_matches_fields(id, t)) continue;
      // A map's bucket array is an array even when it holds one bucket (B = 0).
      bool many = size - 8 >= 2 * dwarf_.type(t).size || many_of(t);
      if (set(id, t, many ? ObjectShape::kArray : ObjectShape::kValue, 8, true))
        out_.stats.seeds_headers++;
    }
  }

  // The dump's pointer fields start with the type's first pointer word, 8 bytes in.
  bool header_matches_fields(ObjectId id, TypeId t) {
    const auto& words = layout(t);
    auto fields = model_.pointer_offsets(id);
    return !words.empty() && !fields.empty() && fields.front() == 8 + words.front().offset;
  }

  void seed_finalizers() {
    auto seed = [&](const format::FinalizerRecord& f) {
      TypeId p = runtime_.dwarf_type(f.ot);
      if (p == kNoType || dwarf_.type(p).kind != TypeKind::kPointer) return;
      if (assign(f.object, dwarf_.type(p).elem, ObjectShape::kValue, true))
        out_.stats.seeds_finalizers++;
    };
    for (const auto& f : model_.finalizers) seed(f);
    for (const auto& f : model_.queued_finalizers) seed(f);
  }

  const std::vector<PointerWord>& layout(TypeId t) {
    auto [it, added] = layouts_.try_emplace(t);
    if (added) it->second = dwarf_.pointer_layout(t).words;
    return it->second;
  }

  // Follows every pointer word of a value of type t at `base` inside the block.
  // An array type is walked element by element: its flattened layout stops at a word cap.
  void walk_value(const Block& b, uint64_t base, TypeId t) {
    const GoType& g = dwarf_.type(t);
    if (g.kind == TypeKind::kArray && g.elem != kNoType && dwarf_.type(g.elem).size != 0) {
      const uint64_t esize = dwarf_.type(g.elem).size;
      const auto& words = layout(g.elem);
      if (words.empty()) return;
      // Bounded by the block as well as the count: the DWARF may claim more than is there.
      for (uint64_t i = 0, at = base; i < g.count && at < b.size && at >= base; i++, at += esize)
        walk_words(b, at, words);
      return;
    }
    walk_words(b, base, layout(t));
  }

  // Where an hchan<T>'s buf and elemtype words are; nullptr for every other type. Looked up
  // once per type: the walk asks for every value it types.
  struct ChanWords {
    uint64_t buf = 0;
    uint64_t elemtype = 0;
  };
  const ChanWords* chan_words(TypeId t) {
    auto [it, added] = chan_words_.try_emplace(t);
    if (added && dwarf_.type(t).name.starts_with("hchan<")) {
      std::optional<uint64_t> buf, elemtype;
      for (const auto& f : dwarf_.type(t).fields) {
        if (f.name == "buf") buf = f.offset;
        if (f.name == "elemtype") elemtype = f.offset;
      }
      if (buf && elemtype) it->second = ChanWords{*buf, *elemtype};
    }
    return it->second ? &*it->second : nullptr;
  }

  // The linker's hchan<T> leaves buf an unsafe.Pointer. With pointerful elements the runtime
  // allocates the buffer on its own, typed by elemtype, the descriptor the channel carries;
  // without, the buffer follows the hchan in the same object and says nothing new.
  void walk_chan_buffer(const Block& b, uint64_t base, const ChanWords& at) {
    const uint64_t ps = model_.ptr_size();
    if (base + std::max(at.buf, at.elemtype) + ps > b.size) return;
    uint64_t buf = model_.word_at(b.contents_offset, base + at.buf);
    uint64_t elem = model_.word_at(b.contents_offset, base + at.elemtype);
    if (buf == 0 || !runtime_.in_types(elem)) return;
    TypeId t = described(elem).type;
    if (t != kNoType && dwarf_.type(t).has_pointers) assign(buf, t, ObjectShape::kArray);
  }

  void walk_words(const Block& b, uint64_t base, const std::vector<PointerWord>& words) {
    const uint64_t ps = model_.ptr_size();
    for (const auto& w : words) {
      uint64_t off = base + w.offset;
      // Offsets come from the binary's DWARF, which may be hostile too: no wrap-around.
      if (w.offset > b.size || base > b.size - w.offset || b.size - w.offset - base < ps) break;
      uint64_t value = model_.word_at(b.contents_offset, off);
      if (value) follow(b, off, value, w);
    }
  }

  // Where a Swiss-table header's directory and a group's slots are; nullptr for other types.
  const binary::SwissMapHeader* swiss_header(TypeId t) {
    auto [it, added] = swiss_headers_.try_emplace(t);
    if (added) it->second = binary::swiss_map_header(dwarf_, t);
    return it->second ? &*it->second : nullptr;
  }
  const binary::SwissGroup* swiss_group(TypeId t) {
    auto [it, added] = swiss_groups_.try_emplace(t);
    if (added) it->second = binary::swiss_group(dwarf_, t);
    return it->second ? &*it->second : nullptr;
  }

  // dirPtr is typed **table<K,V>, which is right only once the map has grown a directory
  // (dirLen > 0): a small map's dirPtr points at its one group.
  void walk_swiss_header(const Block& b, uint64_t base, const binary::SwissMapHeader& h) {
    const uint64_t ps = model_.ptr_size();
    if (base + std::max(h.dir_ptr, h.dir_len) + ps > b.size) return;
    uint64_t dir = model_.word_at(b.contents_offset, base + h.dir_ptr);
    uint64_t len = model_.word_at(b.contents_offset, base + h.dir_len);
    if (dir == 0) return;
    if (len == 0) {
      assign(dir, h.group, ObjectShape::kValue, true);
    } else {
      assign(dir, h.table_pointer, ObjectShape::kArray, true);
    }
  }

  // Only full slots hold entries; an emptied slot may keep stale words the GC ignores.
  void walk_swiss_groups(const Block& b, uint64_t first, uint64_t count,
                         const binary::SwissGroup& g, uint64_t group_size) {
    const auto& words = layout(g.slot);
    for (uint64_t i = 0, at = first; i < count && at + group_size <= b.size;
         i++, at += group_size) {
      uint64_t ctrl = model_.word_at(b.contents_offset, at + g.ctrl);
      for (uint64_t slot = 0; slot < g.slot_count; slot++) {
        // Control byte `slot` is the word's byte at that address (little-endian targets).
        if (binary::swiss_slot_full(static_cast<uint8_t>(ctrl >> (8 * slot))))
          walk_words(b, at + g.slots + slot * g.slot_size, words);
      }
    }
  }

  // sync.Map from Go 1.24 is internal/sync.HashTrieMap: its pointers are typed *node[K,V], a
  // one-byte struct whose isEntry says whether the object is an entry[K,V] or an
  // indirect[K,V]. The concrete type, when the DWARF has it; kNoType for every other type.
  TypeId trie_node_type(TypeId t, const Block& b, uint64_t base) {
    const std::string& name = dwarf_.type(t).name;
    constexpr std::string_view kNode = "internal/sync.node[";
    if (!name.starts_with(kNode) || base >= b.size) return kNoType;
    uint64_t is_entry = model_.word_at(b.contents_offset, base) & 0xff;
    std::string concrete =
        std::string(is_entry ? "internal/sync.entry[" : "internal/sync.indirect[") +
        name.substr(kNode.size());
    auto [it, added] = trie_nodes_.try_emplace(concrete, kNoType);
    if (added) {
      it->second = dwarf_.find(concrete);
      // Go 1.27 may keep only the shape instantiation ("entry[go.shape.interface {},...]"),
      // whose layout is the same; sync.Map's is over interface {} keys and values.
      if (it->second == kNoType && concrete.ends_with("[interface {},interface {}]"))
        it->second = dwarf_.find(concrete.substr(0, concrete.find('[')) +
                                 "[go.shape.interface {},go.shape.interface {}]");
    }
    return it->second;
  }

  // sync.Map's entry keeps its value as an unsafe.Pointer to a boxed interface{} up to Go
  // 1.19 (an atomic.Pointer[any] after, which the type argument types): where that word is,
  // or nullopt for every other type.
  std::optional<uint64_t> boxed_any_word(TypeId t) {
    auto [it, added] = boxed_any_.try_emplace(t);
    if (added && dwarf_.type(t).name == "sync.entry") {
      for (const auto& f : dwarf_.type(t).fields)
        if (f.name == "p" && f.type != kNoType && dwarf_.type(f.type).name == "unsafe.Pointer")
          it->second = f.offset;
      if (it->second && any_ == kNoType) any_ = dwarf_.find("interface {}");
    }
    return it->second;
  }

  void walk(ObjectId id) {
    const ObjectType t = out_.of[id];
    const Block b{model_.object_contents[id], model_.size(id)};
    touched(b.contents_offset, b.size);
    if (t.shape == ObjectShape::kValue || t.shape == ObjectShape::kArray) {
      if (const binary::SwissGroup* g = swiss_group(t.type)) {
        const uint64_t size = dwarf_.type(t.type).size;
        uint64_t count = t.shape == ObjectShape::kValue ? 1 : (b.size - t.data_offset) / size;
        walk_swiss_groups(b, t.data_offset, count, *g, size);
        return;
      }
    }
    if (t.shape == ObjectShape::kValue) {
      walk_value(b, t.data_offset, t.type);
      if (const ChanWords* chan = chan_words(t.type)) walk_chan_buffer(b, t.data_offset, *chan);
      if (const auto* h = swiss_header(t.type)) walk_swiss_header(b, t.data_offset, *h);
      if (auto p = boxed_any_word(t.type); p && t.data_offset + *p + model_.ptr_size() <= b.size)
        if (uint64_t v = model_.word_at(b.contents_offset, t.data_offset + *p))
          assign(v, any_, ObjectShape::kValue);
    } else if (t.shape == ObjectShape::kArray) {
      uint64_t esize = dwarf_.type(t.type).size;
      const auto& words = layout(t.type);
      for (uint64_t at = t.data_offset; at + esize <= b.size; at += esize) walk_words(b, at, words);
    }
  }

  void follow(const Block& b, uint64_t off, uint64_t value, const PointerWord& w) {
    switch (w.role) {
      case WordRole::kPointer:
        pointee(value, w.type);
        break;
      case WordRole::kSliceData:
        assign(value, dwarf_.type(w.type).elem, ObjectShape::kArray);
        break;
      case WordRole::kStringData:
        assign(value, kNoType, ObjectShape::kString);
        break;
      case WordRole::kInterfaceData: {
        if (off < model_.ptr_size()) break;
        uint64_t tab = model_.word_at(b.contents_offset, off - model_.ptr_size());
        uint64_t type_addr = tab;
        if (!dwarf_.type(w.type).empty_interface) {
          auto it = itab_type_.find(tab);
          if (it == itab_type_.end()) break;
          type_addr = it->second;
        }
        dynamic(value, type_addr);
        break;
      }
    }
  }

  // The object a pointer-shaped word of type p points to.
  void pointee(uint64_t value, TypeId p) {
    if (p == kNoType) return;
    const GoType& t = dwarf_.type(p);
    switch (t.kind) {
      case TypeKind::kPointer: {
        if (t.elem == kNoType) return;
        assign(value, t.elem, many_of(t.elem) ? ObjectShape::kArray : ObjectShape::kValue);
        return;
      }
      case TypeKind::kMap: {
        // hash<K,V> up to Go 1.23, the Swiss table's map<K,V> from 1.24.
        TypeId header = runtime_struct(p, "hash<{},{}>");
        if (header == kNoType) header = runtime_struct(p, "map<{},{}>");
        assign(value, header, ObjectShape::kValue);
        return;
      }
      case TypeKind::kChan:
        assign(value, runtime_struct(p, "hchan<{}>"), ObjectShape::kValue);
        return;
      case TypeKind::kFunc:
        assign(value, p, ObjectShape::kClosure);
        return;
      default:
        return;
    }
  }

  // Types a pointer to which points at several of them: hash<K,V>.buckets at 2^B buckets and
  // groupReference<K,V>.data at lengthMask + 1 groups, one or more.
  bool many_of(TypeId t) const {
    const std::string& name = dwarf_.type(t).name;
    return name.starts_with("bucket<") || binary::is_swiss_group_name(name);
  }

  // An interface's data word, given its dynamic type's descriptor.
  void dynamic(uint64_t value, uint64_t type_addr) {
    const Dynamic& d = described(type_addr);
    if (d.type == kNoType) return;
    // Pointer-shaped dynamic types are stored in the data word itself.
    if (d.direct) {
      pointee(value, d.type);
    } else {
      assign(value, d.type, ObjectShape::kValue);
    }
  }

  // The DWARF type of the runtime type descriptor at `type_addr`, cached.
  const Dynamic& described(uint64_t type_addr) {
    auto [it, added] = dynamic_.try_emplace(type_addr, Dynamic{});
    if (added) {
      if (auto d = runtime_.descriptor(type_addr)) {
        it->second.type = runtime_.dwarf_type(type_addr);
        it->second.direct = d->direct_iface;
      }
    }
    return it->second;
  }

  // The DWARF struct the linker synthesises for a map (hash<K,V>) or channel (hchan<T>).
  TypeId runtime_struct(TypeId t, const char* pattern) {
    auto [it, added] = synthesized_.try_emplace({t, pattern}, kNoType);
    if (added) {
      const GoType& g = dwarf_.type(t);
      std::string name =
          g.kind == TypeKind::kMap
              ? fmt::format(fmt::runtime(pattern), type_name(g.key), type_name(g.elem))
              : fmt::format(fmt::runtime(pattern), type_name(g.elem));
      it->second = dwarf_.find(name);
    }
    return it->second;
  }

  std::string_view type_name(TypeId t) const {
    return t == kNoType ? std::string_view() : std::string_view(dwarf_.type(t).name);
  }

  // Types the object containing `value` when it points at the object's start (after a malloc
  // header, where there is one): an interior pointer says nothing of the whole object.
  bool assign(uint64_t value, TypeId t, ObjectShape shape, bool certain = false) {
    if (t == kNoType && shape != ObjectShape::kString) return false;
    ObjectId id = model_.find(value);
    if (id == kNoObject) return false;
    uint64_t off = value - model_.object_addr[id];
    uint64_t size = model_.size(id);
    // 8 bytes in is the start of the data only after a header, which only pointerful types get.
    bool after_header = off == 8 && may_have_type_header(model_, size) && t != kNoType &&
                        dwarf_.type(t).has_pointers;
    // A substring points into its bytes anywhere; that still says the object holds string bytes.
    if (off != 0 && !after_header && shape != ObjectShape::kString) return false;
    if (shape == ObjectShape::kString) off = 0;
    return set(id, t, shape, static_cast<uint8_t>(off), certain);
  }

  // The runtime's own frames see every channel as a runtime.hchan and every map as a
  // runtime.hmap (internal/runtime/maps.Map and .table from Go 1.24); the linker's hchan<T>,
  // hash<K,V>, map<K,V> and table<K,V> say which one it is.
  bool refines(TypeId specific, TypeId generic) const {
    if (specific == kNoType || generic == kNoType) return false;
    const std::string& g = dwarf_.type(generic).name;
    const std::string& s = dwarf_.type(specific).name;
    return (g == "runtime.hchan" && s.starts_with("hchan<")) ||
           (g == "runtime.hmap" && s.starts_with("hash<")) ||
           (g == "internal/runtime/maps.Map" && s.starts_with("map<")) ||
           (g == "internal/runtime/maps.table" && s.starts_with("table<"));
  }

  // Bytes of the object a typing explains: an object keeps the typing that explains most.
  uint64_t extent(ObjectId id, TypeId t, ObjectShape shape, uint8_t data_offset) const {
    switch (shape) {
      case ObjectShape::kArray:
        return model_.size(id) - data_offset;
      case ObjectShape::kValue:
        return dwarf_.type(t).size;
      case ObjectShape::kClosure:
        return model_.ptr_size();
      case ObjectShape::kString:
        return 1;
      default:
        return 0;
    }
  }

  bool set(ObjectId id, TypeId t, ObjectShape shape, uint8_t data_offset, bool certain = false) {
    if (shape == ObjectShape::kValue) {
      // A node[K,V] has no pointers and would never be walked: type it as what it is now.
      const Block b{model_.object_contents[id], model_.size(id)};
      if (TypeId node = trie_node_type(t, b, data_offset); node != kNoType) t = node;
    } else if (shape == ObjectShape::kArray && swiss_group(t) &&
               model_.size(id) - std::min<uint64_t>(data_offset, model_.size(id)) <
                   2 * dwarf_.type(t).size) {
      // One group: a small map's own (newobject) and a one-group table's (newarray) look the
      // same, and every path to it names it the same way.
      shape = ObjectShape::kValue;
    }
    if ((shape == ObjectShape::kValue || shape == ObjectShape::kArray) &&
        (dwarf_.type(t).size == 0 || model_.size(id) < data_offset ||
         dwarf_.type(t).size > model_.size(id) - data_offset))
      return false;
    ObjectType& cur = out_.of[id];
    if (cur.type == t && cur.shape == shape) return false;
    if (cur.shape != ObjectShape::kUntyped && !certain) {
      if (cur.certain) return false;
      // An array replaces a value only of its own element type (a slice over &x): otherwise a
      // slice that starts where a struct does would turn every struct into bytes.
      if (shape == ObjectShape::kArray && cur.shape == ObjectShape::kValue && cur.type != t)
        return false;
      uint64_t now = extent(id, cur.type, cur.shape, cur.data_offset);
      uint64_t then = extent(id, t, shape, data_offset);
      if (then < now || (then == now && !(shape == cur.shape && refines(t, cur.type))))
        return false;
    }
    cur = {t, shape, data_offset, certain};
    if ((shape == ObjectShape::kValue || shape == ObjectShape::kArray) &&
        dwarf_.type(t).has_pointers)
      work_.push(id);
    return true;
  }

  // Typing reads object contents all over the dump; like the loader, it keeps the dump's
  // resident pages within a budget by dropping them now and then (they come back from the page
  // cache when needed). A read may map a whole page-cache folio (up to 2 MiB), so what counts
  // is how many folios the reads enter, not how many bytes they read.
  void touched(uint64_t file_offset, uint64_t bytes) {
    uint64_t first = file_offset / kFolio, last = (file_offset + bytes) / kFolio;
    mapped_ += (last - first + (first != last_folio_)) * kFolio;
    last_folio_ = last;
    if (mapped_ < kResidentBudget) return;
    mapped_ = 0;
    model_.file->release(0, model_.file->size());
  }
  static constexpr uint64_t kResidentBudget = uint64_t{256} << 20;
  static constexpr uint64_t kFolio = uint64_t{2} << 20;
  uint64_t mapped_ = 0;
  uint64_t last_folio_ = UINT64_MAX;

  const HeapModel& model_;
  const binary::DwarfTypes& dwarf_;
  const binary::RuntimeTypes& runtime_;
  ObjectTypes& out_;
  const bool headers_;
  SweepQueue work_;
  std::unordered_map<TypeId, std::vector<PointerWord>> layouts_;
  std::unordered_map<uint64_t, uint64_t> itab_type_;
  std::unordered_map<uint64_t, Dynamic> dynamic_;
  std::map<std::pair<TypeId, const char*>, TypeId> synthesized_;
  std::unordered_map<TypeId, std::optional<binary::SwissMapHeader>> swiss_headers_;
  std::unordered_map<TypeId, std::optional<binary::SwissGroup>> swiss_groups_;
  std::unordered_map<std::string, TypeId> trie_nodes_;
  std::unordered_map<TypeId, std::optional<uint64_t>> boxed_any_;
  TypeId any_ = kNoType;
  std::unordered_map<TypeId, std::optional<ChanWords>> chan_words_;
};

}  // namespace

ObjectTypes type_objects(const HeapModel& model, const binary::DwarfTypes& dwarf,
                         const binary::RuntimeTypes& runtime) {
  ObjectTypes out;
  out.of.assign(model.object_count(), ObjectType{});
  if (!dwarf.has_dwarf() && !runtime.available()) return out;
  Typer(model, dwarf, runtime, out).run();
  return out;
}

namespace {

// The linker names its map and channel structs hash<K,V>, bucket<K,V> and hchan<T>; users know
// them as parts of map[K]V and chan T.
std::string go_spelling(std::string_view name) {
  auto args = [&](size_t open) -> std::pair<std::string_view, std::string_view> {
    std::string_view in = name.substr(open + 1, name.size() - open - 2);
    int depth = 0;
    for (size_t i = 0; i < in.size(); i++) {
      char c = in[i];
      if (c == '<' || c == '[' || c == '(' || c == '{') depth++;
      if (c == '>' || c == ']' || c == ')' || c == '}') depth--;
      if (c == ',' && depth == 0) return {in.substr(0, i), in.substr(i + 1)};
    }
    return {in, {}};
  };
  if (binary::is_swiss_group_name(name)) {
    // "noalg.map.group[K]V": K runs to the bracket that closes the first one.
    std::string_view rest = name.substr(name.find('[') + 1);
    int depth = 1;
    size_t i = 0;
    for (; i < rest.size() && depth > 0; i++) {
      if (rest[i] == '[') depth++;
      if (rest[i] == ']') depth--;
    }
    if (depth == 0) return fmt::format("map[{}]{} group", rest.substr(0, i - 1), rest.substr(i));
    return std::string(name);
  }
  if (!name.ends_with(">")) return std::string(name);
  if (name.starts_with("hchan<")) return fmt::format("chan {}", args(5).first);
  // The map structs: hash<K,V> and bucket<K,V> up to Go 1.23, the Swiss table's after.
  static constexpr std::pair<std::string_view, std::string_view> kMapParts[] = {
      {"hash<", "header"}, {"bucket<", "bucket"},        {"map<", "header"},
      {"table<", "table"}, {"*table<", "table pointer"},
  };
  for (auto [prefix, part] : kMapParts) {
    if (!name.starts_with(prefix)) continue;
    auto [k, v] = args(prefix.size() - 1);
    return fmt::format("map[{}]{} {}", k, v, part);
  }
  return std::string(name);
}

}  // namespace

std::string object_type_name(const binary::DwarfTypes& dwarf, const ObjectType& t) {
  switch (t.shape) {
    case ObjectShape::kValue:
      return go_spelling(dwarf.type(t.type).name);
    case ObjectShape::kArray: {
      std::string elem = go_spelling(dwarf.type(t.type).name);
      if (elem.ends_with(" bucket") || elem.ends_with(" group")) return elem + "s";
      // A Swiss table's directory: an array of its tables' pointers.
      if (elem.ends_with(" table pointer")) return elem.substr(0, elem.size() - 14) + " directory";
      return "[]" + elem;
    }
    case ObjectShape::kString:
      return "string data";
    case ObjectShape::kClosure:
      return dwarf.type(t.type).name + " closure";
    default:
      return "";
  }
}

std::string field_path(const binary::DwarfTypes& dwarf, const ObjectType& t, uint64_t offset) {
  if ((t.shape != ObjectShape::kValue && t.shape != ObjectShape::kArray) || offset < t.data_offset)
    return "";
  uint64_t off = offset - t.data_offset;
  std::string path;
  TypeId id = t.type;
  if (t.shape == ObjectShape::kArray) {
    uint64_t esize = dwarf.type(id).size;
    path = fmt::format("[{}]", off / esize);
    off %= esize;
  }
  // Descends through structs and arrays to the word itself; bounded by the type's nesting.
  for (int guard = 0; guard < 64 && id != kNoType; guard++) {
    const GoType& g = dwarf.type(id);
    if (off >= g.size) return path;
    if (g.kind == TypeKind::kStruct) {
      const binary::GoField* in = nullptr;
      for (const auto& f : g.fields)
        if (f.offset <= off && f.type != kNoType && off < f.offset + dwarf.type(f.type).size)
          in = &f;
      if (!in) return path;
      path += "." + in->name;
      off -= in->offset;
      id = in->type;
    } else if (g.kind == TypeKind::kArray && g.elem != kNoType && dwarf.type(g.elem).size) {
      uint64_t esize = dwarf.type(g.elem).size;
      path += fmt::format("[{}]", off / esize);
      off %= esize;
      id = g.elem;
    } else {
      return path;
    }
  }
  return path;
}

}  // namespace leakseek::heap

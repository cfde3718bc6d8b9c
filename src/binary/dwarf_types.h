#pragma once
// The Go types and global variables a program's DWARF describes, as one flat table. Go's
// linker writes a DWARF type for every type the program uses, tagged with Go-only attributes:
// its reflect kind, map key/element, and where its runtime type descriptor is. That is what
// lets us say what a heap object is and which of its words are pointers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "binary/frame_variables.h"

namespace leakseek::binary {

// Index into DwarfTypes::types(); stable for a given binary (assigned in DIE order).
using TypeId = uint32_t;
inline constexpr TypeId kNoType = UINT32_MAX;

enum class TypeKind : uint8_t {
  kBasic,  // bool, integers, floats, complex numbers, uintptr
  kStruct,
  kPointer,        // *T
  kUnsafePointer,  // unsafe.Pointer
  kSlice,          // header {data, len, cap}
  kString,         // header {data, len}
  kArray,
  kMap,        // one word: *hmap (or the Swiss-table map on Go >= 1.24)
  kChan,       // one word: *hchan
  kInterface,  // two words: {*_type or *itab, data}
  kFunc,       // one word: *funcval
  kOther,      // a type the linker synthesised without a Go kind we recognise
};
std::string_view type_kind_name(TypeKind kind);

struct GoField {
  std::string name;
  uint64_t offset = 0;
  TypeId type = kNoType;
  bool embedded = false;  // an anonymous field (DW_AT_go_embedded_field)
};

struct GoType {
  std::string name;  // as the DWARF spells it: full package paths ("internal/abi.Kind")
  TypeKind kind = TypeKind::kOther;
  uint64_t size = 0;
  // Pointer, slice, array, chan: the element. Map: the value type.
  TypeId elem = kNoType;
  TypeId key = kNoType;          // map key
  uint64_t count = 0;            // array length
  bool empty_interface = false;  // interface{} / any (eface): word 0 is a *_type, not an *itab
  bool has_pointers = false;     // some word of a value holds a pointer
  // DW_AT_go_runtime_type as written: the descriptor's offset from runtime.types (or, for a
  // few builtin types in Go <= 1.19, its absolute address). RuntimeTypes interprets it.
  std::optional<uint64_t> runtime_type;
  std::vector<GoField> fields;  // structs, in offset order
  uint64_t die_offset = 0;      // where in .debug_info, for diagnostics
};

struct GlobalVariable {
  std::string name;  // package-qualified, as the symbol table spells it ("main.cache")
  uint64_t addr = 0;
  TypeId type = kNoType;
};

// What a pointer word inside a value is. These are the words Go's GC bitmap marks, and so the
// heap dump's field lists: an interface's first word (*itab or *_type) is left out, because it
// never points into the heap (cmd/compile/internal/typebits).
enum class WordRole : uint8_t {
  kPointer,        // a *T, unsafe.Pointer, map, chan or func word
  kSliceData,      // a slice's data pointer: an array of the slice's element type
  kStringData,     // a string's bytes
  kInterfaceData,  // an interface's data word; the word before it names the dynamic type
};

struct PointerWord {
  uint64_t offset = 0;
  WordRole role = WordRole::kPointer;
  TypeId type = kNoType;  // the pointer, slice, string or interface type the word belongs to
};

struct PointerLayout {
  std::vector<PointerWord> words;  // ascending offsets
  bool truncated = false;          // stopped at the word cap (a huge array of pointers)
};

class DwarfTypes {
 public:
  // Throws InputError when the file cannot be read or is not an ELF file. A program without
  // DWARF (-ldflags=-w, or -s) loads empty; limitations() says what is missing.
  static DwarfTypes load(const std::string& path);

  bool has_dwarf() const { return has_dwarf_; }
  std::vector<std::string> limitations() const;

  const std::vector<GoType>& types() const { return types_; }
  const GoType& type(TypeId id) const { return types_.at(id); }
  // The type with exactly this DWARF name, or kNoType.
  TypeId find(std::string_view name) const;
  // Types carrying DW_AT_go_runtime_type, keyed by the raw attribute value.
  const std::unordered_map<uint64_t, TypeId>& by_runtime_type() const { return by_runtime_; }

  const std::vector<GlobalVariable>& globals() const { return globals_; }  // sorted by addr
  const GlobalVariable* find_global(std::string_view name) const;
  // The global whose [addr, addr + size of its type) contains `addr`.
  const GlobalVariable* global_at(uint64_t addr) const;

  // Every pointer word in a value of type `id`, structs and arrays flattened. Arrays
  // are expanded element by element, so the result stops at `max_words` words.
  static constexpr size_t kDefaultMaxWords = 1 << 16;
  PointerLayout pointer_layout(TypeId id, size_t max_words = kDefaultMaxWords) const;
  // Just the offsets of pointer_layout(id): what the dump lists as the object's pointers.
  std::vector<uint64_t> pointer_offsets(TypeId id, size_t max_words = kDefaultMaxWords) const;

  // Functions' locals and parameters with pointers, where they are on the stack by pc.
  const FrameVariables& frame_variables() const { return frames_; }
  // Moves every address (globals, function pcs) by `bias`: a position-independent program's
  // DWARF gives link-time addresses, the heap dump the ones it ran at.
  void relocate(uint64_t bias);

  uint64_t ptr_size() const { return ptr_size_; }
  const std::string& path() const { return path_; }

 private:
  friend class DwarfTypesBuilder;
  friend class DescriptorTypesBuilder;  // binary/descriptor_types.cpp: the table without DWARF
  std::string path_;
  bool has_dwarf_ = false;
  bool has_symtab_ = false;
  std::string dwarf_error_;  // why present DWARF could not be read
  uint64_t ptr_size_ = 8;
  std::vector<GoType> types_;
  std::unordered_map<std::string, TypeId> by_name_;  // first type with each name
  std::unordered_map<uint64_t, TypeId> by_runtime_;
  std::vector<GlobalVariable> globals_;
  FrameVariables frames_;
};

}  // namespace leakseek::binary

#pragma once
// Go runtime type descriptors (internal/abi.Type, runtime._type before Go 1.21) in a program
// binary. A heap dump refers to types only by descriptor address: itab types, finalizer
// argument types and, from Go 1.22, the malloc header word of objects over 512 bytes. This
// reads those descriptors from the binary's read-only data, so every one gets the name Go
// prints for it, and links it to the DWARF type that describes its layout.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "binary/dwarf_types.h"
#include "binary/program_symbols.h"
#include "util/mapped_file.h"

namespace leakseek::binary {

struct TypeDescriptor {
  uint64_t addr = 0;
  uint64_t size = 0;
  uint64_t ptr_bytes = 0;  // the prefix of a value that can hold pointers
  uint32_t hash = 0;
  uint8_t tflag = 0;
  uint8_t kind = 0;           // internal/abi.Kind (reflect.Kind numbering), flag bits removed
  bool direct_iface = false;  // stored directly in an interface's data word
  std::string name;           // as Go prints it (%T): "*main.Session", "[]uint8"
};

// A struct field as its descriptor lists it.
struct DescriptorField {
  std::string name;
  uint64_t type = 0;  // descriptor address of the field's type
  uint64_t offset = 0;
  bool embedded = false;
};

// The kind-specific part of a descriptor (internal/abi.PtrType, ArrayType, MapType, ...) and
// its uncommon part. Addresses are of other descriptors; 0 means none or unreadable.
struct DescriptorParts {
  uint64_t elem = 0;                    // pointer, slice, array, chan, map (the value type)
  uint64_t key = 0;                     // map
  uint64_t bucket = 0;                  // map, Go <= 1.23: the bucket struct
  uint64_t group = 0;                   // map, Go >= 1.24: the Swiss table's group struct
  uint64_t len = 0;                     // array
  uint64_t chan_dir = 0;                // 1 receive-only, 2 send-only, 3 both
  uint64_t methods = 0;                 // interface: 0 for interface{} / any
  uint64_t ptr_to_this = 0;             // the *T descriptor, when the linker kept it
  bool named = false;                   // a defined type ("main.Session"), not a type literal
  std::string pkg_path;                 // named types: the full import path ("net/http")
  std::vector<DescriptorField> fields;  // struct
};

struct ResolvedType {
  TypeId dwarf = kNoType;  // the DWARF type describing the layout, when there is one
  std::string name;        // as Go prints it; empty when `addr` is no type descriptor
};

class RuntimeTypes {
 public:
  // Throws InputError when the file cannot be read or is not an ELF file. `dwarf` is the same
  // file's DwarfTypes (possibly empty); the result keeps its TypeIds, not a reference to it.
  static RuntimeTypes load(const std::string& path, const DwarfTypes& dwarf);

  // Whether the descriptor area [types_begin, types_end) was found.
  bool available() const { return types_end_ > types_begin_; }
  uint64_t types_begin() const { return types_begin_ + bias_; }
  uint64_t types_end() const { return types_end_ + bias_; }
  bool in_types(uint64_t addr) const { return in_link_types(addr - bias_); }

  // The descriptor at exactly `addr`, when it reads as one. Decodes ~50 bytes per call;
  // callers typing many objects should cache by address.
  std::optional<TypeDescriptor> descriptor(uint64_t addr) const;
  // The kind-specific part of `d`. Fields beyond `max_fields`, and fields whose name or
  // offset does not read, are left out: a hostile binary gets a partial layout, not a crash.
  DescriptorParts parts(const TypeDescriptor& d, size_t max_fields = 1 << 14) const;
  // Descriptors the binary lists: .typelink (type literals reflect can look up) and, when the
  // symbol table is there, every type:* symbol. What a table of all types starts from.
  const std::vector<uint64_t>& listed_descriptors() const { return listed_; }
  // Moves every address in and out by `bias`: a position-independent program's descriptors as
  // they were where it ran (the heap dump's addresses), not where it was linked.
  void relocate(uint64_t bias);
  // Links descriptors to the types of another table with the same descriptor offsets (the
  // table built from the descriptors themselves when there is no DWARF).
  void relink(const DwarfTypes& dwarf);
  // The DWARF type whose DW_AT_go_runtime_type is `addr`, or kNoType.
  TypeId dwarf_type(uint64_t addr) const;
  // Where the descriptor of DWARF type `id` is, if the linker kept one.
  std::optional<uint64_t> descriptor_addr(TypeId id) const;
  // Name (from the descriptor, else from DWARF) and DWARF type of the descriptor at `addr`.
  ResolvedType resolve(uint64_t addr) const;

  // The toolchain that built the program ("go1.23.5"), from runtime.buildVersion or, when
  // stripped, .go.buildinfo; empty if neither reads.
  const std::string& go_version() const { return go_version_; }
  uint64_t ptr_size() const { return ptr_size_; }
  // DWARF types whose descriptor was found, and how many of those disagree on the size: a
  // non-zero count means runtime.types is not where DWARF's offsets are counted from.
  size_t linked_dwarf_types() const { return by_addr_.size(); }
  size_t size_mismatches() const { return size_mismatches_; }
  std::vector<std::string> limitations() const { return limitations_; }

 private:
  struct ElfFacts;
  // The same as the public ones, at link-time addresses.
  bool in_link_types(uint64_t addr) const { return addr >= types_begin_ && addr < types_end_; }
  std::optional<TypeDescriptor> link_descriptor(uint64_t addr) const;
  DescriptorParts link_parts(const TypeDescriptor& d, size_t max_fields) const;
  void find_go_version(const ElfFacts& facts);
  void find_types(const ElfFacts& facts, std::optional<AddressRange> module_types);
  void list_descriptors(const ElfFacts& facts, std::optional<AddressRange> typelinks);
  // Bytes from `d` to the end of its descriptor (kind-specific part, uncommon part, then the
  // field, parameter or method arrays, and the methods), as Go 1.27's moduleTypelinks steps.
  std::optional<uint64_t> descriptor_size(const TypeDescriptor& d) const;
  // Bytes at virtual address [addr, addr + n) in the file, or empty if not all in one section.
  std::span<const uint8_t> read(uint64_t addr, uint64_t n) const;
  uint64_t word(const uint8_t* p, size_t n) const;
  void link_dwarf(const DwarfTypes& dwarf);
  std::optional<std::string> name_at(uint64_t addr) const;
  // An internal/abi.Name anywhere in the file; sets `embedded` from its flag byte.
  std::optional<std::string> field_name_at(uint64_t addr, bool& embedded) const;
  uint64_t uncommon_offset(const TypeDescriptor& d) const;

  struct Section {
    uint64_t addr = 0;
    uint64_t size = 0;
    uint64_t file_offset = 0;
  };
  std::shared_ptr<const MappedFile> file_;
  std::vector<Section> sections_;  // allocated sections with file contents
  bool big_endian_ = false;
  uint64_t ptr_size_ = 8;
  uint64_t types_begin_ = 0;
  uint64_t types_end_ = 0;
  uint64_t bias_ = 0;             // load address minus link address (position-independent programs)
  bool varint_names_ = true;      // name length encoding: varint since Go 1.17, 2 bytes before
  bool shifted_offsets_ = false;  // Go < 1.19: StructField holds offset<<1 | embedded
  bool swiss_maps_ = false;       // Go >= 1.24: MapType describes a Swiss table, no buckets
  bool split_group_words_ = false;  // Go >= 1.27: MapType has KeysOff..ElemStride, not SlotSize
  std::vector<uint64_t> listed_;
  std::string go_version_;
  std::unordered_map<uint64_t, TypeId> by_addr_;
  std::unordered_map<TypeId, uint64_t> descriptor_of_;
  // DWARF names of linked descriptors that do not read as descriptors (none seen so far).
  std::unordered_map<uint64_t, std::string> dwarf_only_names_;
  size_t size_mismatches_ = 0;
  std::vector<std::string> limitations_;
};

// Decodes an internal/abi.Name (runtime.name): a flag byte, the length (a uvarint since Go
// 1.17, 2 bytes big-endian before), then the bytes. nullopt if it runs past `bytes`.
std::optional<std::string> decode_type_name(std::span<const uint8_t> bytes, bool varint_length);

}  // namespace leakseek::binary

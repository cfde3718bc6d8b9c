#pragma once
// What heap objects are, recovered from the program binary: a worklist propagates DWARF types
// from typed roots (globals by their DWARF type, goroutines' stack variables, Go 1.22+ malloc
// type headers, finalizers' object types) along typed pointer words: pointers, slices, strings,
// interfaces (through the dynamic type word), maps (the linker's hash<K,V> and bucket<K,V>
// structs) and channels (hchan<T> and its buffer).
#include <cstdint>
#include <string>
#include <vector>

#include "binary/dwarf_types.h"
#include "binary/runtime_types.h"
#include "heap/heap_model.h"
#include "util/huge_page_allocator.h"

namespace leakseek::heap {

enum class ObjectShape : uint8_t {
  kUntyped,
  kValue,    // one value of the type (the slot may be larger: size classes round up)
  kArray,    // an array of the type filling the object: a slice's or map's backing store
  kString,   // the bytes of strings
  kClosure,  // a func value: code pointer then captured variables (type = the func type)
};

struct ObjectType {
  binary::TypeId type = binary::kNoType;
  ObjectShape shape = ObjectShape::kUntyped;
  uint8_t data_offset = 0;  // 8 when a Go 1.22+ malloc header comes first
  // Ground truth (the object's own malloc header, or its finalizer's object type): no weaker
  // evidence replaces it.
  bool certain = false;
};

struct TypingStats {
  uint64_t typed_objects = 0;
  uint64_t typed_bytes = 0;
  uint64_t seeds_globals = 0;  // globals whose DWARF type was walked
  uint64_t seeds_frames = 0;   // stack variables with a live pointer word
  // Without DWARF: interface values found in data, bss and frames by their type word.
  uint64_t seeds_interfaces = 0;
  uint64_t seeds_headers = 0;  // objects typed by their malloc header
  uint64_t seeds_finalizers = 0;
};

struct ObjectTypes {
  BigVector<ObjectType> of;  // by ObjectId
  TypingStats stats;
  const ObjectType& operator[](ObjectId id) const { return of[id]; }
};

ObjectTypes type_objects(const HeapModel& model, const binary::DwarfTypes& dwarf,
                         const binary::RuntimeTypes& runtime);

// "main.Session", "[]*main.Node" (an array), "string data", "func() int closure"; empty when
// untyped.
std::string object_type_name(const binary::DwarfTypes& dwarf, const ObjectType& t);

// Where `offset` falls inside a typed object, as Go would write the access: ".Owner",
// "[3].next", ".Payload" (a slice's data word), ".values[2]" in a map bucket. Empty when the
// object is untyped or the offset is in no field.
std::string field_path(const binary::DwarfTypes& dwarf, const ObjectType& t, uint64_t offset);

}  // namespace leakseek::heap

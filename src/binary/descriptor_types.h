#pragma once
// The type table of a program without DWARF (-ldflags=-w, or stripped), built from its runtime
// type descriptors: every descriptor the binary lists or the dump names, and what they reach
// (elements, keys, fields). Types get the names the linker's DWARF would give them, and maps and
// channels get the runtime structs the linker would synthesise (hash<K,V>, bucket<K,V>,
// hchan<T>), so the typer works on it unchanged. Globals stay untyped: only DWARF has them.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "binary/dwarf_types.h"
#include "binary/runtime_types.h"

namespace leakseek::binary {

// `without_dwarf` is the program's empty DWARF table (for its path and what it lacks);
// `extra_seeds` are descriptor addresses from elsewhere (a heap dump's itab and finalizer
// types), for stripped programs whose symbol table no longer lists them. Each descriptor
// becomes a type whose runtime_type is its offset from runtime.types, as DWARF writes it, so
// RuntimeTypes::relink links them. Bounded in types and fields: garbage yields a small table.
DwarfTypes descriptor_types(const DwarfTypes& without_dwarf, const RuntimeTypes& runtime,
                            std::span<const uint64_t> extra_seeds = {});

// What typing from descriptors cannot do, in place of without_dwarf.limitations().
std::vector<std::string> descriptor_limitations(const DwarfTypes& without_dwarf,
                                                const RuntimeTypes& runtime);

}  // namespace leakseek::binary

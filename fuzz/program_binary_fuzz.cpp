// Feeds arbitrary bytes as a program binary to the three readers `leakseek heap --program`
// uses (symbols, DWARF types, runtime type descriptors), then asks a few questions of each.
// Only InputError may come out: a hostile or truncated binary must not take the dump with it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "binary/dwarf_types.h"
#include "binary/program_symbols.h"
#include "binary/runtime_types.h"
#include "input_file.h"
#include "util/input_error.h"

namespace {

using leakseek::binary::DwarfTypes;
using leakseek::binary::ProgramSymbols;
using leakseek::binary::RuntimeTypes;
using leakseek::binary::TypeId;

// A real Go binary has tens of thousands of types and functions; a few spread over the range
// find the same bugs at a fraction of the cost.
constexpr size_t kSamples = 16;

void exercise(const ProgramSymbols& symbols, const DwarfTypes& dwarf, const RuntimeTypes& rt) {
  for (auto range : {symbols.go_data(), symbols.go_bss()}) {
    if (!range) continue;
    (void)symbols.variable_at(range->addr);
    (void)symbols.variable_at(range->addr + range->size / 2);
    (void)symbols.type_at(range->addr);
  }
  (void)symbols.function_at(0);
  (void)symbols.limitations();

  const auto& types = dwarf.types();
  const size_t type_step = std::max<size_t>(1, types.size() / kSamples);
  for (size_t i = 0; i < types.size(); i += type_step) {
    const auto id = static_cast<TypeId>(i);
    (void)dwarf.pointer_layout(id, 1 << 12);
    (void)rt.descriptor_addr(id);
  }
  for (const auto& g : dwarf.globals()) {
    (void)dwarf.global_at(g.addr);
    break;
  }
  (void)dwarf.limitations();

  const auto& frames = dwarf.frame_variables();
  for (uint64_t pc : {uint64_t{0}, uint64_t{0x401000}, uint64_t{0x401234}, UINT64_MAX}) {
    (void)frames.at(pc);
    (void)frames.function_at(pc);
  }
  if (auto* f = frames.find("main.main")) {
    (void)frames.at(f->entry);
    (void)frames.at(f->entry + (f->end - f->entry) / 2);
    (void)symbols.function_at(f->entry);
  }

  const auto& listed = rt.listed_descriptors();
  const size_t listed_step = std::max<size_t>(1, listed.size() / kSamples);
  for (size_t i = 0; i < listed.size(); i += listed_step) {
    if (auto d = rt.descriptor(listed[i])) (void)rt.parts(*d, 64);
    (void)rt.resolve(listed[i]);
  }
  if (rt.available()) {
    const uint64_t span = rt.types_end() - rt.types_begin();
    for (uint64_t k = 0; k < kSamples; k++) {
      const uint64_t addr = rt.types_begin() + span / kSamples * k;
      if (auto d = rt.descriptor(addr)) (void)rt.parts(*d, 64);
      (void)rt.resolve(addr);
      (void)rt.dwarf_type(addr);
    }
  }
  (void)rt.resolve(0);
  (void)rt.resolve(UINT64_MAX);
  (void)rt.limitations();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = leakseek::fuzz::write_input_file("program", data, size);
  try {
    auto symbols = ProgramSymbols::load(path);
    auto dwarf = DwarfTypes::load(path);
    auto runtime = RuntimeTypes::load(path, dwarf);
    exercise(symbols, dwarf, runtime);
  } catch (const leakseek::InputError&) {
  } catch (...) {
    std::abort();
  }
  return 0;
}

#include "cli/heap_common.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "binary/descriptor_types.h"
#include "goruntime/go_version.h"
#include "heap/heap_loader.h"
#include "heap/program_match.h"
#include "util/input_error.h"

namespace leakseek::cli {

void add_heap_args(CLI::App& cmd, HeapArgs& args) {
  cmd.add_option("DUMP", args.dump, "heap dump written by runtime/debug.WriteHeapDump")->required();
  cmd.add_option("--program", args.program, "the program's binary, to name globals and functions");
  cmd.add_flag("--json", args.json, "print JSON");
}

namespace {

// Type descriptors the dump names directly: a stripped program's symbol table no longer lists
// them, and the types reached from them are what typing without DWARF starts from.
std::vector<uint64_t> dump_descriptors(const heap::HeapModel& model) {
  std::vector<uint64_t> out;
  for (const auto& it : model.itabs) out.push_back(it.type);
  for (const auto* list : {&model.finalizers, &model.queued_finalizers}) {
    for (const auto& f : *list) {
      out.push_back(f.ot);
      out.push_back(f.fint);
    }
  }
  return out;
}

}  // namespace

LoadedHeap::LoadedHeap(const HeapArgs& args) {
  format::ReadOptions options;
  const bool show_progress = !args.json && isatty(STDERR_FILENO);
  if (show_progress) {
    options.progress = [&args](uint64_t done, uint64_t total) {
      if (total < (256u << 20)) return;  // small dumps load faster than a line can be read
      fmt::print(stderr, "\rleakseek: reading {} {:3}%", args.dump,
                 total ? done * 100 / total : 100);
      if (done >= total) fmt::print(stderr, "\r\033[K");
    };
  }
  model = heap::load_heap_dump(args.dump, options);
  if (auto note = newer_go_note(model.go_version()); !note.empty())
    fmt::print(stderr, "leakseek: {}: warning: {}\n", args.dump, note);
  if (!args.program.empty()) symbols = binary::ProgramSymbols::load(args.program);
  if (symbols) {
    dwarf = binary::DwarfTypes::load(args.program);
    runtime = binary::RuntimeTypes::load(args.program, *dwarf);
    // Another build's binary would name the wrong globals and type objects at random.
    auto match = heap::match_program(model, *symbols, runtime->go_version());
    if (!match.mismatches.empty())
      throw InputError(args.program, std::nullopt,
                       "not the program that wrote " + args.dump + ": " + match.mismatches.front());
    // A position-independent program: move what the binary says to where it ran.
    if (match.load_bias) {
      symbols->relocate(match.load_bias);
      dwarf->relocate(match.load_bias);
      runtime->relocate(match.load_bias);
    }
    // Said even with --json (stderr only): the user must know the names may be wrong.
    for (const auto& u : match.unchecked)
      fmt::print(stderr, "leakseek: {}: warning: {}\n", args.program, u);
    dwarf_limitations = dwarf->limitations();
    // Without DWARF the descriptors still describe every type's layout: type from them.
    if (!dwarf->has_dwarf() && runtime->available()) {
      dwarf_limitations = binary::descriptor_limitations(*dwarf, *runtime);
      dwarf = binary::descriptor_types(*dwarf, *runtime, dump_descriptors(model));
      runtime->relink(*dwarf);
    }
    typing_ = std::async(std::launch::async, [this] {
                return heap::type_objects(model, *dwarf, *runtime);
              }).share();
  }
  if (symbols && !args.json) {
    std::vector<std::string> missing;
    // The symbol table's short "no DWARF" note says less than what DWARF's absence costs.
    for (auto& l : symbols->limitations())
      if (dwarf->has_dwarf() || !l.starts_with("no DWARF")) missing.push_back(std::move(l));
    for (const auto& l : dwarf_limitations) missing.push_back(l);
    for (const auto& l : runtime->limitations()) missing.push_back(l);
    // Each binary-reading layer may notice the same gap; say each once.
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    for (const auto& l : missing) fmt::print(stderr, "leakseek: {}: {}\n", args.program, l);
  }
}

uint64_t parse_address(const std::string& text) {
  std::string_view s = text;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2), base = 16;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) {
    throw UsageError("bad address '" + text + "': want 0x-prefixed hex or decimal");
  }
  return v;
}

heap::ObjectId object_at(const heap::HeapModel& model, uint64_t addr) {
  heap::ObjectId id = model.find(addr);
  if (id == heap::kNoObject) {
    throw InputError(model.path(), std::nullopt,
                     fmt::format("no object in the dump contains address {:#x}", addr));
  }
  return id;
}

void write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw InputError(path, std::nullopt, std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok &= std::fclose(f) == 0;
  if (!ok) throw InputError(path, std::nullopt, "write failed");
}

}  // namespace leakseek::cli

#include "report/heap_text.h"

#include <fmt/format.h>

#include "report/units.h"

namespace leakseek::report {

namespace {

// " .Owner" when the owner is typed, so a path reads like the Go code that built it.
std::string field_suffix(const HeapContext& ctx, heap::ObjectId owner, uint64_t offset) {
  std::string f = object_field(ctx, owner, offset);
  return f.empty() ? f : " " + f;
}

std::string object_label(const HeapContext& ctx, heap::ObjectId id) {
  std::string type = object_type(ctx, id);
  return fmt::format("{}{}{} ({})", hex(ctx.model.object_addr[id]), type.empty() ? "" : " ", type,
                     human_bytes(ctx.model.size(id)));
}

}  // namespace

std::string summary_text(const heap::HeapSummary& s) {
  std::string out;
  out += fmt::format("Go {} {} heap dump, {}\n", s.go_version.empty() ? "?" : s.go_version, s.arch,
                     human_bytes(s.dump_bytes));
  out += fmt::format("  live:     {} in {} objects ({} of the dumped object bytes)\n",
                     human_bytes(s.reachable_bytes), s.reachable_objects,
                     percent_of(s.reachable_bytes, s.object_bytes));
  out += fmt::format("  garbage:  {} in {} objects (dumped but unreachable)\n",
                     human_bytes(s.garbage_bytes), s.garbage_objects);
  out += fmt::format("  dumped:   {} objects, {}, {} pointers between them\n", s.objects,
                     human_bytes(s.object_bytes), s.pointers);
  out += fmt::format("  goroutines: {} ({} system), threads: {}\n", s.goroutines,
                     s.system_goroutines, s.threads);
  out += fmt::format("  finalizers: {} registered, {} queued\n", s.finalizers_registered,
                     s.finalizers_queued);
  out += "  roots:";
  for (int k = 0; k < heap::kRootKindCount; k++) {
    if (s.roots_by_kind[k]) {
      out += fmt::format(" {} {}", heap::root_kind_name(static_cast<heap::RootKind>(k)),
                         s.roots_by_kind[k]);
    }
  }
  out += "\n";
  if (s.has_mem_stats) {
    out +=
        fmt::format("  runtime MemStats: HeapAlloc {} in {} objects, {} GCs\n",
                    human_bytes(s.memstats_heap_alloc), s.memstats_heap_objects, s.memstats_num_gc);
  }
  if (s.alloc_samples) {
    out +=
        fmt::format("  allocation samples: {} ({} stacks)\n", s.alloc_samples, s.memprof_buckets);
  }
  return out;
}

std::string hexdump(uint64_t base, std::span<const uint8_t> bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 16) {
    out += fmt::format("  {:016x}  ", base + i);
    std::string ascii;
    for (size_t j = i; j < i + 16; j++) {
      if (j < bytes.size()) {
        out += fmt::format("{:02x} ", bytes[j]);
        ascii += (bytes[j] >= 0x20 && bytes[j] < 0x7f) ? static_cast<char>(bytes[j]) : '.';
      } else {
        out += "   ";
      }
      if (j == i + 7) out += ' ';
    }
    out += " |" + ascii + "|\n";
  }
  return out;
}

std::string object_text(const HeapContext& ctx, const heap::ObjectInspection& o) {
  std::string out = fmt::format("object {} size {} ({})", hex(o.base), o.size, human_bytes(o.size));
  if (o.query_addr != o.base)
    out += fmt::format(", {} is at +{:#x}", hex(o.query_addr), o.query_addr - o.base);
  out += "\n";
  if (std::string type = object_type(ctx, o.id); !type.empty())
    out += fmt::format("  type {}\n", type);
  out += fmt::format("  {}{}{}; pointed to by {} object{} and {} root{}\n",
                     o.live ? "live" : "garbage (no root reaches it)",
                     o.has_finalizer ? ", has a finalizer" : "",
                     o.queued_for_finalization ? ", in the finalizer queue" : "", o.owners,
                     o.owners == 1 ? "" : "s", o.roots, o.roots == 1 ? "" : "s");
  if (o.may_have_type_header)
    out += "  may start with an 8-byte type header (Go >= 1.22, size > 512 B)\n";
  if (o.pointers.empty()) {
    out += "  no pointer fields\n";
  } else {
    size_t nils = 0;
    for (const auto& p : o.pointers) nils += p.value == 0;
    out += fmt::format("  {} pointer field{}{}:\n", o.pointers.size(),
                       o.pointers.size() == 1 ? "" : "s",
                       nils ? fmt::format(" ({} nil, not listed)", nils) : "");
    for (const auto& p : o.pointers) {
      if (p.value == 0) continue;
      std::string where;
      if (p.target == heap::kNoObject) {
        const auto* var = ctx.symbols ? ctx.symbols->variable_at(p.value) : nullptr;
        where = var ? fmt::format("-> global {}{}", var->name,
                                  p.value == var->addr ? std::string()
                                                       : fmt::format("+{:#x}", p.value - var->addr))
                    : "outside the dumped objects";
      } else {
        where = "-> " + object_label(ctx, p.target);
        if (p.target_offset) where += fmt::format(" at +{:#x}", p.target_offset);
      }
      std::string field = object_field(ctx, o.id, p.offset);
      out += fmt::format("    {:<8} {:<18} {}{}\n", fmt::format("+{:#x}", p.offset), hex(p.value),
                         field.empty() ? "" : field + " ", where);
    }
  }
  if (o.allocation) {
    out += "  allocated at:\n";
    for (const auto& f : o.allocation->frames)
      out += fmt::format("    {}\n      {}:{}\n", f.function, f.file, f.line);
  }
  out += hexdump(o.base, ctx.model.contents(o.id));
  return out;
}

std::string owners_text(const HeapContext& ctx, const heap::OwnersResult& r) {
  std::string out = fmt::format("owners of {}\n", object_label(ctx, r.target));
  if (r.edges.empty()) out += "  no object points to it\n";
  for (const auto& e : r.edges) {
    std::string offs;
    for (uint64_t off : e.offsets)
      offs +=
          fmt::format("{}+{:#x}{}", offs.empty() ? "" : ",", off, field_suffix(ctx, e.owner, off));
    out += fmt::format("{:{}}{} -> {} via {}\n", "", 2 * e.level, object_label(ctx, e.owner),
                       hex(ctx.model.object_addr[e.owned]), offs.empty() ? "?" : offs);
  }
  if (!r.roots.empty()) {
    out += "held by roots:\n";
    for (const auto& root : r.roots) {
      out += fmt::format("  {} -> {}\n", root_label(ctx, root),
                         hex(ctx.model.object_addr[root.target]));
    }
  }
  if (r.truncated) out += "(stopped after the object limit; raise --max-objects)\n";
  return out;
}

std::string why_text(const HeapContext& ctx, const heap::WhyResult& r) {
  std::string out = fmt::format("{} is ", object_label(ctx, r.target));
  switch (r.retention) {
    case heap::Retention::kUnreachable:
      return out + "unreachable: no root holds it; the next GC frees it\n";
    case heap::Retention::kRooted:
      out += "alive\n";
      break;
    case heap::Retention::kFinalizerOnly:
      out +=
          fmt::format("held only by the finalizer of {}: it lives until that finalizer has run\n",
                      hex(ctx.model.object_addr[r.finalized_object]));
      break;
    case heap::Retention::kFinalizerCycle: {
      out += "held only by a finalizer cycle: never collectable\n  cycle:";
      for (auto id : r.cycle) out += " " + hex(ctx.model.object_addr[id]);
      out += fmt::format(
          "\n  {} has a finalizer and reaches itself, so Go never finalizes or frees it\n",
          hex(ctx.model.object_addr[r.finalized_object]));
      break;
    }
  }
  for (const auto& p : r.paths) {
    out += fmt::format("from {} ({} step{}):\n", root_label(ctx, p.root), p.steps.size(),
                       p.steps.size() == 1 ? "" : "s");
    for (size_t i = 0; i < p.steps.size(); i++) {
      const auto& s = p.steps[i];
      out += i == 0 ? fmt::format("  {}\n", object_label(ctx, s.object))
                    : fmt::format("  -> +{:#x}{} {}\n", s.offset,
                                  field_suffix(ctx, p.steps[i - 1].object, s.offset),
                                  object_label(ctx, s.object));
    }
  }
  return out;
}

std::string oid_matches_text(const HeapContext& ctx, const std::vector<heap::OidMatch>& matches) {
  std::string out;
  for (const auto& m : matches) {
    out += fmt::format("{}  {}  {}{}\n", object_label(ctx, m.object), hex(m.entry->value),
                       m.entry->name, m.word_offset ? " (after type header)" : "");
  }
  out += fmt::format("{} object{} matched\n", matches.size(), matches.size() == 1 ? "" : "s");
  return out;
}

}  // namespace leakseek::report

#include "report/record_printer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "report/units.h"

namespace leakseek::report {

using nlohmann::json;

namespace {

json block_json(const format::MemoryBlock& b) {
  return {
      {"addr", hex(b.addr)}, {"size", b.contents.size()}, {"pointer_offsets", b.pointer_offsets}};
}

std::string offsets_text(std::span<const uint64_t> offs) {
  std::string s = "[";
  for (size_t i = 0; i < offs.size(); i++) s += fmt::format("{}{:#x}", i ? " " : "", offs[i]);
  return s + "]";
}

}  // namespace

#define EMIT(JSON, ...)                                                                            \
  do {                                                                                             \
    if (json_) {                                                                                   \
      json record_json_ = JSON;                                                                    \
      record_json_["offset"] = at;                                                                 \
      fmt::print(out_, "{}\n", record_json_.dump(-1, ' ', false, json::error_handler_t::replace)); \
    } else {                                                                                       \
      fmt::print(out_, "{:>10} ", at);                                                             \
      fmt::print(out_, __VA_ARGS__);                                                               \
      fmt::print(out_, "\n");                                                                      \
    }                                                                                              \
  } while (0)

void RecordPrinter::on_object(const format::ObjectRecord& r, uint64_t at) {
  json j = block_json(r.block);
  j["record"] = "object";
  EMIT(j, "object {} size {} pointers {}", hex(r.block.addr), r.block.contents.size(),
       offsets_text(r.block.pointer_offsets));
}

void RecordPrinter::on_other_root(const format::OtherRootRecord& r, uint64_t at) {
  EMIT((json{{"record", "other_root"}, {"description", r.description}, {"to", hex(r.to)}}),
       "other root {} -> {}", r.description, hex(r.to));
}

void RecordPrinter::on_type(const format::TypeRecord& r, uint64_t at) {
  EMIT((json{{"record", "type"},
             {"addr", hex(r.addr)},
             {"size", r.size},
             {"name", r.name},
             {"indirect", r.indirect}}),
       "type {} size {} name {:?} {}", hex(r.addr), r.size, r.name,
       r.indirect ? "indirect" : "direct");
}

void RecordPrinter::on_goroutine(const format::GoroutineRecord& r, uint64_t at) {
  EMIT((json{{"record", "goroutine"},
             {"addr", hex(r.addr)},
             {"sp", hex(r.sp)},
             {"goid", r.goid},
             {"gopc", hex(r.gopc)},
             {"status", r.status},
             {"is_system", r.is_system},
             {"is_background", r.is_background},
             {"wait_since", r.wait_since},
             {"wait_reason", r.wait_reason},
             {"ctxt", hex(r.ctxt)},
             {"m", hex(r.m)},
             {"defer", hex(r.defer_addr)},
             {"panic", hex(r.panic_addr)}}),
       "goroutine {} g {} status {} wait {:?} since {} sp {} gopc {} ctxt {}{}", r.goid,
       hex(r.addr), r.status, r.wait_reason, r.wait_since, hex(r.sp), hex(r.gopc), hex(r.ctxt),
       r.is_system ? " system" : "");
}

void RecordPrinter::on_stack_frame(const format::StackFrameRecord& r, uint64_t at) {
  json j = block_json(r.block);
  j["record"] = "stack_frame";
  j["function"] = r.function;
  j["depth"] = r.depth;
  j["child_sp"] = hex(r.child_sp);
  j["entry"] = hex(r.entry);
  j["pc"] = hex(r.pc);
  j["continpc"] = hex(r.continpc);
  EMIT(j, "  frame {} depth {} sp {} size {} pc {} pointers {}", r.function, r.depth,
       hex(r.block.addr), r.block.contents.size(), hex(r.pc),
       offsets_text(r.block.pointer_offsets));
}

void RecordPrinter::on_params(const format::ParamsRecord& r, uint64_t at) {
  EMIT((json{{"record", "params"},
             {"big_endian", r.big_endian},
             {"ptr_size", r.ptr_size},
             {"heap_start", hex(r.heap_start)},
             {"heap_end", hex(r.heap_end)},
             {"arch", r.arch},
             {"go_version", r.go_version},
             {"ncpu", r.ncpu}}),
       "params {} {} ptrsize {} {} heap {}-{} ncpu {}", r.go_version, r.arch, r.ptr_size,
       r.big_endian ? "big-endian" : "little-endian", hex(r.heap_start), hex(r.heap_end), r.ncpu);
}

void RecordPrinter::on_finalizer(const format::FinalizerRecord& r, bool queued, uint64_t at) {
  EMIT((json{{"record", queued ? "queued_finalizer" : "finalizer"},
             {"object", hex(r.object)},
             {"fn", hex(r.fn)},
             {"fn_code", hex(r.fn_code)},
             {"fint", hex(r.fint)},
             {"ot", hex(r.ot)}}),
       "{} object {} fn {} code {} fint {} ot {}", queued ? "queued finalizer" : "finalizer",
       hex(r.object), hex(r.fn), hex(r.fn_code), hex(r.fint), hex(r.ot));
}

void RecordPrinter::on_itab(const format::ItabRecord& r, uint64_t at) {
  EMIT((json{{"record", "itab"}, {"addr", hex(r.addr)}, {"type", hex(r.type)}}), "itab {} type {}",
       hex(r.addr), hex(r.type));
}

void RecordPrinter::on_os_thread(const format::OsThreadRecord& r, uint64_t at) {
  EMIT((json{{"record", "os_thread"}, {"m", hex(r.m)}, {"id", r.id}, {"procid", r.procid}}),
       "thread m {} id {} procid {}", hex(r.m), r.id, r.procid);
}

void RecordPrinter::on_mem_stats(const format::MemStatsRecord& r, uint64_t at) {
  json j = {{"record", "memstats"}, {"NumGC", r.num_gc}};
  std::string text = "memstats";
  for (size_t i = 0; i < r.fields.size(); i++) {
    j[std::string(format::MemStatsRecord::kNames[i])] = r.fields[i];
    text += fmt::format(" {}={}", format::MemStatsRecord::kNames[i], r.fields[i]);
  }
  EMIT(j, "{} NumGC={}", text, r.num_gc);
}

void RecordPrinter::on_segment(const format::MemoryBlock& b, bool bss, uint64_t at) {
  json j = block_json(b);
  j["record"] = bss ? "bss" : "data";
  EMIT(j, "{} {} size {} pointers {}", bss ? "bss" : "data", hex(b.addr), b.contents.size(),
       b.pointer_offsets.size());
}

void RecordPrinter::on_defer(const format::DeferRecord& r, uint64_t at) {
  EMIT((json{{"record", "defer"},
             {"addr", hex(r.addr)},
             {"goroutine", hex(r.goroutine)},
             {"sp", hex(r.sp)},
             {"pc", hex(r.pc)},
             {"fn", hex(r.fn)},
             {"fn_code", hex(r.fn_code)},
             {"link", hex(r.link)}}),
       "defer {} g {} sp {} pc {} fn {}", hex(r.addr), hex(r.goroutine), hex(r.sp), hex(r.pc),
       hex(r.fn));
}

void RecordPrinter::on_panic(const format::PanicRecord& r, uint64_t at) {
  EMIT((json{{"record", "panic"},
             {"addr", hex(r.addr)},
             {"goroutine", hex(r.goroutine)},
             {"arg_type", hex(r.arg_type)},
             {"arg_data", hex(r.arg_data)},
             {"link", hex(r.link)}}),
       "panic {} g {} arg type {} data {}", hex(r.addr), hex(r.goroutine), hex(r.arg_type),
       hex(r.arg_data));
}

void RecordPrinter::on_mem_prof(const format::MemProfRecord& r, uint64_t at) {
  json frames = json::array();
  std::string text;
  for (const auto& f : r.frames) {
    frames.push_back({{"function", f.function}, {"file", f.file}, {"line", f.line}});
    text += fmt::format("\n{:>10}   {} {}:{}", "", f.function, f.file, f.line);
  }
  EMIT((json{{"record", "memprof"},
             {"bucket", hex(r.bucket)},
             {"size", r.size},
             {"allocs", r.allocs},
             {"frees", r.frees},
             {"stack", frames}}),
       "memprof bucket {} size {} allocs {} frees {}{}", hex(r.bucket), r.size, r.allocs, r.frees,
       text);
}

void RecordPrinter::on_alloc_sample(const format::AllocSampleRecord& r, uint64_t at) {
  EMIT((json{{"record", "alloc_sample"}, {"object", hex(r.object)}, {"bucket", hex(r.bucket)}}),
       "alloc sample object {} bucket {}", hex(r.object), hex(r.bucket));
}

void RecordPrinter::on_eof(uint64_t at) {
  EMIT((json{{"record", "eof"}}), "eof");
}

}  // namespace leakseek::report

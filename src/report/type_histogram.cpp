#include "report/type_histogram.h"

#include <fmt/format.h>

#include "report/units.h"

namespace leakseek::report {

std::string type_row_name(const HeapContext& ctx, const heap::TypeRow& r) {
  if (r.type.shape == heap::ObjectShape::kUntyped || !ctx.dwarf)
    return fmt::format("untyped (size class {})", human_bytes(r.size));
  return heap::object_type_name(*ctx.dwarf, r.type);
}

namespace {
std::string example_addr(const HeapContext& ctx, const heap::TypeRow& r) {
  return r.example == heap::kNoObject ? "" : hex(ctx.model.object_addr[r.example]);
}

double ratio(uint64_t part, uint64_t whole) {
  return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}
}  // namespace

std::string type_histogram_text(const HeapContext& ctx, const heap::TypeHistogram& h,
                                size_t limit) {
  std::string out = fmt::format(
      "{} live in {} objects; {:.1f}% of the bytes typed from the program binary\n",
      human_bytes(h.live_bytes), h.live_objects, 100.0 * ratio(h.typed_bytes, h.live_bytes));
  out += fmt::format("{:>10} {:>10} {:>10}  {:<14}  {}\n", "retained", "bytes", "count", "largest",
                     "type");
  for (size_t i = 0; i < h.rows.size() && i < limit; i++) {
    const auto& r = h.rows[i];
    out += fmt::format("{:>10} {:>10} {:>10}  {:<14}  {}\n", human_bytes(r.retained_bytes),
                       human_bytes(r.bytes), r.count, example_addr(ctx, r), type_row_name(ctx, r));
  }
  if (h.rows.size() > limit) out += fmt::format("... {} more types\n", h.rows.size() - limit);
  return out;
}

nlohmann::json type_histogram_json(const HeapContext& ctx, const heap::TypeHistogram& h,
                                   size_t limit) {
  nlohmann::json rows = nlohmann::json::array();
  for (size_t i = 0; i < h.rows.size() && i < limit; i++) {
    const auto& r = h.rows[i];
    rows.push_back({{"type", type_row_name(ctx, r)},
                    {"typed", r.type.shape != heap::ObjectShape::kUntyped},
                    {"count", r.count},
                    {"bytes", r.bytes},
                    {"retained_bytes", r.retained_bytes},
                    {"largest", example_addr(ctx, r)},
                    {"largest_retained_bytes", r.example_retained}});
  }
  return {{"live_objects", h.live_objects},
          {"live_bytes", h.live_bytes},
          {"typed_objects", h.typed_objects},
          {"typed_bytes", h.typed_bytes},
          {"typed_bytes_ratio", ratio(h.typed_bytes, h.live_bytes)},
          {"types", h.rows.size()},
          {"rows", rows}};
}

}  // namespace leakseek::report

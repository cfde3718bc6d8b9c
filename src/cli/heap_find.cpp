#include <fmt/format.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "cli/commands.h"
#include "cli/heap_common.h"
#include "heap/oid_search.h"
#include "report/heap_json.h"
#include "report/heap_text.h"
#include "util/input_error.h"

namespace leakseek::cli {

void add_heap_find(CLI::App& heap) {
  auto args = std::make_shared<HeapArgs>();
  auto oid_file = std::make_shared<std::string>();
  auto pattern = std::make_shared<std::string>(".");
  auto* cmd = heap.add_subcommand("find", "objects whose first word is a known object-id marker");
  add_heap_args(*cmd, *args);
  cmd->add_option("--oid", *oid_file, "OID list: one 'VALUE NAME' per line")->required();
  cmd->add_option("REGEX", *pattern, "only OIDs whose name matches this (ECMAScript regex)")
      ->capture_default_str();
  cmd->callback([=] {
    std::regex re;
    try {
      re = std::regex(*pattern);
    } catch (const std::regex_error& e) {
      throw UsageError("bad REGEX '" + *pattern + "': " + e.what());
    }
    std::ifstream in(*oid_file, std::ios::binary);
    if (!in) throw InputError(*oid_file, std::nullopt, "cannot open OID list");
    std::stringstream text;
    text << in.rdbuf();
    auto entries = heap::parse_oid_list(*oid_file, text.str());
    auto h = load_heap(*args);
    auto matches = heap::find_by_oid(h.model, entries, re);
    auto ctx = h.context();
    if (args->json) {
      fmt::print("{}\n", report::oid_matches_json(ctx, matches).dump(2));
    } else {
      fmt::print("{}", report::oid_matches_text(ctx, matches));
    }
  });
}

}  // namespace leakseek::cli

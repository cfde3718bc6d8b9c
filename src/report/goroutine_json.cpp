#include "report/goroutine_json.h"

namespace leakseek::report {

using nlohmann::json;

namespace {

json sv(std::string_view s) {
  return std::string(s);
}

json frames_json(const std::vector<goroutines::Frame>& stack) {
  json a = json::array();
  for (const auto& f : stack) {
    json j{{"function", sv(f.function)}, {"file", sv(f.file)}, {"line", f.line}};
    if (!f.args.empty()) j["args"] = sv(f.args);
    j["pc_offset"] = f.pc_offset ? json(*f.pc_offset) : json(nullptr);
    a.push_back(std::move(j));
  }
  return a;
}

json created_by_json(const std::optional<goroutines::CreatedBy>& c) {
  if (!c) return nullptr;
  return {{"function", sv(c->function)},
          {"file", sv(c->file)},
          {"line", c->line},
          {"creator_goid", c->creator_goid ? json(*c->creator_goid) : json(nullptr)}};
}

json labels_json(const std::vector<goroutines::Label>& labels) {
  json o = json::object();
  for (const auto& l : labels) o[std::string(l.key)] = sv(l.value);
  return o;
}

}  // namespace

json goroutine_report_json(const GoroutineReport& r) {
  json groups = json::array();
  for (const auto& g : r.grouping.groups) {
    groups.push_back({{"count", g.count},
                      {"proven_leaked", g.leaked},
                      {"state", sv(g.state)},
                      {"top_function", sv(g.top_function)},
                      {"created_by", created_by_json(g.created_by)},
                      {"runtime_owned", g.runtime_owned},
                      {"max_wait_minutes", g.max_wait_minutes},
                      {"locked_to_thread", g.locked_to_thread},
                      {"labels", labels_json(g.labels)},
                      {"goids", g.goids},
                      {"stack", frames_json(g.stack)}});
  }
  json suspects = json::array();
  for (const auto& s : r.suspects) {
    const auto& g = *s.group;
    suspects.push_back({{"count", g.count},
                        {"state", sv(g.state)},
                        {"blocked_on", sv(s.blocked_on)},
                        {"top_function", sv(g.top_function)},
                        {"function", sv(g.program_function)},
                        {"created_by", created_by_json(g.created_by)},
                        {"max_wait_minutes", g.max_wait_minutes},
                        {"goids", g.goids}});
  }
  json fin = nullptr;
  if (r.finalizer) {
    const auto& f = *r.finalizer;
    fin = {{"goid", f.goid ? json(*f.goid) : json(nullptr)},
           {"state", sv(f.state)},
           {"function", sv(f.function)},
           {"wait_minutes", f.wait_minutes},
           {"blocked", f.blocked},
           {"found_by", sv(f.found_by)}};
  }
  return {{"form", goroutines::dump_form_name(r.dump->form)},
          {"reason", sv(r.dump->reason)},
          {"total", r.grouping.total},
          {"leak_profile", r.dump->leak_profile},
          {"proven_leaked", r.grouping.leaked},
          {"hidden_runtime_owned", r.grouping.hidden_runtime_owned},
          {"group_by", group_by_name(r.group_by)},
          {"groups", std::move(groups)},
          {"finalizer", std::move(fin)},
          {"suspects", std::move(suspects)}};
}

json goroutine_diff_json(const goroutines::GoroutineDiff& d) {
  json changes = json::array();
  for (const auto& c : d.changes)
    changes.push_back({{"top_function", sv(c.top_function)},
                       {"state", sv(c.state)},
                       {"count", c.count},
                       {"base_count", c.base_count},
                       {"delta", c.delta},
                       {"new", c.is_new},
                       {"gone", c.is_gone},
                       {"stack", frames_json(c.stack)}});
  return {{"total", d.total},
          {"base_total", d.base_total},
          {"changes", std::move(changes)},
          {"unchanged_stacks", d.unchanged_stacks}};
}

}  // namespace leakseek::report

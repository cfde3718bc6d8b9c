// The daemon's HTTP side over a seeded store: every API route's status and key fields, raw
// bodies byte for byte, diffs equal to the analyses', /metrics readable by a Prometheus text
// parser, the bearer token, and the refusal to listen beyond loopback without one.
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "format/goroutine_dump_reader.h"
#include "format/pprof_reader.h"
#include "format/pprof_writer.h"
#include "format/prometheus_text_reader.h"
#include "profiles/diff.h"
#include "support/fixtures.h"
#include "watch/api_error.h"
#include "watch/api_params.h"
#include "watch/http_auth.h"
#include "watch/http_server.h"
#include "watch/snapshot_series.h"
#include "watch/store.h"

namespace leakseek::watch {
namespace {

using nlohmann::json;

constexpr int64_t kMinute = int64_t{60} * 1'000'000'000;
constexpr int64_t kMiB = 1 << 20;

int64_t now_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A Go-like heap profile: main.leak holds `leaked` bytes, main.steady a constant amount.
std::string heap_profile(int64_t leaked, int64_t time_nanos) {
  profiles::ProfileData d;
  d.sample_types = {{"alloc_objects", "count"},
                    {"alloc_space", "bytes"},
                    {"inuse_objects", "count"},
                    {"inuse_space", "bytes"}};
  d.functions = {{1, "main.leak", "main.leak", "/src/svc/main.go", 10},
                 {2, "main.steady", "main.steady", "/src/svc/main.go", 20},
                 {3, "main.main", "main.main", "/src/svc/main.go", 30}};
  d.locations = {{1, 0, 0x1000, {{1, 12, 0}}, false},
                 {2, 0, 0x2000, {{2, 22, 0}}, false},
                 {3, 0, 0x3000, {{3, 33, 0}}, false}};
  d.samples = {{{1, 3}, {leaked / 1024, leaked, leaked / 1024, leaked}, {}},
               {{2, 3}, {500, 512'000, 500, 512'000}, {}}};
  d.time_nanos = time_nanos;
  d.period_type = {"space", "bytes"};
  d.period = 4096;
  return format::write_pprof(profiles::Profile(std::move(d)));
}

// A debug=1 goroutine profile with `waiting` goroutines parked in main.pollUpstream.
std::string goroutine_profile(int waiting) {
  return "goroutine profile: total " + std::to_string(waiting + 1) + "\n" +
         std::to_string(waiting) +
         " @ 0x43a 0x406c9c 0x6935f9 0x4781a1\n"
         "#\t0x6935f8\tmain.pollUpstream+0x38\t/src/svc/main.go:132\n"
         "#\t0x6935f9\tmain.spawnPollers+0x40\t/src/svc/main.go:140\n"
         "\n"
         "1 @ 0x43a 0x693456 0x4781a1\n"
         "#\t0x693455\tmain.main+0x95\t/src/svc/main.go:104\n"
         "\n";
}

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "leakseek-http-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    db_ = dir_ + "/leakseek.db";
    seed();
    TargetStatus api;
    api.name = "api";
    api.url = "http://127.0.0.1:6060";
    api.labels = {{"team", "payments"}};
    api.up = true;
    api.last_scrape_nanos = start_ + 4 * kMinute;
    api.last_scrape_seconds = 0.25;
    api.scrapes = 7;
    api.scrape_errors = 1;
    api.heap_inuse_bytes = 5 * kMiB;
    api.goroutines = 41;
    api.finalizer_queue = 12;
    api.firing_alerts = 1;
    board_.set(api);
    // Never scraped successfully; a name that needs escaping in a Prometheus label.
    TargetStatus odd;
    odd.name = "odd\"na\\me";
    odd.url = "http://127.0.0.1:1";
    odd.last_error = "connection refused";
    odd.scrapes = 3;
    odd.scrape_errors = 3;
    board_.set(odd);
    board_.set_store_bytes(123456);
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  void seed() {
    Store store(db_);
    target_id_ = store.upsert_target("api", "http://127.0.0.1:6060", {{"team", "payments"}});
    start_ = now_nanos() - 5 * kMinute;
    for (int i = 0; i < 5; i++) {
      int64_t t = start_ + i * kMinute;
      heap_raw_.push_back(heap_profile((i + 1) * kMiB, t));
      auto series = heap_snapshot_series(format::read_pprof(bytes_of(heap_raw_.back()), "heap"));
      heap_ids_.push_back(store.add_snapshot(target_id_, SnapshotKind::heap, t,
                                             bytes_of(heap_raw_.back()), series));
    }
    for (int i = 0; i < 2; i++) {
      int64_t t = start_ + i * kMinute;
      goroutine_raw_.push_back(goroutine_profile(10 + 30 * i));
      auto series = goroutine_snapshot_series(
          format::read_goroutine_dump(bytes_of(goroutine_raw_.back()), "goroutine"));
      goroutine_ids_.push_back(store.add_snapshot(target_id_, SnapshotKind::goroutine, t,
                                                  bytes_of(goroutine_raw_.back()), series));
    }
    Alert firing;
    firing.finding = Finding{.key = "api/site_growth/main.leak",
                             .target = "api",
                             .kind = AlertKind::site_growth,
                             .site = "main.leak",
                             .summary = "main.leak grows 60 MiB/h",
                             .numbers = {{"slope_per_hour", 60.0 * kMiB}, {"r2", 1.0}},
                             .stack = {"main.leak", "main.main"},
                             .snapshot_ids = {heap_ids_.front(), heap_ids_.back()}};
    firing.started_nanos = start_ + 3 * kMinute;
    firing.updated_nanos = start_ + 4 * kMinute;
    firing_id_ = store.save_alert(firing);
    Alert resolved;
    resolved.finding.key = "api/goroutine_growth/main.pollUpstream";
    resolved.finding.target = "api";
    resolved.finding.kind = AlertKind::goroutine_growth;
    resolved.finding.site = "main.pollUpstream";
    resolved.finding.summary = "goroutines in main.pollUpstream grow";
    resolved.state = AlertState::resolved;
    resolved.started_nanos = start_;
    resolved.updated_nanos = start_ + kMinute;
    resolved.resolved_nanos = start_ + 2 * kMinute;
    store.save_alert(resolved);
  }

  std::unique_ptr<HttpServer> start_server(const std::string& token = "") {
    HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.token = token;
    o.store_path = db_;
    return std::make_unique<HttpServer>(o, board_);
  }

  std::string dir_, db_;
  StatusBoard board_;
  int64_t target_id_ = 0, start_ = 0, firing_id_ = 0;
  std::vector<std::string> heap_raw_, goroutine_raw_;
  std::vector<int64_t> heap_ids_, goroutine_ids_;
};

struct Reply {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string disposition;
  json j() const { return json::parse(body); }
};

Reply get(const HttpServer& server, const std::string& path, const std::string& token = "") {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(10, 0);
  client.set_read_timeout(30, 0);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  auto res = client.Get(path.c_str(), headers);
  if (!res) return {};
  return {res->status, res->body, res->get_header_value("Content-Type"),
          res->get_header_value("Content-Disposition")};
}

TEST_F(HttpServerTest, TargetsMergeTheBoardAndTheStore) {
  auto server = start_server();
  auto r = get(*server, "/api/targets");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  auto targets = r.j()["targets"];
  ASSERT_EQ(targets.size(), 2u);
  json api, odd;
  for (const auto& t : targets) (t["name"] == "api" ? api : odd) = t;
  EXPECT_EQ(api["url"], "http://127.0.0.1:6060");
  EXPECT_EQ(api["labels"]["team"], "payments");
  EXPECT_EQ(api["up"], true);
  EXPECT_EQ(api["stored"], true);
  EXPECT_EQ(api["heap_inuse_bytes"], 5 * kMiB);
  EXPECT_EQ(api["goroutines"], 41);
  EXPECT_EQ(api["scrapes"], 7);
  EXPECT_EQ(api["scrape_errors"], 1);
  EXPECT_EQ(api["firing_alerts"], 1);
  EXPECT_EQ(odd["name"], "odd\"na\\me");
  EXPECT_EQ(odd["up"], false);
  EXPECT_EQ(odd["stored"], false);
  EXPECT_EQ(odd["last_error"], "connection refused");
  EXPECT_TRUE(odd["heap_inuse_bytes"].is_null());
}

TEST_F(HttpServerTest, AlertsFiringByDefaultAllOnRequest) {
  auto server = start_server();
  auto r = get(*server, "/api/alerts");
  ASSERT_EQ(r.status, 200) << r.body;
  auto alerts = r.j()["alerts"];
  ASSERT_EQ(alerts.size(), 1u);
  const auto& a = alerts[0];
  EXPECT_EQ(a["id"], firing_id_);
  EXPECT_EQ(a["key"], "api/site_growth/main.leak");
  EXPECT_EQ(a["target"], "api");
  EXPECT_EQ(a["kind"], "site_growth");
  EXPECT_EQ(a["site"], "main.leak");
  EXPECT_EQ(a["severity"], "warning");
  EXPECT_EQ(a["state"], "firing");
  EXPECT_EQ(a["summary"], "main.leak grows 60 MiB/h");
  EXPECT_EQ(a["started_nanos"], start_ + 3 * kMinute);
  EXPECT_TRUE(a["started"].get<std::string>().ends_with("Z"));
  EXPECT_TRUE(a["resolved"].is_null());
  EXPECT_EQ(a["evidence"]["numbers"]["r2"], 1.0);
  EXPECT_EQ(a["evidence"]["stack"], json({"main.leak", "main.main"}));
  EXPECT_EQ(a["evidence"]["snapshot_ids"], json({heap_ids_.front(), heap_ids_.back()}));
  EXPECT_EQ(a["evidence"]["snapshot_links"][0],
            "/api/snapshots/" + std::to_string(heap_ids_.front()) + "/raw");

  auto all = get(*server, "/api/alerts?state=all").j()["alerts"];
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["state"], "firing");
  EXPECT_EQ(all[1]["state"], "resolved");
  EXPECT_EQ(all[1]["kind"], "goroutine_growth");
  EXPECT_EQ(all[1]["resolved_nanos"], start_ + 2 * kMinute);
  EXPECT_FALSE(all[1]["resolved"].is_null());

  auto bad = get(*server, "/api/alerts?state=some");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.j()["error"].get<std::string>().find("state"), std::string::npos);
}

TEST_F(HttpServerTest, SnapshotListsAndSeries) {
  auto server = start_server();
  auto r = get(*server, "/api/targets/api/snapshots?kind=heap");
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = r.j()["snapshots"];
  ASSERT_EQ(list.size(), 5u);
  for (size_t i = 0; i < 5; i++) {
    EXPECT_EQ(list[i]["id"], heap_ids_[i]);
    EXPECT_EQ(list[i]["kind"], "heap");
    EXPECT_EQ(list[i]["time_nanos"], start_ + static_cast<int64_t>(i) * kMinute);
    EXPECT_EQ(list[i]["raw_bytes"], heap_raw_[i].size());
    EXPECT_GT(list[i]["stored_bytes"].get<int64_t>(), 0);
    EXPECT_EQ(list[i]["total"], static_cast<int64_t>(i + 1) * kMiB + 512'000);
  }
  // since, as nanoseconds and as RFC 3339 (whole seconds, so the third snapshot is the first).
  auto since =
      get(*server, "/api/targets/api/snapshots?since=" + std::to_string(start_ + 2 * kMinute));
  EXPECT_EQ(since.j()["snapshots"].size(), 3u);
  auto later = list[2]["time"].get<std::string>();
  EXPECT_EQ(get(*server, "/api/targets/api/snapshots?since=" + later).j()["snapshots"].size(), 3u);
  auto limited = get(*server, "/api/targets/api/snapshots?limit=2").j();
  ASSERT_EQ(limited["snapshots"].size(), 2u);
  EXPECT_EQ(limited["snapshots"][1]["id"], heap_ids_.back());
  EXPECT_EQ(get(*server, "/api/targets/api/snapshots?kind=goroutine").j()["snapshots"].size(), 2u);

  auto series = get(*server, "/api/targets/api/series?kind=heap");
  ASSERT_EQ(series.status, 200) << series.body;
  auto points = series.j()["points"];
  ASSERT_EQ(points.size(), 5u);
  EXPECT_EQ(points[4]["total"], 5 * kMiB + 512'000);
  EXPECT_EQ(points[4]["snapshot_id"], heap_ids_[4]);
  EXPECT_EQ(points[0]["time_nanos"], start_);
  auto g = get(*server, "/api/targets/api/series?kind=goroutine").j()["points"];
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[1]["total"], 41);

  EXPECT_EQ(get(*server, "/api/targets/nope/snapshots").status, 404);
  EXPECT_EQ(get(*server, "/api/targets/nope/series").status, 404);
  EXPECT_EQ(get(*server, "/api/targets/api/series?kind=metrics").status, 400);
  EXPECT_EQ(get(*server, "/api/targets/api/snapshots?kind=cpu").status, 400);
  EXPECT_EQ(get(*server, "/api/targets/api/snapshots?since=yesterday").status, 400);
}

TEST_F(HttpServerTest, TrendsFindTheGrowingSite) {
  auto server = start_server();
  auto r = get(*server, "/api/targets/api/trends?kind=heap&window=1h");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.j();
  EXPECT_EQ(j["snapshots"], 5);
  auto sites = j["sites"];
  ASSERT_GE(sites.size(), 2u);
  EXPECT_EQ(sites[0]["frames"][0], "main.leak");
  EXPECT_EQ(sites[0]["growing"], true);
  EXPECT_EQ(sites[0]["first"], kMiB);
  EXPECT_EQ(sites[0]["last"], 5 * kMiB);
  EXPECT_NEAR(sites[0]["slope_per_hour"].get<double>(), 60.0 * kMiB, 1.0);
  EXPECT_NEAR(sites[0]["r2"].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(sites[0]["points"].size(), 5u);
  json steady;
  for (const auto& s : sites)
    if (s["frames"][0] == "main.steady") steady = s;
  ASSERT_FALSE(steady.is_null());
  EXPECT_EQ(steady["growing"], false);

  // A window that holds only the last two snapshots.
  auto narrow = get(*server, "/api/targets/api/trends?kind=heap&window=90s").j();
  EXPECT_LE(narrow["snapshots"].get<int>(), 2);
  EXPECT_EQ(get(*server, "/api/targets/api/trends?window=soon").status, 400);
  EXPECT_EQ(get(*server, "/api/targets/nope/trends").status, 404);
}

TEST_F(HttpServerTest, SnapshotDetailAndRawBytes) {
  auto server = start_server();
  auto id = std::to_string(heap_ids_[2]);
  auto r = get(*server, "/api/snapshots/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.j();
  EXPECT_EQ(j["target"], "api");
  EXPECT_EQ(j["kind"], "heap");
  EXPECT_EQ(j["raw_url"], "/api/snapshots/" + id + "/raw");
  EXPECT_TRUE(j["scalars"].is_object());

  auto raw = get(*server, "/api/snapshots/" + id + "/raw");
  ASSERT_EQ(raw.status, 200);
  EXPECT_EQ(raw.body, heap_raw_[2]);
  EXPECT_EQ(raw.content_type, "application/octet-stream");
  EXPECT_EQ(raw.disposition, "attachment; filename=\"api-heap-" + id + ".pb.gz\"");
  auto graw = get(*server, "/api/snapshots/" + std::to_string(goroutine_ids_[1]) + "/raw");
  EXPECT_EQ(graw.body, goroutine_raw_[1]);
  EXPECT_NE(graw.disposition.find(".txt\""), std::string::npos);

  EXPECT_EQ(get(*server, "/api/snapshots/999999").status, 404);
  EXPECT_EQ(get(*server, "/api/snapshots/999999/raw").status, 404);
  EXPECT_EQ(get(*server, "/api/snapshots/abc").status, 400);
}

TEST_F(HttpServerTest, GoroutineGroupsOfASnapshot) {
  auto server = start_server();
  auto r = get(*server, "/api/snapshots/" + std::to_string(goroutine_ids_[1]) + "/goroutines");
  ASSERT_EQ(r.status, 200) << r.body;
  auto g = r.j()["goroutines"];
  EXPECT_EQ(g["total"], 41);
  ASSERT_FALSE(g["groups"].empty());
  EXPECT_EQ(g["groups"][0]["count"], 40);
  EXPECT_EQ(g["groups"][0]["stack"][0]["function"], "main.pollUpstream");
  // The same analysis and renderer as `leakseek goroutines --json` on the stored body.
  const auto file = test::write_temp(goroutine_raw_[1], ".txt");
  const auto cli = test::run_leakseek({"goroutines", file, "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(g, nlohmann::json::parse(cli.out));
  EXPECT_EQ(get(*server, "/api/snapshots/" + std::to_string(heap_ids_[0]) + "/goroutines").status,
            400);
  EXPECT_EQ(get(*server, "/api/snapshots/999999/goroutines").status, 404);
}

TEST_F(HttpServerTest, HeapDiffEqualsTheProfileDiff) {
  auto server = start_server();
  auto r = get(*server, "/api/diff?base=" + std::to_string(heap_ids_[0]) +
                            "&new=" + std::to_string(heap_ids_[4]));
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.j();
  EXPECT_EQ(j["kind"], "heap");
  EXPECT_EQ(j["base"]["id"], heap_ids_[0]);
  EXPECT_EQ(j["new"]["id"], heap_ids_[4]);

  auto base = format::read_pprof(bytes_of(heap_raw_[0]), "base");
  auto current = format::read_pprof(bytes_of(heap_raw_[4]), "new");
  profiles::DiffOptions o;
  o.sample_index = *current.sample_type_index("inuse_space");
  auto expected = profiles::diff(base, current, o);
  const auto& d = j["diff"];
  EXPECT_EQ(d["sample_type"], "inuse_space");
  EXPECT_EQ(d["base_total"], expected.base_total);
  EXPECT_EQ(d["new_total"], expected.current_total);
  EXPECT_EQ(d["total"], expected.functions.total);
  ASSERT_EQ(d["stacks"].size(), expected.stacks.size());
  ASSERT_FALSE(expected.stacks.empty());
  EXPECT_EQ(d["stacks"][0]["frames"], json(expected.stacks[0].frames));
  EXPECT_EQ(d["stacks"][0]["delta"], expected.stacks[0].delta);
  EXPECT_EQ(d["stacks"][0]["delta"], 4 * kMiB);
  ASSERT_EQ(d["functions"].size(), expected.functions.rows.size());
  EXPECT_EQ(d["functions"][0]["function"], expected.functions.rows[0].function);
  EXPECT_EQ(d["functions"][0]["flat"], expected.functions.rows[0].flat);
}

TEST_F(HttpServerTest, GoroutineDiffAndBadPairs) {
  auto server = start_server();
  auto r = get(*server, "/api/diff?base=" + std::to_string(goroutine_ids_[0]) +
                            "&new=" + std::to_string(goroutine_ids_[1]));
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = r.j()["diff"];
  EXPECT_EQ(d["base_total"], 11);
  EXPECT_EQ(d["total"], 41);
  ASSERT_FALSE(d["changes"].empty());
  EXPECT_EQ(d["changes"][0]["top_function"], "main.pollUpstream");
  EXPECT_EQ(d["changes"][0]["delta"], 30);

  // Different kinds, missing and unknown ids.
  auto mixed = get(*server, "/api/diff?base=" + std::to_string(heap_ids_[0]) +
                                "&new=" + std::to_string(goroutine_ids_[1]));
  EXPECT_EQ(mixed.status, 400);
  EXPECT_TRUE(mixed.j().contains("error"));
  EXPECT_EQ(get(*server, "/api/diff?base=" + std::to_string(heap_ids_[0])).status, 400);
  EXPECT_EQ(get(*server, "/api/diff?base=1&new=999999").status, 404);
}

TEST_F(HttpServerTest, DiffAcrossTargetsIsRefused) {
  int64_t other_id;
  {
    Store store(db_);
    int64_t other = store.upsert_target("other", "http://127.0.0.1:7070", {});
    auto raw = heap_profile(kMiB, start_);
    other_id = store.add_snapshot(other, SnapshotKind::heap, start_, bytes_of(raw),
                                  heap_snapshot_series(format::read_pprof(bytes_of(raw), "h")));
  }
  auto server = start_server();
  auto r = get(*server, "/api/diff?base=" + std::to_string(heap_ids_[0]) +
                            "&new=" + std::to_string(other_id));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.j()["error"].get<std::string>().find("different targets"), std::string::npos);
}

TEST_F(HttpServerTest, UnreadableStoredBodyIsAServerError) {
  int64_t broken;
  {
    Store store(db_);
    std::string junk = "not a profile";
    broken = store.add_snapshot(target_id_, SnapshotKind::heap, start_ + 10 * kMinute,
                                bytes_of(junk), SnapshotSeries{});
  }
  auto server = start_server();
  auto r = get(*server,
               "/api/diff?base=" + std::to_string(heap_ids_[0]) + "&new=" + std::to_string(broken));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.j()["error"].get<std::string>().find("snapshot " + std::to_string(broken)),
            std::string::npos)
      << r.body;
}

TEST_F(HttpServerTest, PrunedRawBodiesAreGone) {
  {
    Store store(db_);
    RetentionPolicy policy;
    policy.raw_max_age_nanos = 1;
    policy.downsample_after_nanos = 0;
    store.apply_retention(now_nanos() + kMinute, policy);
  }
  auto server = start_server();
  auto id = std::to_string(goroutine_ids_[1]);
  auto info = get(*server, "/api/snapshots/" + id).j();
  EXPECT_EQ(info["raw_available"], false);
  EXPECT_TRUE(info["raw_url"].is_null());
  EXPECT_EQ(get(*server, "/api/snapshots/" + id + "/raw").status, 410);
  EXPECT_EQ(get(*server, "/api/snapshots/" + id + "/goroutines").status, 410);
  EXPECT_EQ(
      get(*server, "/api/diff?base=" + std::to_string(goroutine_ids_[0]) + "&new=" + id).status,
      410);
  // Series outlive raw bodies: the charts still draw.
  EXPECT_EQ(get(*server, "/api/targets/api/series").j()["points"].size(), 5u);
}

TEST_F(HttpServerTest, MetricsParseAsPrometheusText) {
  auto server = start_server();
  auto r = get(*server, "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  auto m = format::read_prometheus_text(r.body, "/metrics");
  auto value = [&](const std::string& name, const std::string& target) -> std::optional<double> {
    for (const auto& s : m.samples)
      if (s.name == name && (target.empty() ? s.labels.empty() : s.labels.at("target") == target))
        return s.value;
    return std::nullopt;
  };
  EXPECT_EQ(value("leakseek_scrape_duration_seconds", "api"), 0.25);
  EXPECT_EQ(value("leakseek_scrapes_total", "api"), 7);
  EXPECT_EQ(value("leakseek_scrape_errors_total", "api"), 1);
  EXPECT_EQ(value("leakseek_target_up", "api"), 1);
  EXPECT_EQ(value("leakseek_target_heap_inuse_bytes", "api"), 5.0 * kMiB);
  EXPECT_EQ(value("leakseek_target_goroutines", "api"), 41);
  EXPECT_EQ(value("leakseek_target_finalizer_queue", "api"), 12);
  EXPECT_EQ(value("leakseek_alerts_firing", "api"), 1);
  EXPECT_EQ(value("leakseek_store_bytes", ""), 123456);
  // The escaped label comes back as the name; what it does not know is left out.
  const std::string odd = "odd\"na\\me";
  EXPECT_EQ(value("leakseek_target_up", odd), 0);
  EXPECT_EQ(value("leakseek_scrape_errors_total", odd), 3);
  EXPECT_EQ(value("leakseek_target_heap_inuse_bytes", odd), std::nullopt);
  EXPECT_EQ(value("leakseek_target_finalizer_queue", odd), std::nullopt);
  EXPECT_EQ(m.families.at("leakseek_scrapes_total").type, "counter");
  EXPECT_EQ(m.families.at("leakseek_target_up").type, "gauge");
  EXPECT_FALSE(m.families.at("leakseek_store_bytes").help.empty());
  // Every sample line belongs to a family announced by HELP and TYPE before it.
  for (const auto& s : m.samples) EXPECT_TRUE(m.families.count(s.name)) << s.name;
}

TEST_F(HttpServerTest, UiServedWithoutData) {
  auto server = start_server("s3cret");
  auto index = get(*server, "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("app.js"), std::string::npos);
  auto js = get(*server, "/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  auto missing = get(*server, "/api/nothing-here", "s3cret");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(missing.j().contains("error"));
}

TEST_F(HttpServerTest, TokenGuardsApiAndMetrics) {
  auto server = start_server("s3cret");
  for (const std::string& path :
       std::vector<std::string>{"/api/targets", "/api/alerts", "/metrics",
                                "/api/snapshots/" + std::to_string(heap_ids_[0]) + "/raw"}) {
    SCOPED_TRACE(path);
    auto none = get(*server, path);
    EXPECT_EQ(none.status, 401);
    EXPECT_TRUE(none.j().contains("error"));
    EXPECT_EQ(get(*server, path, "s3cret-not").status, 401);
    EXPECT_EQ(get(*server, path, "s3cre").status, 401);
    EXPECT_EQ(get(*server, path, "s3cret").status, 200);
  }
}

TEST(HttpServerOptions, NonLoopbackNeedsAToken) {
  StatusBoard board;
  HttpServerOptions o;
  o.host = "0.0.0.0";
  o.port = 0;
  o.store_path = "/nonexistent/leakseek.db";
  try {
    HttpServer server(o, board);
    FAIL() << "listening on 0.0.0.0 without a token was allowed";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("token"), std::string::npos) << e.what();
  }
  o.host = "192.168.1.10";
  EXPECT_THROW(HttpServer(o, board), std::invalid_argument);
}

TEST(HttpServerOptions, BusyPortIsAnError) {
  StatusBoard board;
  HttpServerOptions o;
  o.port = 0;
  HttpServer first(o, board);
  o.port = first.port();
  EXPECT_THROW(HttpServer(o, board), std::runtime_error);
  EXPECT_EQ(first.base_url(), "http://127.0.0.1:" + std::to_string(first.port()));
}

TEST(HttpAuth, LoopbackHosts) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"})
    EXPECT_TRUE(is_loopback_host(h)) << h;
  for (const char* h :
       {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "example.com", "", "127.0.0.1.nip.io"})
    EXPECT_FALSE(is_loopback_host(h)) << h;
}

TEST(HttpAuth, BearerTokens) {
  EXPECT_TRUE(bearer_token_matches("Bearer abc", "abc"));
  EXPECT_TRUE(bearer_token_matches("bearer abc", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer abd", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer ab", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer abcd", "abc"));
  EXPECT_FALSE(bearer_token_matches("Basic abc", "abc"));
  EXPECT_FALSE(bearer_token_matches("", "abc"));
  EXPECT_FALSE(bearer_token_matches("Bearer ", ""));
}

TEST(ApiParams, TimesDurationsAndKinds) {
  EXPECT_EQ(parse_time_param("since", "1700000000000000000"), 1700000000000000000);
  EXPECT_EQ(parse_time_param("since", "2023-11-14T22:13:20Z"), 1700000000000000000);
  EXPECT_EQ(parse_time_param("since", "2023-11-14T22:13:20.5Z"), 1700000000500000000);
  EXPECT_EQ(parse_time_param("since", "2023-11-15T00:13:20+02:00"), 1700000000000000000);
  EXPECT_EQ(parse_time_param("since", "2023-11-14T22:13:20.123456789Z"), 1700000000123456789);
  for (const char* bad : {"", "yesterday", "2023-11-14", "2023-11-14T22:13:20",
                          "2023-13-14T22:13:20Z", "2023-11-14T22:13:20Zjunk", "12abc"})
    EXPECT_THROW(parse_time_param("since", bad), ApiError) << bad;

  EXPECT_EQ(parse_duration_param("window", "30m"), 30 * kMinute);
  EXPECT_EQ(parse_duration_param("window", "1h30m"), 90 * kMinute);
  EXPECT_EQ(parse_duration_param("window", "500ms"), 500'000'000);
  EXPECT_EQ(parse_duration_param("window", "2d"), 2 * 24 * 60 * kMinute);
  for (const char* bad : {"", "30", "m", "0s", "-5m", "5y", "1h-", "9999999999999999999h", "400d"})
    EXPECT_THROW(parse_duration_param("window", bad), ApiError) << bad;

  EXPECT_EQ(parse_positive_param("id", "42"), 42);
  EXPECT_THROW(parse_positive_param("id", "0"), ApiError);
  EXPECT_THROW(parse_positive_param("id", "4x"), ApiError);
  EXPECT_EQ(parse_kind_param("kind", "goroutine", {SnapshotKind::heap, SnapshotKind::goroutine}),
            SnapshotKind::goroutine);
  try {
    parse_kind_param("kind", "metrics", {SnapshotKind::heap, SnapshotKind::goroutine});
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_STREQ(e.what(), "parameter kind=metrics: expected heap or goroutine");
  }
}

}  // namespace
}  // namespace leakseek::watch

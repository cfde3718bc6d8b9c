#include "watch/scraper.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/local_http_server.h"

namespace leakseek::watch {
namespace {

using namespace std::chrono_literals;
using test::LocalHttpServer;

// Polls until nothing is pending or the deadline passes.
std::vector<ScrapeResult> drain(Scraper& scraper, std::chrono::seconds deadline = 30s) {
  std::vector<ScrapeResult> all;
  auto end = std::chrono::steady_clock::now() + deadline;
  while (scraper.pending() > 0 && std::chrono::steady_clock::now() < end)
    for (auto& r : scraper.poll(100ms)) all.push_back(std::move(r));
  return all;
}

ScrapeResult fetch_one(Scraper& scraper, const std::string& url) {
  scraper.submit({7, url});
  auto results = drain(scraper);
  EXPECT_EQ(scraper.pending(), 0u);
  if (results.size() != 1) {
    ADD_FAILURE() << "expected one result, got " << results.size();
    return {};
  }
  return results[0];
}

std::string gzip(const std::string& data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

ScrapeOptions fast_options() {
  ScrapeOptions o;
  o.timeout = 5s;
  o.connect_timeout = 2s;
  o.backoff = 10ms;
  return o;
}

TEST(Scraper, KeepsGzipBodiesByteForByteWithOrWithoutContentEncoding) {
  std::string profile = gzip(std::string(5000, 'x') + "pprof-ish payload\0\x01\x02" + "end");
  ASSERT_EQ(static_cast<uint8_t>(profile[0]), 0x1f);
  LocalHttpServer server;
  server.handle("GET", "/debug/pprof/heap", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(profile, "application/octet-stream");
  });
  server.handle("GET", "/encoded", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(profile, "application/octet-stream");
  });
  server.start();
  Scraper scraper(fast_options());

  for (const char* path : {"/debug/pprof/heap", "/encoded"}) {
    ScrapeResult r = fetch_one(scraper, server.url(path));
    ASSERT_TRUE(r.ok) << path << ": " << r.error;
    EXPECT_EQ(r.tag, 7u);
    EXPECT_EQ(r.url, server.url(path));
    EXPECT_EQ(r.http_status, 200);
    EXPECT_EQ(r.attempts, 1);
    EXPECT_EQ(std::string(r.body.begin(), r.body.end()), profile) << path;
  }
  // Not asking for compression keeps the target from re-encoding what it serves.
  for (const auto& req : server.requests()) EXPECT_EQ(req.header("Accept-Encoding"), "");
}

TEST(Scraper, ClientErrorIsNotRetried) {
  LocalHttpServer server;
  server.start();  // every path is 404
  Scraper scraper(fast_options());
  ScrapeResult r = fetch_one(scraper, server.url("/missing"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.http_status, 404);
  EXPECT_EQ(r.error, "HTTP 404");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(server.requests("/missing").size(), 1u);
}

TEST(Scraper, RedirectIsNotFollowed) {
  LocalHttpServer server;
  server.handle("GET", "/moved", [&](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("http://example.invalid/elsewhere");
  });
  server.start();
  Scraper scraper(fast_options());
  ScrapeResult r = fetch_one(scraper, server.url("/moved"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.http_status, 302);
  EXPECT_EQ(r.error, "HTTP 302");
  EXPECT_EQ(r.attempts, 1);
}

TEST(Scraper, ServerErrorIsRetriedUntilItPasses) {
  std::atomic<int> calls{0};
  LocalHttpServer server;
  server.handle("GET", "/flaky", [&](const httplib::Request&, httplib::Response& res) {
    if (calls++ == 0) {
      res.status = 500;
      return;
    }
    res.set_content("fine", "text/plain");
  });
  server.start();
  Scraper scraper(fast_options());
  ScrapeResult r = fetch_one(scraper, server.url("/flaky"));
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(std::string(r.body.begin(), r.body.end()), "fine");
}

TEST(Scraper, TooManyRequestsIsRetriedAndGivesUpAfterTheRetries) {
  LocalHttpServer server;
  server.handle("GET", "/busy",
                [&](const httplib::Request&, httplib::Response& res) { res.status = 429; });
  server.start();
  ScrapeOptions o = fast_options();
  o.retries = 2;
  Scraper scraper(o);
  ScrapeResult r = fetch_one(scraper, server.url("/busy"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "HTTP 429");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(server.requests("/busy").size(), 3u);
}

TEST(Scraper, SlowTargetTimesOutWithoutDelayingAFastOne) {
  LocalHttpServer server;
  server.handle("GET", "/slow", [&](const httplib::Request&, httplib::Response& res) {
    server.wait_unless_stopped(20s);
    res.set_content("late", "text/plain");
  });
  server.handle("GET", "/fast", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("quick", "text/plain");
  });
  server.start();
  ScrapeOptions o = fast_options();
  o.timeout = 2s;
  o.retries = 0;
  Scraper scraper(o);
  scraper.submit({1, server.url("/slow")});
  scraper.submit({2, server.url("/fast")});

  std::vector<ScrapeResult> arrived;
  size_t pending_when_fast_arrived = 0;
  auto end = std::chrono::steady_clock::now() + 30s;
  while (scraper.pending() > 0 && std::chrono::steady_clock::now() < end) {
    for (auto& r : scraper.poll(100ms)) {
      if (r.tag == 2) pending_when_fast_arrived = scraper.pending();
      arrived.push_back(std::move(r));
    }
  }
  ASSERT_EQ(arrived.size(), 2u);
  EXPECT_EQ(arrived[0].tag, 2u);
  EXPECT_TRUE(arrived[0].ok) << arrived[0].error;
  // The slow one was still running when the fast one was handed back.
  EXPECT_EQ(pending_when_fast_arrived, 1u);
  EXPECT_LT(arrived[0].seconds, arrived[1].seconds);

  const ScrapeResult& slow = arrived[1];
  EXPECT_EQ(slow.tag, 1u);
  EXPECT_FALSE(slow.ok);
  EXPECT_EQ(slow.error.rfind("timed out after 2.", 0), 0u) << slow.error;
  EXPECT_TRUE(slow.timed_out);
  EXPECT_EQ(slow.http_status, 0);
  EXPECT_GE(slow.seconds, 1.9);
}

// A target that keeps the connection busy with a byte now and then: curl's transfer timeout
// must end the whole fetch, retries included, and say it timed out.
TEST(Scraper, TricklingTargetTimesOutWithinTheTimeoutRetriesIncluded) {
  LocalHttpServer server;
  server.handle("GET", "/trickle", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/octet-stream",
                                     [&](size_t, httplib::DataSink& sink) {
                                       server.wait_unless_stopped(200ms);
                                       return sink.write("x", 1);
                                     });
  });
  server.start();
  ScrapeOptions o = fast_options();
  o.timeout = 1500ms;
  o.retries = 3;
  Scraper scraper(o);
  ScrapeResult r = fetch_one(scraper, server.url("/trickle"));
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.error.rfind("timed out after ", 0), 0u) << r.error;
  EXPECT_EQ(r.attempts, 1);  // the timeout is spent: no retry could pass within it
  EXPECT_GE(r.seconds, 1.4);
  EXPECT_LT(r.seconds, 3.0);
  EXPECT_EQ(scraper.in_flight_bytes(), 0u);
}

// A refused connection is retried, but never past the fetch's timeout.
TEST(Scraper, RetriesStopAtTheFetchTimeout) {
  ScrapeOptions o = fast_options();
  o.timeout = 600ms;
  o.backoff = 400ms;
  o.retries = 5;
  Scraper scraper(o);
  ScrapeResult r =
      fetch_one(scraper, "http://127.0.0.1:" + std::to_string(test::closed_port()) + "/x");
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.error, "connection refused");
  // 400 ms ±25%, then 800 ms: the second retry would start past 600 ms.
  EXPECT_EQ(r.attempts, 2);
  EXPECT_LT(r.seconds, 1.0);
}

// Endless bodies from several targets at once: together they never hold more than the budget,
// each is cut, and a small body beside them still arrives.
TEST(Scraper, EndlessBodiesShareOneInFlightBudget) {
  const std::string chunk(64 * 1024, 'e');
  LocalHttpServer server;
  // The four first requests answer together, so their bodies are in flight at once; one after
  // another, each would only meet its own cap (and retries pass straight through).
  std::atomic<int> arrived{0};
  server.handle("GET", "/endless", [&](const httplib::Request&, httplib::Response& res) {
    arrived++;
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (arrived < 4 && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(1ms);
    res.set_chunked_content_provider("application/octet-stream",
                                     [&](size_t, httplib::DataSink& sink) {
                                       // Paced, so that no one body races to its cap before the
                                       // others have grown.
                                       std::this_thread::sleep_for(1ms);
                                       return sink.write(chunk.data(), chunk.size());
                                     });
  });
  server.handle("GET", "/small", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(1000, 's'), "text/plain");
  });
  server.start();
  ScrapeOptions o = fast_options();
  o.max_body_bytes = 3 << 20;
  o.max_in_flight_bytes = 4 << 20;
  o.retries = 1;
  o.backoff = 50ms;
  Scraper scraper(o);
  for (uint64_t i = 0; i < 4; i++) scraper.submit({i, server.url("/endless")});
  scraper.submit({9, server.url("/small")});
  std::vector<ScrapeResult> all;
  uint64_t peak = 0;
  auto end = std::chrono::steady_clock::now() + 30s;
  while (scraper.pending() > 0 && std::chrono::steady_clock::now() < end) {
    for (auto& r : scraper.poll(5ms)) all.push_back(std::move(r));
    peak = std::max(peak, scraper.in_flight_bytes());
  }
  ASSERT_EQ(all.size(), 5u);
  EXPECT_LE(peak, o.max_in_flight_bytes);
  EXPECT_GT(peak, o.max_body_bytes / 2);  // the endless bodies did fill it
  EXPECT_EQ(scraper.in_flight_bytes(), 0u);
  size_t budget_errors = 0;
  for (const auto& r : all) {
    if (r.tag == 9) {
      EXPECT_TRUE(r.ok) << r.error;
      EXPECT_EQ(r.body.size(), 1000u);
      continue;
    }
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.body.empty());
    const bool over_cap = r.error == "response larger than 3145728 bytes";
    const bool over_budget = r.error.rfind("in-flight budget of 4194304 bytes exhausted", 0) == 0;
    EXPECT_TRUE(over_cap || over_budget) << r.error;
    budget_errors += over_budget;
  }
  // Four endless bodies cannot all fit in a budget of one and a third bodies.
  EXPECT_GT(budget_errors, 0u);
}

TEST(Scraper, BodyOverTheCapFailsWithoutRetry) {
  std::string big(10'000, 'b');
  LocalHttpServer server;
  server.handle("GET", "/sized", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(big, "application/octet-stream");
  });
  // Chunked: no Content-Length, so only the running count can catch it.
  server.handle("GET", "/chunked", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/octet-stream",
                                     [&](size_t offset, httplib::DataSink& sink) {
                                       if (offset < big.size())
                                         sink.write(big.data() + offset, 1000);
                                       else
                                         sink.done();
                                       return true;
                                     });
  });
  server.start();
  ScrapeOptions o = fast_options();
  o.max_body_bytes = 4096;
  Scraper scraper(o);
  for (const char* path : {"/sized", "/chunked"}) {
    ScrapeResult r = fetch_one(scraper, server.url(path));
    EXPECT_FALSE(r.ok) << path;
    EXPECT_EQ(r.error, "response larger than 4096 bytes") << path;
    EXPECT_EQ(r.attempts, 1) << path;
    EXPECT_TRUE(r.body.empty()) << path;
  }
  // Exactly at the cap is fine.
  o.max_body_bytes = big.size();
  Scraper exact(o);
  EXPECT_TRUE(fetch_one(exact, server.url("/chunked")).ok);
}

TEST(Scraper, ConnectionRefusedIsRetriedThenReported) {
  ScrapeOptions o = fast_options();
  o.retries = 1;
  Scraper scraper(o);
  ScrapeResult r =
      fetch_one(scraper, "http://127.0.0.1:" + std::to_string(test::closed_port()) + "/x");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "connection refused");
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(r.attempts, 2);
}

TEST(Scraper, RunsAtMostMaxConcurrencyTransfersAtOnce) {
  std::atomic<int> now{0}, peak{0};
  LocalHttpServer server;
  server.handle("GET", "/count", [&](const httplib::Request&, httplib::Response& res) {
    int n = ++now;
    int p = peak.load();
    while (n > p && !peak.compare_exchange_weak(p, n)) {
    }
    server.wait_unless_stopped(100ms);
    --now;
    res.set_content("ok", "text/plain");
  });
  server.start();
  ScrapeOptions o = fast_options();
  o.max_concurrency = 2;
  Scraper scraper(o);
  for (uint64_t i = 0; i < 8; i++) scraper.submit({i, server.url("/count")});
  EXPECT_EQ(scraper.pending(), 8u);
  auto results = drain(scraper);
  ASSERT_EQ(results.size(), 8u);
  for (const auto& r : results) EXPECT_TRUE(r.ok) << r.error;
  EXPECT_LE(peak.load(), 2);
  EXPECT_GE(peak.load(), 1);
  EXPECT_EQ(scraper.pending(), 0u);
}

TEST(Scraper, RetryWaitDoesNotHoldAConcurrencySlot) {
  LocalHttpServer server;
  server.handle("GET", "/down",
                [&](const httplib::Request&, httplib::Response& res) { res.status = 503; });
  server.handle("GET", "/up", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("up", "text/plain");
  });
  server.start();
  ScrapeOptions o = fast_options();
  o.max_concurrency = 1;
  o.retries = 1;
  o.backoff = 1500ms;  // at least 1.1 s with jitter: /up must not wait for it
  Scraper scraper(o);
  scraper.submit({1, server.url("/down")});
  // Drive the first attempt until the target has answered it.
  auto end = std::chrono::steady_clock::now() + 20s;
  while (server.requests("/down").empty() && std::chrono::steady_clock::now() < end)
    ASSERT_TRUE(scraper.poll(10ms).empty());
  ASSERT_EQ(server.requests("/down").size(), 1u);
  scraper.submit({2, server.url("/up")});
  auto results = drain(scraper);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].tag, 2u);
  EXPECT_TRUE(results[0].ok);
  EXPECT_EQ(results[1].tag, 1u);
  EXPECT_EQ(results[1].error, "HTTP 503");
  EXPECT_EQ(results[1].attempts, 2);
  // The retry waited its backoff, and poll woke up to start it.
  EXPECT_GE(results[1].seconds, 1.1);
}

TEST(Scraper, SendsTheBearerTokenOnlyWhenSet) {
  LocalHttpServer server;
  server.handle("GET", "/auth", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  server.start();
  ScrapeOptions o = fast_options();
  {
    Scraper plain(o);
    EXPECT_TRUE(fetch_one(plain, server.url("/auth")).ok);
  }
  o.bearer_token = "s3cret";
  Scraper with_token(o);
  EXPECT_TRUE(fetch_one(with_token, server.url("/auth")).ok);
  auto reqs = server.requests("/auth");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].header("Authorization"), "");
  EXPECT_EQ(reqs[1].header("Authorization"), "Bearer s3cret");
}

TEST(Scraper, PollWithNothingPendingReturnsAtOnce) {
  Scraper scraper(fast_options());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(scraper.poll(10s).empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(scraper.pending(), 0u);
}

TEST(Scraper, ReusesItsHandlesAcrossManyFetches) {
  LocalHttpServer server;
  server.handle("GET", R"(/t/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    res.set_content("target " + req.matches[1].str(), "text/plain");
  });
  server.start();
  ScrapeOptions o = fast_options();
  o.max_concurrency = 4;
  Scraper scraper(o);
  for (int round = 0; round < 3; round++) {
    for (uint64_t i = 0; i < 20; i++) scraper.submit({i, server.url("/t/" + std::to_string(i))});
    auto results = drain(scraper);
    ASSERT_EQ(results.size(), 20u);
    for (const auto& r : results) {
      ASSERT_TRUE(r.ok) << r.error;
      // Each body belongs to its own request: no handle kept another transfer's buffer.
      EXPECT_EQ(std::string(r.body.begin(), r.body.end()), "target " + std::to_string(r.tag));
    }
  }
}

}  // namespace
}  // namespace leakseek::watch

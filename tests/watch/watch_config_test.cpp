// The watch config: the documented example file loads, and every kind of mistake is an error
// that names the file and line.
#include <gtest/gtest.h>

#include "support/fixtures.h"
#include "util/input_error.h"
#include "watch/watch_config.h"

namespace leakseek::watch {
namespace {

std::string error_of(const std::string& yaml) {
  WatchConfig c;
  try {
    load_watch_config(test::write_temp(yaml, ".yaml"), c);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(WatchConfig, GrowthFloorsAreRead) {
  WatchConfig c;
  load_watch_config(
      test::write_temp("thresholds:\n  site_min_growth: 1MiB\n  goroutine_min_growth: 3\n",
                       ".yaml"),
      c);
  EXPECT_EQ(c.thresholds.site.min_growth, 1 << 20);
  EXPECT_EQ(c.thresholds.goroutine.min_growth, 3);
}

TEST(WatchConfig, TheExampleFileLoadsWithEveryKey) {
  WatchConfig c;
  load_watch_config(std::string(LEAKSEEK_SOURCE_DIR) + "/examples/watch.yaml", c);
  finish_watch_config(c);
  ASSERT_EQ(c.targets.size(), 2u);
  EXPECT_EQ(c.targets[0].name, "127.0.0.1:6060");
  EXPECT_EQ(c.targets[1].name, "checkout");
  EXPECT_EQ(c.targets[1].labels.at("team"), "payments");
  EXPECT_EQ(c.interval_nanos, int64_t{15'000'000'000});
  EXPECT_EQ(c.window_nanos, int64_t{30} * 60'000'000'000);
  EXPECT_EQ(c.scrape.max_body_bytes, 64ull << 20);
  EXPECT_EQ(c.scrape.backoff, std::chrono::milliseconds(500));
  EXPECT_EQ(c.thresholds.site.min_slope_per_hour, 256.0 * 1024);
  EXPECT_EQ(c.thresholds.site.min_growth, 64 * 1024);
  EXPECT_EQ(c.thresholds.goroutine.min_growth, 10);
  EXPECT_EQ(c.thresholds.finalizer_wait_minutes, 5);
  EXPECT_EQ(c.retention.raw_max_age_nanos, int64_t{7} * 86'400'000'000'000);
  EXPECT_EQ(c.resolve_after_nanos, int64_t{30'000'000'000});
  ASSERT_EQ(c.receivers.size(), 1u);
  EXPECT_EQ(c.receivers[0].kind, ReceiverKind::stdout_log);
}

// A gzip body inflates to at most max_inflate_ratio times its size, never less than the floor
// for small bodies and never more than max_inflated.
TEST(WatchConfig, InflateLimitIsTheRatioBetweenTheFloorAndTheCap) {
  BodyLimits limits;  // 256 MiB, 64x, floor 16 MiB
  EXPECT_EQ(limits.inflate_limit(0), BodyLimits::kRatioFloorBytes);
  EXPECT_EQ(limits.inflate_limit(1000), BodyLimits::kRatioFloorBytes);
  EXPECT_EQ(limits.inflate_limit(1'043'628), 64u * 1'043'628);
  EXPECT_EQ(limits.inflate_limit(4u << 20), 256u << 20);
  EXPECT_EQ(limits.inflate_limit(1u << 30), 256u << 20);
  limits.max_inflated_bytes = 8u << 20;  // below the floor: the cap still wins
  EXPECT_EQ(limits.inflate_limit(1000), 8u << 20);
}

TEST(WatchConfig, MistakesNameTheLine) {
  EXPECT_EQ(error_of("interval: 15s\nintervall: 30s\n"),
            "line 2: unknown key \"intervall\" in the file");
  EXPECT_EQ(error_of("targets:\n  - name: a\n"), "line 2: a target needs a url");
  EXPECT_EQ(error_of("window: 5 minutes\n"),
            "line 1: window: bad duration \"5 minutes\" (use 500ms, 15s, 30m, 1h, 7d)");
  EXPECT_EQ(error_of("thresholds:\n  min_r2: high\n"), "line 2: min_r2 must be a number");
  EXPECT_NE(error_of("thresholds:\n  site_min_growth: lots\n"), "");
  EXPECT_EQ(error_of("alerts:\n  receivers:\n    - type: pager\n"),
            "line 3: receiver type must be stdout, webhook, slack or alertmanager");
  EXPECT_NE(error_of("targets: [\n"), "");
}

TEST(WatchConfig, DurationsAndSizes) {
  EXPECT_EQ(parse_duration_nanos("1h30m"), int64_t{90} * 60'000'000'000);
  EXPECT_EQ(parse_duration_nanos("250ms"), 250'000'000);
  EXPECT_THROW(parse_duration_nanos("15"), std::invalid_argument);
  EXPECT_THROW(parse_duration_nanos("-1s"), std::invalid_argument);
  EXPECT_THROW(parse_duration_nanos("99999999999999d"), std::invalid_argument);
  EXPECT_EQ(parse_byte_size("64KiB"), 65536u);
  EXPECT_EQ(parse_byte_size("2MB"), 2'000'000u);
  EXPECT_THROW(parse_byte_size("12 parsecs"), std::invalid_argument);
}

TEST(WatchConfig, ExposedListenersNeedAToken) {
  WatchConfig c;
  c.targets.push_back({"", "http://127.0.0.1:6060/", {}});
  c.listen = "0.0.0.0:9464";
  EXPECT_THROW(finish_watch_config(c), std::invalid_argument);
  c.token = "s3cret";
  EXPECT_NO_THROW(finish_watch_config(c));
  EXPECT_EQ(c.targets[0].url, "http://127.0.0.1:6060");
  EXPECT_EQ(c.resolve_after_nanos, 2 * c.interval_nanos);

  WatchConfig bad;
  bad.targets.push_back({"", "ftp://x", {}});
  EXPECT_THROW(finish_watch_config(bad), std::invalid_argument);
  bad.targets = {{"a", "http://x", {}}, {"a", "http://y", {}}};
  EXPECT_THROW(finish_watch_config(bad), std::invalid_argument);
  EXPECT_EQ(split_listen_address("[::1]:80"), (std::pair<std::string, int>{"::1", 80}));
  EXPECT_THROW(split_listen_address("localhost"), std::invalid_argument);
}

// Found by fuzz/watch_config_fuzz: yaml-cpp quotes the offending character in its message, and a
// quoted YAML key may hold a newline; either one split the error over two log lines.
TEST(WatchConfig, ErrorsStayOnOneLine) {
  // yaml-cpp reads this as UTF-16 and reports a newline as the bad escape character.
  const auto bad_escape =
      error_of(std::string("-\x0e\x0e\x0e\x0e"
                           "1\n- \x15\x00\n",
                           12));
  EXPECT_NE(bad_escape, "");
  EXPECT_EQ(bad_escape.find('\n'), std::string::npos) << bad_escape;
  EXPECT_EQ(error_of("\"a\\nb\": 1\n"), "line 1: unknown key \"a\\x0ab\" in the file");

  WatchConfig c;
  c.targets.push_back({"", "ftp://x\ny", {}});
  try {
    finish_watch_config(c);
    ADD_FAILURE() << "accepted an ftp URL";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
}

// Found by fuzz/watch_config_fuzz: these loaded, and the detector then never fired (NaN) or
// fired on everything (negative), and 16EiB wrapped to a negative growth floor.
TEST(WatchConfig, ThresholdsMustBeFiniteAndNotNegative) {
  EXPECT_EQ(error_of("thresholds:\n  min_r2: .nan\n"), "line 2: min_r2 must be 0 or more");
  EXPECT_EQ(error_of("thresholds:\n  heap_growth_per_hour: -1\n"),
            "line 2: heap_growth_per_hour must be 0 or more");
  EXPECT_EQ(error_of("thresholds:\n  goroutine_growth_per_hour: .inf\n"),
            "line 2: goroutine_growth_per_hour must be 0 or more");
  EXPECT_EQ(error_of("alerts:\n  max_per_minute: -5\n"),
            "line 2: max_per_minute must be 0 or more");
  EXPECT_EQ(error_of("thresholds:\n  site_min_growth: 18446744073709551615\n"),
            "line 2: site_min_growth is too large");
}

// Found by fuzz/watch_config_fuzz: interval: 50000d50000d (and a window as long) passed, and
// resolve_after = 2 * interval overflowed.
TEST(WatchConfig, IntervalAndWindowHaveUpperBounds) {
  WatchConfig c;
  c.targets.push_back({"", "http://127.0.0.1:6060", {}});
  c.interval_nanos = parse_duration_nanos("50000d50000d");
  c.window_nanos = c.interval_nanos;
  EXPECT_THROW(finish_watch_config(c), std::invalid_argument);
  c.interval_nanos = parse_duration_nanos("1h");
  c.window_nanos = parse_duration_nanos("400d");
  EXPECT_THROW(finish_watch_config(c), std::invalid_argument);
  c.interval_nanos = parse_duration_nanos("24h");
  c.window_nanos = parse_duration_nanos("366d");
  EXPECT_NO_THROW(finish_watch_config(c));
}

// A token file that never ends a line (/dev/zero) or never ends (a FIFO) must not hang the
// daemon or eat its memory.
TEST(WatchConfig, TokenFileIsBounded) {
  EXPECT_EQ(error_of("token_file: /dev/zero\n"),
            "line 1: the token file /dev/zero is not a regular file");
  const auto long_line = test::write_temp(std::string(10000, 'x'), ".token");
  EXPECT_EQ(error_of("token_file: " + long_line + "\n"),
            "line 1: the token file " + long_line + " does not start with a line of a token");
  WatchConfig c;
  load_watch_config(
      test::write_temp("token_file: " + test::write_temp("s3cret \nrest\n", ".token") + "\n",
                       ".yaml"),
      c);
  EXPECT_EQ(c.token, "s3cret");
}

}  // namespace
}  // namespace leakseek::watch

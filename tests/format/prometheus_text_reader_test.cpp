// The Prometheus text reader on what client_golang serves (summaries, histograms, counters,
// the Go 1.26 finalizer counters), on the grammar's corners, and on bad input with exact offsets.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "format/prometheus_text_reader.h"
#include "util/input_error.h"

namespace leakseek::format {
namespace {

Metrics read(const std::string& text) {
  return read_prometheus_text(text, "svc/metrics");
}

// "offset N: what" of the InputError reading `text` throws ("" and a failure when none).
std::string error_of(const std::string& text) {
  try {
    read(text);
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "svc/metrics");
    return "offset " + (e.offset() ? std::to_string(*e.offset()) : "-") + ": " + e.what();
  }
  ADD_FAILURE() << "no InputError for:\n" << text;
  return "";
}

const char* const kClientGolang =
    "# HELP go_gc_duration_seconds A summary of the wall-time pause (stop-the-world) duration in "
    "garbage collection cycles.\n"
    "# TYPE go_gc_duration_seconds summary\n"
    "go_gc_duration_seconds{quantile=\"0\"} 2.7792e-05\n"
    "go_gc_duration_seconds{quantile=\"0.5\"} 5.3958e-05\n"
    "go_gc_duration_seconds{quantile=\"1\"} 0.000514625\n"
    "go_gc_duration_seconds_sum 0.012402458\n"
    "go_gc_duration_seconds_count 187\n"
    "# HELP go_gc_finalizers_executed_finalizers_total Total number of finalizers executed. "
    "Sourced from /gc/finalizers/executed:finalizers.\n"
    "# TYPE go_gc_finalizers_executed_finalizers_total counter\n"
    "go_gc_finalizers_executed_finalizers_total 1204\n"
    "# HELP go_gc_finalizers_queued_finalizers_total Total number of finalizers queued for "
    "execution. Sourced from /gc/finalizers/queued:finalizers.\n"
    "# TYPE go_gc_finalizers_queued_finalizers_total counter\n"
    "go_gc_finalizers_queued_finalizers_total 1931\n"
    "# HELP go_gc_heap_allocs_by_size_bytes Distribution of heap allocations by approximate size.\n"
    "# TYPE go_gc_heap_allocs_by_size_bytes histogram\n"
    "go_gc_heap_allocs_by_size_bytes_bucket{le=\"8.999999999999998\"} 12093\n"
    "go_gc_heap_allocs_by_size_bytes_bucket{le=\"24.999999999999996\"} 98312\n"
    "go_gc_heap_allocs_by_size_bytes_bucket{le=\"+Inf\"} 164611\n"
    "go_gc_heap_allocs_by_size_bytes_sum 2.9318176e+07\n"
    "go_gc_heap_allocs_by_size_bytes_count 164611\n"
    "# HELP go_goroutines Number of goroutines that currently exist.\n"
    "# TYPE go_goroutines gauge\n"
    "go_goroutines 1047\n"
    "# HELP go_info Information about the Go environment.\n"
    "# TYPE go_info gauge\n"
    "go_info{version=\"go1.26.0\"} 1\n"
    "# HELP go_memstats_heap_inuse_bytes Number of heap bytes that are in use.\n"
    "# TYPE go_memstats_heap_inuse_bytes gauge\n"
    "go_memstats_heap_inuse_bytes 4.481024e+07\n"
    "# HELP go_memstats_heap_objects Number of currently allocated objects.\n"
    "# TYPE go_memstats_heap_objects gauge\n"
    "go_memstats_heap_objects 210331\n"
    "# HELP go_gc_gomemlimit_bytes Go runtime memory limit configured by the user.\n"
    "# TYPE go_gc_gomemlimit_bytes gauge\n"
    "go_gc_gomemlimit_bytes 9.223372036854776e+18\n"
    "# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.\n"
    "# TYPE promhttp_metric_handler_requests_total counter\n"
    "promhttp_metric_handler_requests_total{code=\"200\"} 412\n"
    "promhttp_metric_handler_requests_total{code=\"500\"} 3\n"
    "promhttp_metric_handler_requests_total{code=\"503\"} 0\n";

TEST(PrometheusTextReader, ClientGolangExposition) {
  auto m = read(kClientGolang);
  ASSERT_EQ(m.samples.size(), 20u);
  EXPECT_EQ(value_of(m, "go_goroutines"), 1047);
  EXPECT_EQ(value_of(m, "go_memstats_heap_inuse_bytes"), 44810240);
  EXPECT_EQ(value_of(m, "go_memstats_heap_objects"), 210331);
  EXPECT_EQ(value_of(m, "go_gc_finalizers_queued_finalizers_total"), 1931);
  EXPECT_EQ(value_of(m, "go_gc_finalizers_executed_finalizers_total"), 1204);
  EXPECT_EQ(value_of(m, "go_gc_gomemlimit_bytes"), 9.223372036854776e+18);
  EXPECT_EQ(value_of(m, "go_memstats_stack_inuse_bytes"), std::nullopt);

  const auto& q = m.samples[1];
  EXPECT_EQ(q.name, "go_gc_duration_seconds");
  ASSERT_EQ(q.labels.size(), 1u);
  EXPECT_EQ(q.labels.at("quantile"), "0.5");
  EXPECT_DOUBLE_EQ(q.value, 5.3958e-05);
  EXPECT_FALSE(q.timestamp_ms);

  const auto& inf_bucket = m.samples[9];
  EXPECT_EQ(inf_bucket.name, "go_gc_heap_allocs_by_size_bytes_bucket");
  EXPECT_EQ(inf_bucket.labels.at("le"), "+Inf");
  EXPECT_EQ(inf_bucket.value, 164611);

  EXPECT_EQ(m.families.at("go_gc_duration_seconds").type, "summary");
  EXPECT_EQ(m.families.at("go_gc_heap_allocs_by_size_bytes").type, "histogram");
  EXPECT_EQ(m.families.at("go_gc_finalizers_queued_finalizers_total").type, "counter");
  EXPECT_EQ(m.families.at("go_goroutines").help, "Number of goroutines that currently exist.");
  EXPECT_EQ(m.families.size(), 10u);
}

TEST(PrometheusTextReader, ValueOfPrefersTheUnlabelledSampleElseSums) {
  auto m = read(kClientGolang);
  // Only labelled samples: their sum.
  EXPECT_EQ(value_of(m, "promhttp_metric_handler_requests_total"), 415);
  EXPECT_EQ(value_of(m, "go_info"), 1);
  auto mixed = read("x{a=\"1\"} 5\nx 7\nx{a=\"2\"} 11\n");
  EXPECT_EQ(value_of(mixed, "x"), 7);
}

TEST(PrometheusTextReader, GrammarCorners) {
  auto m = read(
      "# A comment that is neither HELP nor TYPE\n"
      "#\n"
      "# HELP\n"
      "# HELP weird Escapes: back\\\\slash and new\\nline, \"quotes\" stay.\n"
      "# TYPE weird untyped\n"
      "weird{path=\"C:\\\\tmp\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\",} NaN 1712345678000\n"
      "\n"
      "  spaced_out { a = \"1\" , b=\"}, =\" }\t+Inf\t-5\r\n"
      "neg_inf -Inf\n"
      "lower_inf inf\n"
      "plus_one +1\n"
      "plain:colon_name 1e-3\n"
      "empty_labels{} -0.5\n"
      "no_trailing_newline 42");
  ASSERT_EQ(m.samples.size(), 8u);
  const auto& w = m.samples[0];
  EXPECT_EQ(w.labels.at("path"), "C:\\tmp");
  EXPECT_EQ(w.labels.at("quote"), "say \"hi\"");
  EXPECT_EQ(w.labels.at("nl"), "a\nb");
  EXPECT_TRUE(std::isnan(w.value));
  EXPECT_EQ(w.timestamp_ms, 1712345678000);
  EXPECT_EQ(m.families.at("weird").help, "Escapes: back\\slash and new\nline, \"quotes\" stay.");

  const auto& s = m.samples[1];
  EXPECT_EQ(s.name, "spaced_out");
  EXPECT_EQ(s.labels.at("b"), "}, =");
  EXPECT_EQ(s.value, INFINITY);
  EXPECT_EQ(s.timestamp_ms, -5);
  EXPECT_EQ(m.samples[2].value, -INFINITY);
  EXPECT_EQ(m.samples[3].value, INFINITY);
  EXPECT_EQ(m.samples[4].value, 1);
  EXPECT_EQ(m.samples[5].name, "plain:colon_name");
  EXPECT_DOUBLE_EQ(m.samples[5].value, 1e-3);
  EXPECT_TRUE(m.samples[6].labels.empty());
  EXPECT_EQ(m.samples[7].value, 42);
  EXPECT_TRUE(read("").samples.empty());
  EXPECT_TRUE(read("\n\n# only comments\n").samples.empty());
}

TEST(PrometheusTextReader, BadInputNamesTheLineOffset) {
  const std::string ok = "ok 1\n";  // 5 bytes: the bad line starts at offset 5
  EXPECT_EQ(error_of(ok + "x abc\n"), "offset 5: metrics text: bad sample value \"abc\"");
  EXPECT_EQ(error_of(ok + "x 1.5.2\n"), "offset 5: metrics text: bad sample value \"1.5.2\"");
  EXPECT_EQ(error_of(ok + "x +-1\n"), "offset 5: metrics text: bad sample value \"+-1\"");
  EXPECT_EQ(error_of(ok + "x 1e999\n"),
            "offset 5: metrics text: sample value \"1e999\" is out of range");
  EXPECT_EQ(error_of(ok + "x\n"), "offset 5: metrics text: missing value for x");
  EXPECT_EQ(error_of(ok + "x{a=\"open} 1\n"),
            "offset 5: metrics text: unterminated value of label a");
  EXPECT_EQ(error_of(ok + "x{a=\"1\" 1\n"),
            "offset 5: metrics text: expected ',' or '}' after label a");
  EXPECT_EQ(error_of(ok + "x{a=\"1\",\n"), "offset 5: metrics text: unterminated label set");
  EXPECT_EQ(error_of(ok + "x{a=1} 1\n"),
            "offset 5: metrics text: expected '\"' to open the value of label a");
  EXPECT_EQ(error_of(ok + "x{a=\"\\t\"} 1\n"),
            "offset 5: metrics text: invalid escape sequence \"\\t\" in label a");
  EXPECT_EQ(error_of(ok + "x{a=\"1\",a=\"2\"} 1\n"), "offset 5: metrics text: duplicate label a");
  EXPECT_EQ(error_of(ok + "x{1a=\"1\"} 1\n"), "offset 5: metrics text: expected a label name");
  EXPECT_EQ(error_of(ok + "x 1 12.5\n"), "offset 5: metrics text: bad timestamp \"12.5\"");
  EXPECT_EQ(error_of(ok + "x 1 2 3\n"),
            "offset 5: metrics text: unexpected text after the timestamp");
  EXPECT_EQ(error_of(ok + "9x 1\n"),
            "offset 5: metrics text: expected a metric name at the start of a sample");
  EXPECT_EQ(error_of(ok + "# TYPE x histogramm\n"),
            "offset 5: metrics text: unknown metric type \"histogramm\"");
  EXPECT_EQ(error_of(ok + "# TYPE x counter\n# TYPE x gauge\n"),
            "offset 22: metrics text: second TYPE line for x");
  EXPECT_EQ(error_of(ok + "# HELP x a\n# HELP x b\n"),
            "offset 16: metrics text: second HELP line for x");
  EXPECT_EQ(error_of(ok + "# HELP x bad \\q escape\n"),
            "offset 5: metrics text: invalid escape sequence \"\\q\" in HELP text");
  EXPECT_EQ(error_of(ok + "# TYPE x.y counter\n"),
            "offset 5: metrics text: unexpected character '.' in metric name");
}

TEST(PrometheusTextReader, CapsLineLengthAndLabelCount) {
  const std::string ok = "ok 1\n";
  std::string long_line = "x{a=\"" + std::string(kMaxPrometheusLineBytes, 'v') + "\"} 1\n";
  EXPECT_EQ(error_of(ok + long_line), "offset 5: metrics text: line of " +
                                          std::to_string(long_line.size() - 1) +
                                          " bytes is longer than the limit of 65536");
  // A line exactly at the cap is fine.
  std::string at_cap = "x{a=\"" + std::string(kMaxPrometheusLineBytes - 9, 'v') + "\"} 1";
  ASSERT_EQ(at_cap.size(), kMaxPrometheusLineBytes);
  EXPECT_EQ(read(at_cap).samples.at(0).labels.at("a").size(), kMaxPrometheusLineBytes - 9);

  auto labels = [](size_t n) {
    std::string s = "x{";
    for (size_t i = 0; i < n; i++) s += "l" + std::to_string(i) + "=\"v\",";
    return s + "} 1\n";
  };
  EXPECT_EQ(read(labels(kMaxPrometheusLabelsPerSample)).samples.at(0).labels.size(), 256u);
  EXPECT_EQ(error_of(ok + labels(kMaxPrometheusLabelsPerSample + 1)),
            "offset 5: metrics text: more than 256 labels");
}

}  // namespace
}  // namespace leakseek::format

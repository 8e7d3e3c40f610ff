#include <algorithm>
#include <catch2/catch.hpp>

#include "clients/counted_http_client.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/metrics.h"

using namespace refundsync;

TEST_CASE("JsonWriter writes nested values with escapes", "[json]") {
  JsonWriter json;
  json.BeginObject().Key("a").String("x\"y\n").Key("b").BeginArray().Int(1).Bool(true).Null().EndArray();
  json.Key("c").BeginObject().EndObject().EndObject();
  CHECK(json.str() == R"({"a":"x\"y\n","b":[1,true,null],"c":{}})");
}

TEST_CASE("Log lines have stable key=value fields and quote blanks", "[log]") {
  const std::string line = log::FormatLine(LogFormat::kText, "info", "webhook_accepted",
                                           {{"account", "shop-main"}, {"reason", "two words"}}, 0);
  CHECK(line ==
        R"(ts=1970-01-01T00:00:00.000Z level=info event=webhook_accepted account=shop-main reason="two words")");
  const std::string json = log::FormatLine(LogFormat::kJson, "warn", "x", {{"k", "v"}}, 0);
  CHECK(json == R"({"ts":"1970-01-01T00:00:00.000Z","level":"warn","event":"x","k":"v"})");
}

TEST_CASE("Metrics render in Prometheus text format", "[metrics]") {
  MetricsRegistry registry;
  registry.CounterFor("requests_total", "Requests", {{"source", "shopify"}}).Add(3);
  registry.CounterFor("requests_total", "Requests", {{"source", "shopify"}}).Add();
  registry.HistogramFor("latency_seconds", "Latency", {{"route", "webhook"}}).Observe(0.003);
  registry.GaugeCallback("queue_depth", "Depth", [] { return 7; });
  const std::string text = registry.RenderPrometheus();
  CHECK(text.find("# TYPE requests_total counter\nrequests_total{source=\"shopify\"} 4\n") != std::string::npos);
  CHECK(text.find("latency_seconds_bucket{route=\"webhook\",le=\"0.005\"} 1\n") != std::string::npos);
  CHECK(text.find("latency_seconds_bucket{route=\"webhook\",le=\"0.0025\"} 0\n") != std::string::npos);
  CHECK(text.find("latency_seconds_count{route=\"webhook\"} 1\n") != std::string::npos);
  CHECK(text.find("queue_depth 7\n") != std::string::npos);
}

TEST_CASE("Log fields from senders: control characters escaped, long values cut with their length", "[log]") {
  using refundsync::LogFormat;
  using refundsync::log::FormatLine;
  const std::string hostile = "kid\x1b[31mred\x07\x7f\r\n";
  for (LogFormat format : {LogFormat::kText, LogFormat::kJson}) {
    const std::string line = FormatLine(format, "warn", "ebay_key", {{"kid", hostile}}, 0);
    INFO(line);
    CHECK(std::none_of(line.begin(), line.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }));
    CHECK(line.find("red") != std::string::npos);
  }
  CHECK(FormatLine(LogFormat::kText, "warn", "e", {{"kid", hostile}}, 0).find(R"(kid="kid\x1b[31mred\x07\x7f\r\n")") !=
        std::string::npos);
  const std::string huge(10 * 1024, 'k');
  for (LogFormat format : {LogFormat::kText, LogFormat::kJson}) {
    const std::string line = FormatLine(format, "warn", "ebay_key", {{"kid", huge}}, 0);
    CHECK(line.size() < 1024);
    CHECK(line.find("...(10240 bytes)") != std::string::npos);
  }
  // Cut on a character boundary: "é" is two bytes and must not be split.
  std::string accents;
  while (accents.size() < 600) accents += "\xc3\xa9";
  const std::string cut = FormatLine(LogFormat::kJson, "info", "e", {{"v", accents}}, 0);
  CHECK(cut.find("\xc3...(") == std::string::npos);
}

TEST_CASE("Upstream call names keep the API and drop the ids", "[metrics]") {
  using refundsync::CallName;
  CHECK(CallName("POST",
                 "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/cashSale/123/!transform/"
                 "cashRefund?x=1") == "POST /services/rest/record/v1/cashSale/{id}/!transform/cashRefund");
  CHECK(CallName("GET", "http://h/services/rest/record/v1/salesOrder/eid:shop-eu-820982911?expandSubResources=true") ==
        "GET /services/rest/record/v1/salesOrder/{id}");
  CHECK(CallName("POST", "https://shop.myshopify.com/admin/api/2026-10/graphql.json") ==
        "POST /admin/api/2026-10/graphql.json");
  CHECK(CallName("POST", "https://api.ebay.com/sell/fulfillment/v1/order/13-14786-65872/issue_refund") ==
        "POST /sell/fulfillment/v1/order/{id}/issue_refund");
  CHECK(CallName("POST", "https://api.ebay.com/identity/v1/oauth2/token") == "POST /identity/v1/oauth2/token");
  // Ids chosen by senders never become labels, whatever they look like.
  CHECK(CallName("GET", "https://api.ebay.com/commerce/notification/v1/public_key/aaaaaaaaaaaa") ==
        "GET /commerce/notification/v1/public_key/{id}");
  CHECK(CallName("GET", "https://api.ebay.com/sell/fulfillment/v1/order/ABCDEFG") ==
        "GET /sell/fulfillment/v1/order/{id}");
  CHECK(CallName("GET", "https://api.ebay.com/sell/fulfillment/v1/order?filter=x") == "GET /sell/fulfillment/v1/order");
  CHECK(CallName("PATCH", "http://h/services/rest/record/v1/creditMemo/abc") ==
        "PATCH /services/rest/record/v1/creditMemo/{id}");
  CHECK(CallName("POST", "http://h/services/rest/query/v1/suiteql?limit=5") == "POST /services/rest/query/v1/suiteql");
}

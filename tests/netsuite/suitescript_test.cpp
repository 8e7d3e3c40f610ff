// The SuiteScript NetSuite runs (deploy/netsuite/) produces a request the real service accepts, and a tampered
// one is rejected. The script runs under Node with stand-ins for the N/* modules (suitescript_harness.js).
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/run_command.h"
#include "tests/support/server_process.h"
#include "tests/support/test_config.h"

using namespace refundsync::testing;

namespace {

std::string RunHarness(const std::string& url, const std::string& extra = "") {
  const std::string command = std::string("node ") + REFUNDSYNC_SOURCE_DIR + "/tests/netsuite/suitescript_harness.js " +
                              REFUNDSYNC_SOURCE_DIR + "/deploy/netsuite netsuite-webhook-secret-value " + url + " " +
                              extra;
  const CommandResult result = RunCommand(command);
  REQUIRE(result.exit_code == 0);
  return result.output;
}

}  // namespace

TEST_CASE("The NetSuite SuiteScript's event is accepted by the service, tampered, it is rejected",
          "[suitescript][integration]") {
  RedisServer redis;
  TempDir dir;
  TestConfigOptions options;
  options.port = FreePort();
  options.redis_url = redis.url();
  options.extra_top_level = "shutdown:\n  drain_delay: 0s\n";
  ServerProcess server(dir.Write("config.yaml", MinimalConfigYaml(dir, options)), options.port, {"--role", "ingress"});
  server.StartAndWaitReady();
  const std::string url = server.BaseUrl() + "/webhooks/netsuite";

  const std::string produced = RunHarness(url);
  simdjson::dom::parser parser;
  simdjson::dom::element request = parser.parse(produced);
  const std::string body(request["body"].get_string().value());
  const std::string authorization(request["headers"]["Authorization"].get_string().value());
  CHECK(std::string_view(request["url"].get_string().value()) == url);
  // The event carries the record's external id and memo, so refundsync recognises its own records unread.
  simdjson::dom::parser body_parser;
  simdjson::dom::element event = body_parser.parse(body);
  CHECK(std::string_view(event["memo"].get_string().value()) == "rs-1a2b refundsync shopify:refund:7001");
  CHECK(std::string_view(event["external_id"].get_string().value()).empty());

  HttpClient client;
  auto accepted =
      client.Request("POST", url, body, {{"Authorization", authorization}, {"Content-Type", "application/json"}});
  CHECK(accepted.status == 200);
  CHECK(accepted.body.find("\"status\":\"accepted\"") != std::string::npos);
  auto again = client.Request("POST", url, body, {{"Authorization", authorization}});
  CHECK(again.body.find("\"status\":\"duplicate\"") != std::string::npos);
  std::string tampered = body;
  tampered.replace(tampered.find("4711"), 4, "4712");
  CHECK(client.Request("POST", url, tampered, {{"Authorization", authorization}}).status == 401);

  // A failed send is queued and the scheduled script sends it again, freshly signed (checked in the harness).
  const std::string resent = RunHarness(url, "--fail-first-send");
  simdjson::dom::parser resent_parser;
  simdjson::dom::element second = resent_parser.parse(resent);
  auto delivered =
      client.Request("POST", url, std::string(second["body"].get_string().value()),
                     {{"Authorization", std::string(second["headers"]["Authorization"].get_string().value())}});
  CHECK(delivered.status == 200);
}

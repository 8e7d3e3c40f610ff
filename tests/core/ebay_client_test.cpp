// The eBay client's reading of issue_refund's answers: which ones say eBay made nothing (the next attempt issues
// again) and which leave the outcome unknown (the next attempt must look at the order first).
#include "clients/ebay_client.h"

#include <catch2/catch.hpp>

#include "core/netsuite_records.h"
#include "core/result.h"
#include "core/transaction.h"

using namespace refundsync;

namespace {

// eBay's token endpoint answers with a token; issue_refund with `status` and `body` (or no answer at all).
class EbayAnswers : public HttpClient {
 public:
  EbayAnswers(long status, std::string body, bool answered = true)
      : status_(status), body_(std::move(body)), answered_(answered) {}
  Result<OutboundResponse> Send(const OutboundRequest& request) override {
    OutboundResponse response;
    response.status = 200;
    if (request.url.find("/identity/v1/oauth2/token") != std::string::npos) {
      response.body = R"({"access_token":"v^1.1#i^1#token","expires_in":7200,"token_type":"User Access Token"})";
      return response;
    }
    issue_refund_calls += 1;
    if (!answered_) return MakeError("upstream_unavailable", "timed out after 30 s");
    response.status = status_;
    response.body = body_;
    return response;
  }
  int issue_refund_calls = 0;

 private:
  long status_;
  std::string body_;
  bool answered_;
};

Result<EbayIssuedRefund> IssueThrough(EbayAnswers& http) {
  EbayAccountConfig config;
  config.api_base_url = "https://api.ebay.example";
  config.refresh_token = Secret("v^1.1#refresh");
  config.client_id = Secret("client");
  config.client_secret = Secret("secret");
  FixedClock clock(1'780'000'000'000);
  EbayRestClient client(config, http, clock);
  auto issued = client.IssueRefund(EbayRefundRequest{"12-34567-89012", "NetSuite creditmemo 5001", Money{1500, "USD"}});
  CHECK(http.issue_refund_calls == 1);  // never sent twice by the client itself
  return issued;
}

}  // namespace

TEST_CASE("eBay issue_refund: a documented answer gives the refund id and status", "[ebay]") {
  EbayAnswers http(200, R"({"refundId":"5000012345","refundStatus":"PENDING"})");
  auto issued = IssueThrough(http);
  REQUIRE(issued);
  CHECK(issued->refund_id == "5000012345");
  CHECK(issued->status == "PENDING");
}

TEST_CASE("eBay issue_refund: a 2xx that is not JSON, a 5xx and no answer leave the outcome unknown", "[ebay]") {
  for (auto http : {EbayAnswers(200, "<html>OK</html>"), EbayAnswers(201, ""),
                    EbayAnswers(200, R"({"refundStatus":"PENDING"})"),  // no refundId: nothing to follow
                    EbayAnswers(500, R"({"errors":[{"errorId":34922,"message":"processing"}]})"),
                    EbayAnswers(503, "Service Unavailable"), EbayAnswers(0, "", /*answered=*/false)}) {
    auto issued = IssueThrough(http);
    REQUIRE_FALSE(issued);
    CHECK(issued.error().outcome_unknown);
    CHECK(IsOutcomeUnknown(issued.error()));
  }
}

TEST_CASE("eBay issue_refund: a 4xx or 429 says eBay made nothing, and 34922 and 429 are tried again later", "[ebay]") {
  EbayAnswers in_progress(
      409, R"({"errors":[{"errorId":34922,"message":"Refund can't be issued while previous refund is processing"}]})");
  auto later = IssueThrough(in_progress);
  REQUIRE_FALSE(later);
  CHECK_FALSE(later.error().outcome_unknown);
  CHECK(later.error().code == "upstream_unavailable");
  CHECK(later.error().vendor_error == 34922);

  EbayAnswers throttled(429, R"({"errors":[{"errorId":2001,"message":"Too many requests"}]})");
  auto again = IssueThrough(throttled);
  REQUIRE_FALSE(again);
  CHECK_FALSE(again.error().outcome_unknown);
  CHECK(IsRetryable(again.error()));

  // Refusals eBay documents as temporary: tried again, nothing was made.
  for (const char* temporary :
       {R"({"errors":[{"errorId":34929,"message":"the buyer payment has not been processed"}]})",
        R"({"errors":[{"errorId":34930,"message":"Default payment method limit exceeded"}]})"}) {
    EbayAnswers not_yet(409, temporary);
    auto deferred = IssueThrough(not_yet);
    REQUIRE_FALSE(deferred);
    CHECK_FALSE(deferred.error().outcome_unknown);
    CHECK(IsRetryable(deferred.error()));
  }

  EbayAnswers refused(400, R"({"errors":[{"errorId":34911,"message":"The refund amount exceeds the order amount"}]})");
  auto rejected = IssueThrough(refused);
  REQUIRE_FALSE(rejected);
  CHECK_FALSE(rejected.error().outcome_unknown);
  CHECK(rejected.error().code == "upstream_rejected");
  CHECK_THAT(rejected.error().message, Catch::Contains("exceeds the order amount"));
}

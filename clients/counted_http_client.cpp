#include "clients/counted_http_client.h"

#include <algorithm>
#include <cctype>

#include "core/refund_stages.h"

namespace refundsync {

std::string CallName(const std::string& method, const std::string& url) {
  std::string path = url;
  if (const auto scheme = path.find("://"); scheme != std::string::npos) {
    const auto slash = path.find('/', scheme + 3);
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  path = path.substr(0, path.find_first_of("?#"));
  std::string name = method + " ";
  std::size_t start = 1;
  name += '/';
  std::string previous, before_previous;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const std::string segment = path.substr(start, end - start);
    // What follows a collection is an id whatever it looks like: eBay key ids and order ids come from senders
    // and must not become labels (NetSuite: record/v1/<type>/<id>).
    const bool netsuite_record = before_previous == "v1" && path.find("/record/v1/") != std::string::npos;
    const bool after_collection = previous == "public_key" || previous == "order" || netsuite_record;
    // An id: digits (NetSuite, Shopify), an eid: external id, or a longer token with digits (eBay order, refund
    // and key ids). Short ones with digits are names that stay: "v1", "oauth2", an API version "2026-10".
    const bool digits = !segment.empty() &&
                        std::all_of(segment.begin(), segment.end(), [](unsigned char c) { return std::isdigit(c); });
    const bool has_digit = std::any_of(segment.begin(), segment.end(), [](unsigned char c) { return std::isdigit(c); });
    const bool id = after_collection || digits || segment.rfind("eid:", 0) == 0 || (has_digit && segment.size() >= 8);
    name += id ? "{id}" : segment;
    before_previous = previous;
    previous = segment;
    if (end < path.size()) name += '/';
    start = end + 1;
  }
  return name;
}

Result<OutboundResponse> CountedHttpClient::Send(const OutboundRequest& request) {
  auto response = [&] {
    StageTimer upstream(&RefundStageTimes::upstream);
    return inner_.Send(request);
  }();
  std::string outcome = "error";
  if (response) {
    const long status = response->status;
    outcome = status == 429 ? "429" : std::to_string(status / 100) + "xx";
    // Shopify answers a throttled GraphQL request 200 with a THROTTLED error: counted as what it is.
    if (status == 200 && response->body.find("\"THROTTLED\"") != std::string::npos) outcome = "throttled";
  }
  metrics_
      .CounterFor("refundsync_upstream_calls_total", "Calls to NetSuite, Shopify and eBay by call and outcome",
                  {{"target", target_},
                   {"call", request.call.empty() ? CallName(request.method, request.url) : request.call},
                   {"outcome", outcome}})
      .Add();
  return response;
}

}  // namespace refundsync

// An HttpClient that counts each upstream call in refundsync_upstream_calls_total{target, call, outcome} (contract
// section 5) and passes it on. `call` is the request's method and path with ids replaced ("GET
// /services/rest/record/v1/salesOrder/{id}"), so the label stays a short list whatever the ids; `outcome` is the
// status class ("2xx", "4xx", "429", "5xx") or "error" when no answer came.
#pragma once

#include <string>

#include "clients/http_client.h"
#include "core/metrics.h"

namespace refundsync {

class CountedHttpClient : public HttpClient {
 public:
  CountedHttpClient(HttpClient& inner, MetricsRegistry& metrics, std::string target)
      : inner_(inner), metrics_(metrics), target_(std::move(target)) {}

  Result<OutboundResponse> Send(const OutboundRequest& request) override;

 private:
  HttpClient& inner_;
  MetricsRegistry& metrics_;
  std::string target_;
};

// "POST https://h/services/rest/record/v1/cashSale/123/!transform/cashRefund?x=1" ->
// "POST /services/rest/record/v1/cashSale/{id}/!transform/cashRefund": ids (all digits, eid: external ids, tokens of
// 8 or more characters with a digit) become {id}; the query is left out.
std::string CallName(const std::string& method, const std::string& url);

}  // namespace refundsync

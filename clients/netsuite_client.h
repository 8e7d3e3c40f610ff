// NetSuite SuiteTalk REST, in the few operations refund sync needs: read records (by internal id or eid:),
// SuiteQL, transform a billed record into a refund, update a record. OAuth 2.0 client credentials with an ES256
// client assertion; every call goes through a concurrency gate shared by all replicas.
//
// A record names its currency and items by reference, and a reference's refName is a display name: the currency
// record's name ("USA", "Euro"), an item's full hierarchical name ("Shirts : Shirt-Blue-M"). GetRecord resolves
// them to what the rest of the service compares: the currency's ISO code (the currency record's `symbol`) and each
// item's itemId (the SKU), both cached per process.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clients/http_client.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/money.h"
#include "core/netsuite_records.h"

namespace refundsync {

using SuiteQlRow = std::map<std::string, std::string>;

// A column of a SuiteQL row, "" when the row has none.
inline std::string SuiteQlColumn(const SuiteQlRow& row, const std::string& name) {
  auto it = row.find(name);
  return it == row.end() ? std::string() : it->second;
}

class NetSuiteClient {
 public:
  virtual ~NetSuiteClient() = default;
  // nullopt when NetSuite answers 404. `id` may be "eid:<external id>".
  virtual Result<std::optional<NsRecord>> GetRecord(const std::string& type, const std::string& id) = 0;
  // The record's body fields alone (no sublists: lines stay empty), amounts in `currency_code`, which the caller
  // already knows: one request. nullopt when NetSuite answers 404.
  virtual Result<std::optional<NsRecord>> GetRecordHeader(const std::string& type, const std::string& id,
                                                          const std::string& currency_code) = 0;
  virtual Result<std::vector<SuiteQlRow>> SuiteQl(const std::string& query) = 0;
  // POST /record/v1/{from}/{id}/!transform/{to}?replace=item -> the new record's internal id (from the Location
  // header). A transform starts from a copy of every line of the source record; with replace=item the body's item
  // lines (no `line` key) are the new record's only ones, so the body must name every line it wants.
  virtual Result<std::string> Transform(const std::string& from_type, const std::string& from_id,
                                        const std::string& to_type, const std::string& body_json) = 0;
  virtual Result<void> Update(const std::string& type, const std::string& id, const std::string& body_json) = 0;
};

// Limits concurrent NetSuite requests (netsuite.max_concurrency) across every replica.
class ConcurrencyGate {
 public:
  virtual ~ConcurrencyGate() = default;
  virtual Result<void> Enter() = 0;  // waits for a slot (bounded); error when none frees up
  virtual void Leave() = 0;
};

class NoGate : public ConcurrencyGate {
 public:
  Result<void> Enter() override { return {}; }
  void Leave() override {}
};

// The JWT client assertion for NetSuite's OAuth 2.0 client credentials flow (ES256, kid = certificate id).
std::string NetSuiteClientAssertion(const NetSuiteConfig& config, const std::string& token_url, std::int64_t now_s);

class NetSuiteRestClient : public NetSuiteClient {
 public:
  NetSuiteRestClient(const NetSuiteConfig& config, HttpClient& http, ConcurrencyGate& gate, const Clock& clock);

  Result<std::optional<NsRecord>> GetRecord(const std::string& type, const std::string& id) override;
  Result<std::optional<NsRecord>> GetRecordHeader(const std::string& type, const std::string& id,
                                                  const std::string& currency_code) override;
  Result<std::vector<SuiteQlRow>> SuiteQl(const std::string& query) override;
  Result<std::string> Transform(const std::string& from_type, const std::string& from_id, const std::string& to_type,
                                const std::string& body_json) override;
  Result<void> Update(const std::string& type, const std::string& id, const std::string& body_json) override;

  // NetSuite requests made (token requests excluded), for "calls per refund".
  std::int64_t calls() const { return calls_.load(); }

 private:
  // A record's JSON body (`query`: e.g. "?expandSubResources=true"); nullopt when NetSuite answers 404.
  Result<std::optional<std::string>> GetRecordBody(const std::string& type, const std::string& id,
                                                   const std::string& query);
  // The ISO code of a currency record (GET /record/v1/currency/{id} -> symbol), cached.
  Result<std::string> CurrencyCode(const std::string& currency_id);
  // Fills each line's sku with its item's itemId (one SuiteQL query for the items not cached yet).
  Result<void> ResolveSkus(NsRecord& record);

  // `resend_safe` false: a fresh connection, so libcurl never sends the request twice (creates). `answer_lost`:
  // set when the request was sent and no answer (or a 5xx) came back.
  Result<OutboundResponse> Call(const std::string& method, const std::string& path, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& extra_headers = {},
                                bool resend_safe = true, bool* answer_lost = nullptr);
  Result<std::string> Token();

  const NetSuiteConfig& config_;
  HttpClient& http_;
  ConcurrencyGate& gate_;
  const Clock& clock_;
  std::mutex token_mutex_;
  std::string token_;
  std::int64_t token_expires_ms_ = 0;
  std::atomic<std::int64_t> calls_{0};
  std::mutex names_mutex_;
  std::map<std::string, std::string> currency_codes_;                      // currency id -> ISO code
  std::map<std::string, std::pair<std::string, std::int64_t>> item_skus_;  // item id -> (itemId, read at ms)
};

// An amount as NetSuite writes it (a JSON number's digits or a SuiteQL string, possibly with float noise such as
// "19.989999999999998" or fewer decimals), rounded half away from zero at the currency's precision on the decimal
// digits themselves, never through a double. Signed as written.
std::optional<Money> ParseNsAmount(std::string_view text, const std::string& currency);

// The internal id of the currency a record body references ("" when it names none).
std::string NsCurrencyId(const std::string& json);

// Reads a record body (with the item sublist expanded) into NsRecord, amounts in `currency_code` (the ISO code of
// the record's currency); amounts are read from the JSON numbers' own digits, never through a double. Line SKUs
// are left empty: they come from the item records.
Result<NsRecord> ParseNsRecord(const std::string& type, const std::string& json, const std::string& currency_code);

}  // namespace refundsync

// The NetSuite ledger (handlers/netsuite_ledger.h) over SuiteTalk REST: SuiteQL for the reads that span records
// (clients/netsuite_queries.h), record GETs, a transform for the create and a PATCH for an adjustment line.
#pragma once

#include "clients/netsuite_client.h"
#include "handlers/netsuite_ledger.h"

namespace refundsync {

class NetSuiteRestLedger : public NetSuiteLedger {
 public:
  explicit NetSuiteRestLedger(NetSuiteClient& client) : client_(client) {}

  Result<RefundContext> LoadRefundContext(const std::string& order_external_id) override;
  Result<std::string> CreateRefund(const BilledRecord& from, const NewRefund& refund) override;
  Result<std::optional<NsRecord>> ReadRefund(const std::string& type, const std::string& id) override;
  Result<std::optional<NsRecord>> ReadRefundTotal(const std::string& type, const std::string& id,
                                                  const std::string& currency) override;
  Result<void> AddLine(const std::string& type, const std::string& id, const NewRefundLine& line) override;
  Result<std::optional<RefundOrigin>> OriginOf(const std::string& billed_id) override;
  Result<std::vector<RefundRecordRef>> RefundsModifiedSince(std::int64_t since_ms) override;
  Result<std::vector<DatedRefund>> RefundsDatedBetween(const std::string& from_date, const std::string& to_date,
                                                       const ExternalIdTemplate& orders) override;

 private:
  NetSuiteClient& client_;
};

// The JSON body of a transform from a billed record into `refund_type` (cashRefund | creditMemo) with exactly
// `refund`'s lines (sent with ?replace=item).
std::string TransformBody(const std::string& refund_type, const NewRefund& refund);

}  // namespace refundsync

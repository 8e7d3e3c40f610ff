// An in-memory NetSuite behind the ledger port, for the refund rules' unit tests: sales orders by external id,
// their billed records, and the refunds created from them (by us or "by hand"). Like NetSuite it may recompute a
// created refund's total (tax), and it can fail a call, or lose the answer to a create it carried out.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "handlers/netsuite_ledger.h"

namespace refundsync::testing {

class FakeNetSuiteLedger : public NetSuiteLedger {
 public:
  // An order synced as sales order `sales_order`, not billed yet.
  void SyncOrder(const std::string& external_id, const std::string& sales_order);
  // Bills it: `type` cashSale | invoice; lines (item id, SKU, quantity, amount before tax).
  BilledRecord& Bill(const std::string& external_id, const std::string& type, const std::string& id, Money total,
                     std::vector<NsLine> lines);
  // A refund entered by hand in NetSuite from the billed record `billed_id`; its internal id.
  std::string EnterRefund(const std::string& billed_id, Money total, const std::string& memo = "",
                          std::vector<NsLine> lines = {});
  // A refund a person issued from a return authorization of the order (not from its billed record); its id.
  std::string EnterReturnRefund(const std::string& external_id, Money total);

  // The refunds created from a billed record, oldest first.
  std::vector<const NsRecord*> RefundsFrom(const std::string& billed_id) const;
  const NsRecord* Refund(const std::string& id) const;
  NsRecord& EditRefund(const std::string& id) { return refunds_.at(id); }  // as a person edits it in NetSuite
  int Count(const std::string& call) const;  // calls by name: context, create, read, read_total, add_line, origin

  // What NetSuite adds to each created refund's total (a tax it recomputes), in minor units.
  std::int64_t recomputed_tax = 0;
  // The next create fails with this error; with `create_anyway` the record is made all the same (the answer lost).
  std::optional<Error> fail_create;
  bool create_anyway = false;
  // Every call of this name fails with `fail_error` (e.g. "context", "read_total").
  std::string fail_call;
  Error fail_error{"upstream_unavailable", "NetSuite answered 503"};

  Result<RefundContext> LoadRefundContext(const std::string& order_external_id) override;
  Result<std::string> CreateRefund(const BilledRecord& from, const NewRefund& refund) override;
  Result<std::optional<NsRecord>> ReadRefund(const std::string& type, const std::string& id) override;
  Result<std::optional<NsRecord>> ReadRefundTotal(const std::string& type, const std::string& id,
                                                  const std::string& currency) override;
  Result<void> AddLine(const std::string& type, const std::string& id, const NewRefundLine& line) override;
  Result<std::optional<RefundOrigin>> OriginOf(const std::string& billed_id) override;
  Result<std::vector<RefundRecordRef>> RefundsModifiedSince(std::int64_t since_ms) override;
  // Records whose created_at (its date: the first 10 characters) is in the range (those without one always), of
  // orders whose external id matches.
  Result<std::vector<DatedRefund>> RefundsDatedBetween(const std::string& from_date, const std::string& to_date,
                                                       const ExternalIdTemplate& orders) override;

 private:
  struct Order {
    std::string sales_order;
    std::optional<BilledRecord> billed;
    std::vector<std::string> return_refunds;  // ids of refunds issued from its return authorizations
  };
  // True (and counted) when the call goes through; false when it is the one set to fail.
  bool Call(const std::string& name);

  std::map<std::string, Order> orders_;      // by external id
  std::map<std::string, NsRecord> refunds_;  // by internal id
  std::map<std::string, int> calls_;
  int next_id_ = 5000;
};

}  // namespace refundsync::testing

#include "tests/support/fake_netsuite_ledger.h"

#include <algorithm>

namespace refundsync::testing {

void FakeNetSuiteLedger::SyncOrder(const std::string& external_id, const std::string& sales_order) {
  orders_[external_id].sales_order = sales_order;
}

BilledRecord& FakeNetSuiteLedger::Bill(const std::string& external_id, const std::string& type, const std::string& id,
                                       Money total, std::vector<NsLine> lines) {
  Order& order = orders_.at(external_id);
  order.billed = BilledRecord{type, id, total.currency, total, std::move(lines)};
  return *order.billed;
}

std::string FakeNetSuiteLedger::EnterRefund(const std::string& billed_id, Money total, const std::string& memo,
                                            std::vector<NsLine> lines) {
  std::string type = "creditMemo";
  for (const auto& [external_id, order] : orders_) {
    if (order.billed && order.billed->id == billed_id) type = RefundTypeFor(order.billed->type);
  }
  NsRecord record;
  record.type = type;
  record.id = std::to_string(next_id_++);
  record.memo = memo;
  record.created_from = billed_id;
  record.currency = total.currency;
  record.total = total;
  record.created_at = "2026-12-01T10:00:00Z";
  record.lines = std::move(lines);
  refunds_[record.id] = record;
  return record.id;
}

std::string FakeNetSuiteLedger::EnterReturnRefund(const std::string& external_id, Money total) {
  Order& order = orders_.at(external_id);
  const std::string return_id = std::to_string(next_id_++);
  const std::string id = EnterRefund(return_id, total, "issued from a return");
  refunds_.at(id).type = order.billed ? RefundTypeFor(order.billed->type) : "creditMemo";
  order.return_refunds.push_back(id);
  return id;
}

std::vector<const NsRecord*> FakeNetSuiteLedger::RefundsFrom(const std::string& billed_id) const {
  std::vector<const NsRecord*> found;
  for (const auto& [id, record] : refunds_) {
    if (record.created_from == billed_id) found.push_back(&record);
  }
  return found;
}

const NsRecord* FakeNetSuiteLedger::Refund(const std::string& id) const {
  auto it = refunds_.find(id);
  return it == refunds_.end() ? nullptr : &it->second;
}

int FakeNetSuiteLedger::Count(const std::string& call) const {
  auto it = calls_.find(call);
  return it == calls_.end() ? 0 : it->second;
}

bool FakeNetSuiteLedger::Call(const std::string& name) {
  calls_[name] += 1;
  return name != fail_call;
}

Result<RefundContext> FakeNetSuiteLedger::LoadRefundContext(const std::string& order_external_id) {
  if (!Call("context")) return fail_error;
  RefundContext context;
  auto it = orders_.find(order_external_id);
  if (it == orders_.end()) return context;
  context.sales_order = it->second.sales_order;
  context.billed = it->second.billed;
  if (!context.billed) return context;
  for (const NsRecord* refund : RefundsFrom(context.billed->id)) {
    context.refunds.push_back(
        ExistingRefund{refund->type, refund->id, refund->external_id, refund->memo, refund->total});
  }
  for (const std::string& id : it->second.return_refunds) {
    const NsRecord& refund = refunds_.at(id);
    context.refunds.push_back(ExistingRefund{refund.type, refund.id, refund.external_id, refund.memo, refund.total,
                                             /*from_return=*/true});
  }
  return context;
}

Result<std::string> FakeNetSuiteLedger::CreateRefund(const BilledRecord& from, const NewRefund& refund) {
  if (!Call("create")) return fail_error;
  std::optional<Error> failure;
  std::swap(failure, fail_create);
  if (failure && !create_anyway) return *failure;
  NsRecord record;
  record.type = RefundTypeFor(from.type);
  record.id = std::to_string(next_id_++);
  record.memo = refund.memo;
  record.external_id = refund.external_id;
  record.created_from = from.id;
  record.currency = from.currency;
  record.total = Money{recomputed_tax, from.currency};
  for (const auto& line : refund.lines) {
    record.lines.push_back(NsLine{static_cast<int>(record.lines.size()) + 1, line.item_id, "", "", line.quantity,
                                  line.amount, Money{0, from.currency}});
    record.total.minor_units += line.amount.minor_units;
  }
  refunds_[record.id] = record;
  if (failure) return *failure;
  return record.id;
}

Result<std::optional<NsRecord>> FakeNetSuiteLedger::ReadRefund(const std::string& type, const std::string& id) {
  if (!Call("read")) return fail_error;
  auto it = refunds_.find(id);
  if (it == refunds_.end() || it->second.type != type) return std::optional<NsRecord>();
  return std::make_optional(it->second);
}

Result<std::optional<NsRecord>> FakeNetSuiteLedger::ReadRefundTotal(const std::string& type, const std::string& id,
                                                                    const std::string& currency) {
  if (!Call("read_total")) return fail_error;
  auto it = refunds_.find(id);
  if (it == refunds_.end() || it->second.type != type) return std::optional<NsRecord>();
  NsRecord header = it->second;
  header.lines.clear();
  if (header.currency != currency) header.amount_error = "the record is in " + header.currency + ", not " + currency;
  return std::make_optional(header);
}

Result<void> FakeNetSuiteLedger::AddLine(const std::string& type, const std::string& id, const NewRefundLine& line) {
  if (!Call("add_line")) return fail_error;
  auto it = refunds_.find(id);
  if (it == refunds_.end() || it->second.type != type) return MakeError("upstream_rejected", "no record " + id);
  NsRecord& record = it->second;
  record.lines.push_back(NsLine{static_cast<int>(record.lines.size()) + 1, line.item_id, "", "", line.quantity,
                                line.amount, Money{0, record.currency}});
  record.total.minor_units += line.amount.minor_units;
  return {};
}

Result<std::optional<RefundOrigin>> FakeNetSuiteLedger::OriginOf(const std::string& billed_id) {
  if (!Call("origin")) return fail_error;
  for (const auto& [external_id, order] : orders_) {
    if (order.billed && order.billed->id == billed_id) {
      return std::make_optional(RefundOrigin{order.sales_order, external_id});
    }
  }
  return std::optional<RefundOrigin>();
}

Result<std::vector<RefundRecordRef>> FakeNetSuiteLedger::RefundsModifiedSince(std::int64_t /*since_ms*/) {
  if (!Call("modified")) return fail_error;
  std::vector<RefundRecordRef> refs;
  for (const auto& [id, record] : refunds_) refs.push_back(RefundRecordRef{RecordName(record.type), id});
  return refs;
}

Result<std::vector<DatedRefund>> FakeNetSuiteLedger::RefundsDatedBetween(const std::string& from_date,
                                                                         const std::string& to_date,
                                                                         const ExternalIdTemplate& orders) {
  if (!Call("dated")) return fail_error;
  std::vector<DatedRefund> out;
  for (const auto& [id, record] : refunds_) {
    const std::string date = record.created_at.substr(0, 10);
    if (!date.empty() && (date < from_date || date > to_date)) continue;
    std::string order_external_id;
    for (const auto& [external_id, order] : orders_) {
      const bool from_return =
          std::find(order.return_refunds.begin(), order.return_refunds.end(), id) != order.return_refunds.end();
      if (from_return || (order.billed && order.billed->id == record.created_from)) order_external_id = external_id;
    }
    if (order_external_id.empty() || !orders.Match(order_external_id)) continue;
    out.push_back(DatedRefund{{RecordName(record.type), id},
                              record.total,
                              record.amount_error,
                              record.memo,
                              record.external_id,
                              order_external_id});
  }
  return out;
}

}  // namespace refundsync::testing

#include "cli/dry_run_plan.h"

#include <map>

#include "core/external_id.h"
#include "core/metrics.h"
#include "handlers/refund_processor.h"
#include "store/memory_sync_store.h"

namespace refundsync {
namespace {

constexpr std::int64_t kPlenty = std::int64_t{1} << 50;  // more than any refund: nothing is refused for amount

// NetSuite: the order is synced and billed as a cash sale with a line for each SKU the event names.
class PlanningLedger : public NetSuiteLedger {
 public:
  // `netsuite_account`: for a NetSuite record, the account whose order the plan assumes the record is for.
  PlanningLedger(const Config& config, const WebhookEvent& event, const AccountConfig* netsuite_account,
                 std::vector<std::string>& plan)
      : base_(config.netsuite.rest_base_url + "/services/rest"),
        netsuite_account_(netsuite_account),
        event_(event),
        plan_(plan) {}

  Result<RefundContext> LoadRefundContext(const std::string& order_external_id) override {
    plan_.push_back("POST " + base_ + "/query/v1/suiteql (the refund context of sales order eid:" + order_external_id +
                    ": the sales order, its billed record and the refunds created from it)");
    RefundContext context;
    context.sales_order = "{sales order}";
    BilledRecord billed{"cashSale", "{billed id}", Currency(), Money{kPlenty, Currency()}, {}};
    for (const auto& line : event_.lines) {
      billed.lines.push_back(NsLine{0, "{item of " + line.sku + "}", "", line.sku, kPlenty, Money{kPlenty, Currency()},
                                    Money{0, Currency()}});
    }
    context.billed = billed;
    return context;
  }
  Result<std::string> CreateRefund(const BilledRecord& from, const NewRefund& refund) override {
    created_total_ = 0;
    for (const auto& line : refund.lines) created_total_ += line.amount.minor_units;
    // Which of the two the order's billed record is, only NetSuite knows: the plan names both.
    plan_.push_back("POST " + base_ + "/record/v1/{cashSale|invoice}/" + from.id +
                    "/!transform/{cashRefund|creditMemo}?replace=item (" + std::to_string(refund.lines.size()) +
                    " line(s), " + FormatDecimal(Money{created_total_, Currency()}) + " " + Currency() + ")");
    return std::string("{new id}");
  }
  Result<std::optional<NsRecord>> ReadRefund(const std::string& type, const std::string& id) override {
    plan_.push_back("GET " + base_ + "/record/v1/" + type + "/" + id + "?expandSubResources=true");
    NsRecord record;
    record.type = type;
    record.id = id;
    record.created_from = "{billed id}";
    record.currency = Currency();
    record.total = Money{100, Currency()};  // what NetSuite holds is known only once it is read
    return std::make_optional(record);
  }
  Result<std::optional<NsRecord>> ReadRefundTotal(const std::string& type, const std::string& id,
                                                  const std::string& currency) override {
    plan_.push_back("GET " + base_ + "/record/v1/{cashRefund|creditMemo}/" + id + " (read back the total)");
    (void)type;
    NsRecord record;
    record.type = type;
    record.id = id;
    record.total = Money{created_total_, currency};
    return std::make_optional(record);
  }
  Result<void> AddLine(const std::string& type, const std::string& id, const NewRefundLine&) override {
    plan_.push_back("PATCH " + base_ + "/record/v1/{cashRefund|creditMemo}/" + id + " (an adjustment line)");
    (void)type;
    return {};
  }
  Result<std::optional<RefundOrigin>> OriginOf(const std::string& billed_id) override {
    plan_.push_back("POST " + base_ + "/query/v1/suiteql (billed record " + billed_id +
                    ": its sales order and that order's external id)");
    // The account is known once the record is read: the plan is made once per account it could be for.
    if (netsuite_account_ == nullptr) return std::optional<RefundOrigin>();
    auto id_template = ExternalIdTemplate::Parse(netsuite_account_->order_external_id, netsuite_account_->id);
    if (!id_template) return std::optional<RefundOrigin>();
    return std::make_optional(RefundOrigin{"{sales order}", id_template->Render("order")});
  }
  Result<std::vector<RefundRecordRef>> RefundsModifiedSince(std::int64_t) override {
    return std::vector<RefundRecordRef>{};
  }
  Result<std::vector<DatedRefund>> RefundsDatedBetween(const std::string&, const std::string&,
                                                       const ExternalIdTemplate&) override {
    return std::vector<DatedRefund>{};
  }

 private:
  std::string Currency() const { return event_.amount ? event_.amount->currency : "USD"; }

  std::string base_;
  const AccountConfig* netsuite_account_;
  const WebhookEvent& event_;
  std::vector<std::string>& plan_;
  std::int64_t created_total_ = 0;
};

// Shopify: the refund is as the event says, its money went back; an order can refund anything.
class PlanningShopify : public ShopifyStorefront {
 public:
  PlanningShopify(const ShopifyAccountConfig& shopify, const WebhookEvent& event, std::vector<std::string>& plan)
      : graphql_(shopify.admin_base_url + "/admin/api/" + shopify.api_version + "/graphql.json"),
        event_(event),
        plan_(plan) {}

  Result<std::vector<ShopifyRefundRef>> RefundIdsOfOrdersUpdatedSince(const std::string&) override {
    return std::vector<ShopifyRefundRef>{};
  }
  Result<std::vector<ShopifyRefundSummary>> RefundSummariesOfOrdersUpdatedSince(const std::string&,
                                                                                const OrdersReadSoFar&) override {
    return std::vector<ShopifyRefundSummary>{};
  }
  Result<std::optional<std::vector<ShopifyRefundRef>>> RefundIdsOfOrder(const std::string&) override {
    return std::optional<std::vector<ShopifyRefundRef>>();
  }
  Result<std::optional<ShopifyRefundRecord>> GetRefund(const std::string& numeric_refund_id) override {
    plan_.push_back("POST " + graphql_ + " (refund " + numeric_refund_id + ": its lines, shipping and transactions)");
    ShopifyRefundRecord record;
    record.order_id = event_.order_id;
    record.refund_id = numeric_refund_id;
    record.created_at = event_.created_at;
    record.amount = event_.amount.value_or(Money{0, "USD"});
    record.shipping = event_.shipping;
    record.lines = event_.lines;
    return std::make_optional(record);
  }
  Result<std::optional<ShopifyOrder>> GetOrder(const std::string& numeric_order_id) override {
    plan_.push_back("POST " + graphql_ + " (order " + numeric_order_id + ": lines, payments and refunds)");
    ShopifyOrder order;
    order.id = "gid://shopify/Order/" + numeric_order_id;
    order.currency = "USD";
    order.refunded = Money{0, "USD"};
    order.transactions = {{"{payment}", "SALE", "SUCCESS", "{gateway}", Money{kPlenty, "USD"}}};
    return std::make_optional(order);
  }
  Result<ShopifyOrderRefund> CreateRefund(const ShopifyRefundRequest& request, const std::string&) override {
    plan_.push_back("POST " + graphql_ + " (refundCreate @idempotent: " + FormatDecimal(request.amount) + " " +
                    request.amount.currency + " against the order's payment)");
    return ShopifyOrderRefund{"gid://shopify/Refund/{new id}", request.note, {"SUCCESS"}};
  }
  Result<std::vector<std::string>> GrantedScopes() override { return std::vector<std::string>{}; }

 private:
  std::string graphql_;
  const WebhookEvent& event_;
  std::vector<std::string>& plan_;
};

// eBay: the order has one REFUNDED order-level refund of the event's order (what a notification points at), or,
// posting from NetSuite, none yet; an issued refund is REFUNDED at once.
class PlanningEbay : public EbayStorefront {
 public:
  PlanningEbay(const EbayAccountConfig& ebay, const WebhookEvent& event, std::vector<std::string>& plan)
      : base_(ebay.api_base_url + "/sell/fulfillment/v1/order/"), event_(event), plan_(plan) {}

  Result<EbayIssuedRefund> IssueRefund(const EbayRefundRequest& request) override {
    plan_.push_back("POST " + base_ + request.order_id + "/issue_refund (" + FormatDecimal(request.amount) + " " +
                    request.amount.currency + ", order level)");
    return EbayIssuedRefund{"{new refund}", "REFUNDED"};
  }
  Result<std::optional<EbayOrder>> GetOrder(const std::string& order_id) override {
    plan_.push_back("GET " + base_ + order_id);
    EbayOrder order{order_id, "", "USD", Money{kPlenty, "USD"}, {}, {}};
    if (event_.kind == EventKind::kStorefrontOrderChanged) {
      order.refunds.push_back(EbayRefund{"{refund}", "REFUNDED", Money{100, "USD"}, event_.created_at, "", false});
    }
    return std::make_optional(order);
  }
  Result<std::vector<EbayOrder>> OrdersModifiedSince(const std::string&, const OrdersReadSoFar&) override {
    return std::vector<EbayOrder>{};
  }

 private:
  std::string base_;
  const WebhookEvent& event_;
  std::vector<std::string>& plan_;
};

// The plan of `event` through the real processor and handlers over the planning stand-ins; a NetSuite record is
// assumed to be for `netsuite_account`'s order.
std::vector<std::string> PlanOnce(const Config& planning, const WebhookEvent& event, std::int64_t now_ms,
                                  const AccountConfig* netsuite_account) {
  std::vector<std::string> plan;
  std::vector<std::unique_ptr<PlanningShopify>> shopify_clients;
  std::vector<std::unique_ptr<PlanningEbay>> ebay_clients;
  std::map<std::string, ShopifyStorefront*> shopify;
  std::map<std::string, EbayStorefront*> ebay;
  for (const auto& account : planning.accounts) {
    if (account.shopify) {
      shopify_clients.push_back(std::make_unique<PlanningShopify>(*account.shopify, event, plan));
      shopify[account.id] = shopify_clients.back().get();
    }
    if (account.ebay) {
      ebay_clients.push_back(std::make_unique<PlanningEbay>(*account.ebay, event, plan));
      ebay[account.id] = ebay_clients.back().get();
    }
  }
  PlanningLedger ledger(planning, event, netsuite_account, plan);
  FixedClock clock(now_ms);
  MetricsRegistry metrics;
  MemorySyncStore store;
  ToNetSuiteHandler to_netsuite(planning.netsuite, ledger, clock);
  FromNetSuiteHandler from_netsuite(planning, ledger, shopify, ebay);
  RefundProcessor processor(planning, to_netsuite, from_netsuite, ebay, shopify, clock, metrics);
  if (auto handled = processor.HandleEvent(event, store, "dry-run"); !handled) {
    plan.push_back("(stops: " + handled.error().code + ": " + handled.error().message + ")");
  }
  for (const auto& [id, tx] : store.transactions) {
    if (tx.status == TxStatus::kFailed && tx.error)
      plan.push_back("(fails: " + tx.error->code + ": " + tx.error->message + ")");
    if (tx.status == TxStatus::kSkipped && !tx.history.empty())
      plan.push_back("(skipped: " + tx.history.back().note + ")");
  }
  return plan;
}

}  // namespace

std::vector<std::string> PlanFor(const Config& config, const WebhookEvent& event, std::int64_t now_ms) {
  if (event.kind == EventKind::kPrivacyRedaction)
    return {"(the store only) purge the captures that mention the subjects"};
  if (event.kind == EventKind::kIgnored) return {};
  if (auto origin = RefundProcessor::EchoOriginOf(event, config.FindAccount(event.account))) {
    return {"(our own write coming back: noted in the history of " + *origin +
            " if that transaction made it; "
            "nothing is sent)"};
  }
  Config planning = config;
  for (auto& account : planning.accounts) account.sync_since_ms = 0;  // the plan of a refund after the cut-over
  if (event.kind != EventKind::kNetSuiteRecord) return PlanOnce(planning, event, now_ms, nullptr);

  // A NetSuite record's account is known only once the record is read: one plan per account that syncs from
  // NetSuite, each headed with the account when there are several.
  std::vector<const AccountConfig*> candidates;
  for (const auto& account : planning.accounts) {
    if (account.direction == Direction::kFromNetSuite) candidates.push_back(&account);
  }
  if (candidates.empty()) return PlanOnce(planning, event, now_ms, nullptr);
  std::vector<std::string> plan;
  for (const AccountConfig* account : candidates) {
    if (candidates.size() > 1) plan.push_back("(if the record is for an order of account " + account->id + ")");
    for (auto& step : PlanOnce(planning, event, now_ms, account)) plan.push_back(std::move(step));
  }
  return plan;
}

}  // namespace refundsync

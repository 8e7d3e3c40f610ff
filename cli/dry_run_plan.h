// The upstream requests a webhook event would cause, for `replay --dry-run` (contract section 2): the real refund
// processor and handlers run against stand-ins of NetSuite, Shopify and eBay that write down each request and answer
// as if every lookup found what the refund needs (the order synced and billed with the refund's SKUs, nothing
// refunded yet, the created record's total as sent), over an in-memory store. So the plan is the handlers' own call
// sequence; nothing is sent and nothing is stored. The plan assumes the refund is after the account's cut-over.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/webhook_event.h"

namespace refundsync {

std::vector<std::string> PlanFor(const Config& config, const WebhookEvent& event, std::int64_t now_ms);

}  // namespace refundsync

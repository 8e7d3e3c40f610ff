// Small builders the refund rules' unit tests share: money in US cents, a billed item line, an account.
#pragma once

#include <optional>
#include <string>

#include "core/config.h"
#include "core/netsuite_records.h"

namespace refundsync::testing {

inline Money Usd(std::int64_t cents) { return Money{cents, "USD"}; }

// A billed record's line: `quantity` of `sku` (item `item_id`) for `cents` before tax.
inline NsLine Item(const std::string& item_id, const std::string& sku, std::int64_t quantity, std::int64_t cents) {
  NsLine line;
  line.item_id = item_id;
  line.sku = sku;
  line.quantity = quantity;
  line.amount = Usd(cents);
  line.tax = Usd(0);
  return line;
}

// An account whose orders are synced to NetSuite as `id_template` (e.g. "shop-{order_id}").
inline AccountConfig Account(const std::string& id, Channel channel, Direction direction,
                             const std::string& id_template, std::optional<std::int64_t> sync_since_ms = std::nullopt) {
  AccountConfig account;
  account.id = id;
  account.channel = channel;
  account.direction = direction;
  account.order_external_id = id_template;
  account.sync_since_ms = sync_since_ms;
  return account;
}

}  // namespace refundsync::testing

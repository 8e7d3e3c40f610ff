// libFuzzer target for amounts: the first line is a decimal, the second a currency code. Whatever the bytes,
// parsing never crashes or overflows (UBSan in the fuzz build), a parsed amount formats back to itself, a refund
// amount is never negative, and a Shopify refund carrying it either has a non-negative amount or says why not.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/money.h"
#include "ingress/webhook_parsers.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace refundsync;
  auto [decimal, currency] = fuzz::SplitFirstLine(data, size);
  if (auto money = ParseMoney(decimal, currency)) {
    auto again = ParseMoney(FormatDecimal(*money), money->currency);
    if (!again || !(*again == *money)) __builtin_trap();
  }
  if (auto refund = ParseRefundAmount(decimal, currency); refund && refund->minor_units < 0) __builtin_trap();
  std::string quoted;  // the decimal as a JSON string, escaped just enough to stay one
  for (char c : decimal) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) continue;
    quoted += c;
  }
  std::string currency_text;
  for (char c : currency) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) continue;
    currency_text += c;
  }
  const std::string body = R"({"id":1,"order_id":2,"transactions":[{"kind":"refund","status":"success","amount":")" +
                           quoted + R"(","currency":")" + currency_text +
                           R"("},{"kind":"refund","status":"success",)"
                           R"("amount":")" +
                           quoted + R"(","currency":")" + currency_text + R"("}]})";
  ParsedWebhook parsed = ParseShopifyPayload("shop", "refunds/create", body, "shop.myshopify.com");
  const WebhookEvent& event = parsed.event;
  if (event.amount && event.amount->minor_units < 0) __builtin_trap();  // zero is no money, not invalid
  if (event.amount && !event.amount_error.empty()) __builtin_trap();
  return 0;
}

// libFuzzer targets for the three payload parsers: any bytes must give an event or an "ignored" reason, never a
// crash, a hang or a read out of bounds. Built three times, selecting the parser with REFUNDSYNC_FUZZ_PARSER.
#include <cstddef>
#include <cstdint>

#include "ingress/webhook_parsers.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace refundsync;
#if REFUNDSYNC_FUZZ_PARSER == 1
  // First line: the topic header; the rest: the body.
  auto [topic, body] = fuzz::SplitFirstLine(data, size);
  ParsedWebhook parsed = ParseShopifyPayload("shop", topic, body, "shop.myshopify.com");
#elif REFUNDSYNC_FUZZ_PARSER == 2
  ParsedWebhook parsed = ParseEbayPayload("ebay-us", std::string(reinterpret_cast<const char*>(data), size));
#else
  ParsedWebhook parsed = ParseNetSuitePayload(std::string(reinterpret_cast<const char*>(data), size));
#endif
  // Serialising the event exercises every field the parser filled.
  (void)ToJson(parsed.event);
  return 0;
}

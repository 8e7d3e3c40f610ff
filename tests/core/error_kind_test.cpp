// Every error code of the contract has a kind, and the kind alone decides retry (contract section 6: only
// upstream_unavailable among the refund errors is retried).
#include <catch2/catch.hpp>

#include "core/transaction.h"

using namespace refundsync;

TEST_CASE("Every contract error code has its kind, and only unavailability is retried", "[errors]") {
  const std::pair<const char*, ErrorKind> kContract[] = {
      {"order_not_synced", ErrorKind::kFailedPrecondition},   {"order_not_billed", ErrorKind::kFailedPrecondition},
      {"no_refund_record", ErrorKind::kFailedPrecondition},   {"already_refunded", ErrorKind::kFailedPrecondition},
      {"amount_mismatch", ErrorKind::kFailedPrecondition},    {"unknown_line_item", ErrorKind::kFailedPrecondition},
      {"upstream_rejected", ErrorKind::kRejected},            {"upstream_unavailable", ErrorKind::kUnavailable},
      {"upstream_unknown", ErrorKind::kOutcomeUnknown},       {"direction_mismatch", ErrorKind::kFailedPrecondition},
      {"invalid_amount", ErrorKind::kInvalidArgument},
  };
  for (const auto& [code, kind] : kContract) {
    INFO(code);
    const Error error = MakeError(code, "why");
    CHECK(error.kind == kind);
    CHECK(IsRetryable(error) == (std::string(code) == "upstream_unavailable"));
  }
  // A transaction read back from the store gets its kind from its code again.
  Transaction tx;
  tx.error = Error{"upstream_unavailable", "NetSuite answered 503"};
  auto read = TransactionFromJson(ToJson(tx));
  REQUIRE(read);
  REQUIRE(read->error);
  CHECK(IsRetryable(*read->error));
  CHECK(MakeError("something_new", "x").kind == ErrorKind::kInternal);
}

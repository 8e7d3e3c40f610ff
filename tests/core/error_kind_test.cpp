// Every error code of the contract has a kind, and the kind alone decides retry (contract section 6: only
// upstream_unavailable among the refund errors is retried).
#include <catch2/catch.hpp>

#include "core/transaction.h"
#include "ingress/admin_routes.h"

using namespace refundsync;

TEST_CASE("Every contract error code has its kind, and only unavailability is retried", "[errors]") {
  const std::pair<const char*, ErrorKind> kContract[] = {
      {"order_not_synced", ErrorKind::kFailedPrecondition}, {"order_not_billed", ErrorKind::kFailedPrecondition},
      {"no_refund_record", ErrorKind::kFailedPrecondition}, {"already_refunded", ErrorKind::kFailedPrecondition},
      {"amount_mismatch", ErrorKind::kFailedPrecondition},  {"unknown_line_item", ErrorKind::kFailedPrecondition},
      {"upstream_rejected", ErrorKind::kRejected},          {"upstream_unavailable", ErrorKind::kUnavailable},
      {"upstream_unknown", ErrorKind::kOutcomeUnknown},     {"direction_mismatch", ErrorKind::kFailedPrecondition},
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

TEST_CASE("The admin API's status follows the error's kind (contract section 6)", "[errors]") {
  for (const char* code : {"order_not_synced", "order_not_billed", "no_refund_record", "direction_mismatch"}) {
    INFO(code);
    CHECK(HttpStatusFor(MakeError(code, "why")) == 422);
  }
  CHECK(HttpStatusFor(MakeError("unknown_account", "why")) == 404);
  CHECK(HttpStatusFor(MakeError("not_found", "why")) == 404);
  CHECK(HttpStatusFor(MakeError("bad_request", "why")) == 400);
  CHECK(HttpStatusFor(MakeError("upstream_unavailable", "why")) == 503);
  CHECK(HttpStatusFor(MakeError("store_unavailable", "why")) == 503);
  CHECK(HttpStatusFor(MakeError("upstream_rejected", "why")) == 502);
  CHECK(HttpStatusFor(MakeError("upstream_unknown", "why")) == 502);
  CHECK(HttpStatusFor(MakeError("corrupt", "why")) == 500);
}

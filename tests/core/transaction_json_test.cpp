// Transactions as stored: the typed fields round-trip, and transactions stored before those fields existed get them
// back from their history notes.
#include <catch2/catch.hpp>

#include "core/transaction.h"

using namespace refundsync;

TEST_CASE("Transaction JSON keeps the cut-over flag and the eBay refunds noted before issuing", "[transactions]") {
  Transaction tx;
  tx.id = "tx_1";
  tx.status = TxStatus::kSkipped;
  tx.skipped_for_cutover = true;
  tx.ebay_refunds_before_issue = std::vector<std::string>{"R1", "R2"};
  auto read = TransactionFromJson(ToJson(tx));
  REQUIRE(read);
  CHECK(read->skipped_for_cutover);
  REQUIRE(read->ebay_refunds_before_issue);
  CHECK(*read->ebay_refunds_before_issue == std::vector<std::string>{"R1", "R2"});

  tx.ebay_refunds_before_issue = std::vector<std::string>{};  // noted: the order had no refunds
  read = TransactionFromJson(ToJson(tx));
  REQUIRE(read);
  REQUIRE(read->ebay_refunds_before_issue);
  CHECK(read->ebay_refunds_before_issue->empty());
  // Cleared after an attempt that issued nothing: null stays null, whatever the notes say.
  tx.ebay_refunds_before_issue.reset();
  tx.Record(1, TxStatus::kImported, std::string(kEbayIssuingNote) + "R1");
  read = TransactionFromJson(ToJson(tx));
  REQUIRE(read);
  CHECK_FALSE(read->ebay_refunds_before_issue);
}

TEST_CASE("Transactions stored before the typed fields get them from their history notes", "[transactions]") {
  const std::string cutover =
      R"json({"id":"tx_2","status":"skipped","history":[{"at_ms":1,"status":"skipped",)json"
      R"json("note":"refund of 2026-01-01T00:00:00Z is before the account's cut-over (2026-02-01T00:00:00.000Z)"}]})json";
  auto skipped = TransactionFromJson(cutover);
  REQUIRE(skipped);
  CHECK(skipped->skipped_for_cutover);
  CHECK_FALSE(skipped->ebay_refunds_before_issue);

  const std::string issuing =
      R"json({"id":"tx_3","status":"imported","history":[)json"
      R"json({"at_ms":1,"status":"imported","note":"issuing an eBay refund; refunds on the order before: R0,R5"}]})json";
  auto noted = TransactionFromJson(issuing);
  REQUIRE(noted);
  REQUIRE(noted->ebay_refunds_before_issue);
  CHECK(*noted->ebay_refunds_before_issue == std::vector<std::string>{"R0", "R5"});
  CHECK_FALSE(noted->skipped_for_cutover);

  const std::string cancelled =
      R"json({"id":"tx_4","status":"failed","history":[)json"
      R"json({"at_ms":1,"status":"imported","note":"issuing an eBay refund; refunds on the order before: "},)json"
      R"json({"at_ms":2,"status":"failed","note":"upstream_rejected: nothing issued on eBay: answered 400"}]})json";
  auto none = TransactionFromJson(cancelled);
  REQUIRE(none);
  CHECK_FALSE(none->ebay_refunds_before_issue);
}

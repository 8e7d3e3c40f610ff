// `refundsync transactions list|show|retrieve|post`: calls the admin API of a running server and prints a table for
// people, the JSON for scripts, or CSV for spreadsheets (a list then exports every page).
#include <fmt/format.h>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/transactions_csv.h"
#include "clients/http_client.h"
#include "core/json_read.h"
#include "core/json_writer.h"
#include "core/money.h"

namespace refundsync {
namespace {

void PrintTable(const std::vector<simdjson::dom::element>& items) {
  std::cout << fmt::format("{:<24} {:<13} {:<13} {:<64} {:>10} {:<8} {}\n", "ID", "ACCOUNT", "DIRECTION",
                           "SOURCE -> TARGET", "AMOUNT", "STATUS", "ERROR");
  for (const auto& item : items) {
    std::string target = JsonText(item, "target_record");
    const std::string flow = JsonText(item, "source_record") + " -> " + (target.empty() ? "-" : target);
    std::string amount = JsonText(item, "amount_decimal");
    simdjson::dom::element money;
    if (!item["amount"].get(money)) amount += " " + JsonText(money, "currency");
    std::string error;
    if (const auto failure = JsonError(item, "error")) {
      error = failure->code + ": " + failure->message;
    } else if (JsonText(item, "status") == "skipped") {
      simdjson::dom::array history;
      if (!item["history"].get_array().get(history) && history.size() > 0) {
        error = JsonText(history.at(history.size() - 1), "note");
      }
    }
    if (error.size() > 90) error = error.substr(0, 87) + "...";
    std::cout << fmt::format("{:<24} {:<13} {:<13} {:<64} {:>10} {:<8} {}\n", JsonText(item, "id"),
                             JsonText(item, "account"), JsonText(item, "direction"), flow, amount,
                             JsonText(item, "status"), error);
  }
}

// The list's filters as a query string; `cursor` where the page starts ("" for the first).
std::string ListQuery(const TransactionsOptions& options, const std::string& cursor) {
  std::string query;
  auto add = [&query](const char* name, const std::string& value) {
    if (!value.empty()) query += std::string(query.empty() ? "?" : "&") + name + "=" + UrlEncode(value);
  };
  add("status", options.status);
  add("account", options.account);
  add("order_id", options.order_id);
  add("since", options.since);
  add("limit", options.limit);
  add("cursor", cursor);
  return query;
}

// Every transaction the filters select, page after page, as CSV for a spreadsheet (RFC 4180, one header row).
int ExportCsv(const TransactionsOptions& options, const std::string& token) {
  CurlHttpClient http;
  std::cout << TransactionsCsvHeader();
  std::string cursor;
  do {
    auto body = CallAdminApi(http, options.server, token, "/api/transactions" + ListQuery(options, cursor));
    if (!body) {
      std::cerr << body.error().message << "\n";
      return kExitFailed;
    }
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::dom::array items;
    if (parser.parse(*body).get(root) || root["items"].get_array().get(items)) {
      std::cerr << "the server's answer is not a transactions page\n";
      return kExitFailed;
    }
    for (auto item : items) std::cout << TransactionCsvRow(item);
    cursor = JsonText(root, "next_cursor");  // "" once the list is done (null)
  } while (!cursor.empty());
  return kExitOk;
}

}  // namespace

int RunTransactions(const TransactionsOptions& options) {
  const auto token = ReadAdminToken(options.token_file);
  if (!token) {
    std::cerr << "cannot read the token file " << options.token_file << "\n";
    return kExitFailed;
  }
  std::string path = "/api/transactions";
  std::string body;
  if (options.action == "show") {
    path += "/" + UrlEncode(options.id);
  } else if (options.action == "post") {
    path += "/" + UrlEncode(options.id) + "/post";
  } else if (options.action == "retrieve") {
    path += "/retrieve";
    JsonWriter json;
    json.BeginObject().Key("account").String(options.account).Key("source").String(options.source);
    json.Key("order_id").String(options.order_id).EndObject();
    body = json.Take();
  } else {
    if (options.output == "csv") return ExportCsv(options, *token);
    path += ListQuery(options, "");
  }
  CurlHttpClient http;
  auto answer =
      CallAdminApi(http, options.server, *token, path, options.action == "post" || options.action == "retrieve", body);
  if (!answer) {
    std::cerr << answer.error().message << "\n";
    return kExitFailed;
  }
  if (options.output == "json") {
    std::cout << *answer << "\n";
    return kExitOk;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(*answer).get(root)) {
    std::cerr << "the server's answer is not JSON\n";
    return kExitFailed;
  }
  std::vector<simdjson::dom::element> items;
  if (options.action == "show") {
    items.push_back(root);
  } else if (options.action == "post") {
    items.push_back(root["transaction"]);
    if (!root["note"].error()) std::cout << "note: " << JsonText(root, "note") << "\n";
  } else if (options.action == "retrieve") {
    for (auto item : root["imported"].get_array()) items.push_back(item);
    std::cout << items.size() << " imported, " << root["already_known"].get_array().size() << " already known\n";
  } else {
    for (auto item : root["items"].get_array()) items.push_back(item);
  }
  if (options.output == "csv") {
    std::cout << TransactionsCsvHeader();
    for (const auto& item : items) std::cout << TransactionCsvRow(item);
    return kExitOk;
  }
  if (!items.empty()) PrintTable(items);
  if (options.action == "show") {
    std::cout << "\nhistory:\n";
    for (auto entry : root["history"].get_array()) {
      std::cout << "  " << JsonText(entry, "status") << "  " << JsonText(entry, "note") << "\n";
    }
  }
  // A post that ended failed is a failed operation for scripts (exit 1), with the table still printed.
  if (options.action == "post" && JsonText(root["transaction"], "status") == "failed") return kExitFailed;
  return kExitOk;
}

}  // namespace refundsync

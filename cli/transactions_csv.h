// Transactions as CSV for spreadsheets (`refundsync transactions list --output csv`): RFC 4180 (fields with a comma,
// a quote or a line break quoted, quotes doubled, CRLF line ends), one header row, amounts as decimals beside their
// currency. A text field that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
// return) is prefixed with an apostrophe, as OWASP advises against CSV injection: error messages quote what
// vendors and people wrote.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace refundsync {

std::string CsvField(std::string_view text);
std::string TransactionsCsvHeader();
// One transaction of the admin API's JSON (GET /api/transactions) as a CSV row.
std::string TransactionCsvRow(const simdjson::dom::element& transaction);

}  // namespace refundsync

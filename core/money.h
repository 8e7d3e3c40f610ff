// Money as integer minor units of an ISO 4217 currency. Never a float: a refund must match to the cent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace refundsync {

struct Money {
  std::int64_t minor_units = 0;  // e.g. 4194 for USD 41.94, 1000 for JPY 1000, 1500 for KWD 1.500
  std::string currency;          // ISO 4217 alphabetic code, upper case

  bool operator==(const Money&) const = default;
};

// Number of decimal places of a currency's minor unit: 0 (JPY, KRW, ...), 3 (BHD, KWD, ...), else 2.
int CurrencyExponent(std::string_view currency);

// True for a three-letter upper-case code.
bool IsCurrencyCode(std::string_view currency);

// Parses a plain decimal string as sent by Shopify, eBay and NetSuite ("41.94", "-5.00", "1000", "19.9").
// Rejects exponents ("1e2"), signs other than a leading '-', blanks, a bare or trailing '.', more significant
// decimals than the currency has (trailing zeros beyond it are fine: "1000.0" JPY), and values that overflow.
Result<Money> ParseMoney(std::string_view decimal, std::string_view currency);

// The canonical decimal string with exactly the currency's number of decimals: "41.94", "-5.00", "1000".
std::string FormatDecimal(const Money& money);

}  // namespace refundsync

// Money as integer minor units of an ISO 4217 currency. Never a float: a refund must match to the cent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace refundsync {

struct Money {
  std::int64_t minor_units = 0;  // e.g. 4194 for USD 41.94, 1000 for JPY 1000, 1500 for KWD 1.500
  std::string currency;          // ISO 4217 alphabetic code, upper case

  bool operator==(const Money&) const = default;
};

// Number of decimal places of a currency's minor unit: 0 (JPY, KRW, ...), 3 (BHD, KWD, ...), 4 (CLF, UYW), else 2.
int CurrencyExponent(std::string_view currency);

// True for a three-letter upper-case code.
bool IsCurrencyCode(std::string_view currency);
// True for an ISO 4217 currency that money can be in (not XAU, XTS, XXX...), or one of the few codes outside
// ISO 4217 that Shopify still lists for a store (JEP, KID, LTL, LVL).
bool IsKnownCurrency(std::string_view currency);
// The ISO 4217 ones (sorted).
const std::vector<std::string_view>& KnownCurrencies();

// Parses a plain decimal string as sent by Shopify, eBay and NetSuite ("41.94", "-5.00", "1000", "19.9").
// Rejects (code invalid_amount) an unknown currency, exponents ("1e2"), signs other than a leading '-', blanks, a
// bare or trailing '.', more significant decimals than the currency has (trailing zeros beyond it are fine:
// "1000.0" JPY), and values beyond the int64 range of minor units.
Result<Money> ParseMoney(std::string_view decimal, std::string_view currency);

// A refund amount: as ParseMoney, and never negative (no sign at all: "-0" is refused too).
Result<Money> ParseRefundAmount(std::string_view decimal, std::string_view currency);

// total += amount, or false (total unchanged) when the sum leaves the int64 range.
[[nodiscard]] bool AddMinorUnits(std::int64_t& total, std::int64_t amount);

// The canonical decimal string with exactly the currency's number of decimals: "41.94", "-5.00", "1000".
std::string FormatDecimal(const Money& money);

}  // namespace refundsync

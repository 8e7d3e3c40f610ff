#include "core/money.h"

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

namespace refundsync {
namespace {

// ISO 4217 currencies whose minor unit is not 1/100.
constexpr std::array<std::string_view, 17> kZeroDecimal = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                                           "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                                                           "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::array<std::string_view, 7> kThreeDecimal = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
constexpr std::array<std::string_view, 2> kFourDecimal = {"CLF", "UYW"};
// ISO 4217 currencies in use (Debian's iso-codes, iso_4217.json), without the codes that are not money a
// refund can be in: precious metals (XAU, XAG, XPD, XPT), bond-market units (XBA-XBD), XDR, XSU, XUA, and the
// testing and no-currency codes XTS and XXX. Sorted: looked up by binary search.
constexpr std::array<std::string_view, 168> kIsoCurrencies = {{
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
    "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF",
    "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
    "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF",
    "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD",
    "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU",
    "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
    "SHP", "SLE", "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST",
    "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Error Invalid(std::string_view decimal, std::string_view why) {
  return MakeError("invalid_amount", "\"" + std::string(decimal) + "\" is not a valid amount: " + std::string(why));
}

}  // namespace

bool IsCurrencyCode(std::string_view currency) {
  return currency.size() == 3 &&
         std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Codes outside ISO 4217 that a vendor still uses for a store's currency (Shopify's CurrencyCode enum lists
// them): the Jersey pound and the Kiribati dollar (local issues of GBP and AUD), and the litas and lats (ISO codes
// withdrawn when Lithuania and Latvia joined the euro). All have two decimals.
constexpr std::array<std::string_view, 4> kVendorCurrencies = {"JEP", "KID", "LTL", "LVL"};

bool IsKnownCurrency(std::string_view currency) {
  return std::binary_search(kIsoCurrencies.begin(), kIsoCurrencies.end(), currency) ||
         std::find(kVendorCurrencies.begin(), kVendorCurrencies.end(), currency) != kVendorCurrencies.end();
}

const std::vector<std::string_view>& KnownCurrencies() {
  static const std::vector<std::string_view> all(kIsoCurrencies.begin(), kIsoCurrencies.end());
  return all;
}

int CurrencyExponent(std::string_view currency) {
  if (std::find(kFourDecimal.begin(), kFourDecimal.end(), currency) != kFourDecimal.end()) return 4;
  if (std::find(kZeroDecimal.begin(), kZeroDecimal.end(), currency) != kZeroDecimal.end()) return 0;
  if (std::find(kThreeDecimal.begin(), kThreeDecimal.end(), currency) != kThreeDecimal.end()) return 3;
  return 2;
}

Result<Money> ParseMoney(std::string_view decimal, std::string_view currency) {
  if (!IsKnownCurrency(currency)) {
    return MakeError("invalid_amount", "\"" + std::string(currency) + "\" is not an ISO 4217 currency");
  }
  const int exponent = CurrencyExponent(currency);
  std::string_view rest = decimal;
  bool negative = false;
  if (!rest.empty() && rest.front() == '-') {
    negative = true;
    rest.remove_prefix(1);
  }
  const std::size_t dot = rest.find('.');
  std::string_view whole = rest.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  if (whole.empty()) return Invalid(decimal, "no digits before the decimal point");
  if (dot != std::string_view::npos && fraction.empty()) return Invalid(decimal, "no digits after the decimal point");
  if (!std::all_of(whole.begin(), whole.end(), IsDigit) || !std::all_of(fraction.begin(), fraction.end(), IsDigit)) {
    return Invalid(decimal, "only digits, one '.' and a leading '-' are allowed");
  }
  // Digits beyond the currency's minor unit must be zeros: "19.990" is 19.99, "19.999" is not money.
  if (static_cast<int>(fraction.size()) > exponent) {
    std::string_view extra = fraction.substr(exponent);
    if (!std::all_of(extra.begin(), extra.end(), [](char c) { return c == '0'; })) {
      return Invalid(decimal, std::string(currency) + " has " + std::to_string(exponent) + " decimals");
    }
    fraction = fraction.substr(0, exponent);
  }
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t units = 0;
  auto push_digit = [&](char c) {
    if (units > (kMax - (c - '0')) / 10) return false;
    units = units * 10 + (c - '0');
    return true;
  };
  for (char c : whole) {
    if (!push_digit(c)) return Invalid(decimal, "too large");
  }
  for (int i = 0; i < exponent; ++i) {
    char c = i < static_cast<int>(fraction.size()) ? fraction[i] : '0';
    if (!push_digit(c)) return Invalid(decimal, "too large");
  }
  return Money{negative ? -units : units, std::string(currency)};
}

Result<Money> ParseRefundAmount(std::string_view decimal, std::string_view currency) {
  if (!decimal.empty() && decimal.front() == '-') return Invalid(decimal, "a refund amount is never negative");
  return ParseMoney(decimal, currency);
}

bool AddMinorUnits(std::int64_t& total, std::int64_t amount) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(total, amount, &sum)) return false;
  total = sum;
  return true;
}

std::string FormatDecimal(const Money& money) {
  const int exponent = CurrencyExponent(money.currency);
  const bool negative = money.minor_units < 0;
  // Work on the unsigned magnitude so INT64_MIN does not overflow.
  std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(money.minor_units) : static_cast<std::uint64_t>(money.minor_units);
  std::string digits = std::to_string(magnitude);
  if (exponent > 0) {
    if (static_cast<int>(digits.size()) <= exponent) digits.insert(0, exponent + 1 - digits.size(), '0');
    digits.insert(digits.size() - exponent, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

}  // namespace refundsync

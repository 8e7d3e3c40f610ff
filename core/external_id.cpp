#include "core/external_id.h"

#include <algorithm>

namespace refundsync {
namespace {

constexpr std::string_view kAccount = "{account}";
constexpr std::string_view kOrderId = "{order_id}";

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }
bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

bool IsIdentifierChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsIdentifier(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsIdentifierChar);
}

Result<ExternalIdTemplate> ExternalIdTemplate::Parse(std::string_view text, std::string_view account_id) {
  ExternalIdTemplate result;
  int order_placeholders = 0;
  std::string* out = &result.prefix_;
  for (std::size_t i = 0; i < text.size();) {
    const std::string_view rest = text.substr(i);
    if (StartsWith(rest, kOrderId)) {
      ++order_placeholders;
      out = &result.suffix_;
      i += kOrderId.size();
    } else if (StartsWith(rest, kAccount)) {
      out->append(account_id);
      i += kAccount.size();
    } else if (IsIdentifierChar(text[i])) {
      out->push_back(text[i]);
      ++i;
    } else {
      return MakeError("invalid_template",
                       "\"" + std::string(text) + "\" may contain only [A-Za-z0-9_-], {account} and {order_id}");
    }
  }
  if (order_placeholders != 1) {
    return MakeError("invalid_template", "\"" + std::string(text) + "\" must contain {order_id} exactly once");
  }
  return result;
}

std::optional<std::string> ExternalIdTemplate::Match(std::string_view external_id) const {
  if (external_id.size() <= prefix_.size() + suffix_.size()) return std::nullopt;
  if (!StartsWith(external_id, prefix_) || !EndsWith(external_id, suffix_)) return std::nullopt;
  std::string_view order = external_id.substr(prefix_.size(), external_id.size() - prefix_.size() - suffix_.size());
  if (!IsIdentifier(order)) return std::nullopt;
  return std::string(order);
}

bool ExternalIdTemplate::Overlaps(const ExternalIdTemplate& other) const {
  // Both are literal + [A-Za-z0-9_-]+ + literal over the same alphabet, so an id matching both exists exactly
  // when one prefix extends the other and one suffix extends the other (the order id absorbs the rest).
  const bool prefixes = StartsWith(prefix_, other.prefix_) || StartsWith(other.prefix_, prefix_);
  const bool suffixes = EndsWith(suffix_, other.suffix_) || EndsWith(other.suffix_, suffix_);
  return prefixes && suffixes;
}

}  // namespace refundsync

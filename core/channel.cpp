#include "core/channel.h"

#include <array>
#include <utility>

namespace refundsync {
namespace {

struct ChannelInfo {
  Channel channel;
  std::string_view name;
  ChannelKind kind;
  bool supported;
};

constexpr std::array<ChannelInfo, 7> kChannels = {{
    {Channel::kEbay, "ebay", ChannelKind::kMarketplace, true},
    {Channel::kShopify, "shopify", ChannelKind::kCart, true},
    {Channel::kAmazon, "amazon", ChannelKind::kMarketplace, false},
    {Channel::kWalmart, "walmart", ChannelKind::kMarketplace, false},
    {Channel::kBigCommerce, "bigcommerce", ChannelKind::kCart, false},
    {Channel::kMagento, "magento", ChannelKind::kCart, false},
    {Channel::kWooCommerce, "woocommerce", ChannelKind::kCart, false},
}};

constexpr std::array<std::pair<Direction, std::string_view>, 3> kDirections = {
    {{Direction::kToNetSuite, "to_netsuite"}, {Direction::kFromNetSuite, "from_netsuite"}, {Direction::kOff, "off"}}};

const ChannelInfo& InfoOf(Channel channel) {
  for (const auto& info : kChannels) {
    if (info.channel == channel) return info;
  }
  return kChannels[0];  // unreachable: every enumerator is in the table
}

}  // namespace

std::optional<Channel> ParseChannel(std::string_view name) {
  for (const auto& info : kChannels) {
    if (info.name == name) return info.channel;
  }
  return std::nullopt;
}

std::string_view ChannelName(Channel channel) { return InfoOf(channel).name; }
ChannelKind KindOf(Channel channel) { return InfoOf(channel).kind; }
bool IsChannelSupported(Channel channel) { return InfoOf(channel).supported; }

std::string_view ChannelKindName(ChannelKind kind) {
  return kind == ChannelKind::kMarketplace ? "marketplace" : "cart";
}

std::optional<Direction> ParseDirection(std::string_view name) {
  for (const auto& [direction, text] : kDirections) {
    if (text == name) return direction;
  }
  return std::nullopt;
}

std::string_view DirectionName(Direction direction) {
  for (const auto& [value, text] : kDirections) {
    if (value == direction) return text;
  }
  return "off";
}

}  // namespace refundsync

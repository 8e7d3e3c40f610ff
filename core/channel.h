// Storefront channels, their kind, and the refund direction an account syncs in.
#pragma once

#include <optional>
#include <string_view>

namespace refundsync {

// Channels we know of. Only eBay and Shopify have clients today; the others are listed so that their kind (and
// with it the default refund direction) is already right when a client is added.
enum class Channel { kEbay, kShopify, kAmazon, kWalmart, kBigCommerce, kMagento, kWooCommerce };

// Marketplaces own the refund (it happens there first); carts usually take refunds from the ERP.
enum class ChannelKind { kMarketplace, kCart };

// The one direction an account syncs refunds in. Never both: that is what stops our own writes from looping.
enum class Direction { kToNetSuite, kFromNetSuite, kOff };

std::optional<Channel> ParseChannel(std::string_view name);
std::string_view ChannelName(Channel channel);
ChannelKind KindOf(Channel channel);
std::string_view ChannelKindName(ChannelKind kind);
// Whether this build has clients and webhook verification for the channel.
bool IsChannelSupported(Channel channel);

std::optional<Direction> ParseDirection(std::string_view name);
std::string_view DirectionName(Direction direction);

}  // namespace refundsync

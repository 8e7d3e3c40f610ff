// Progress of a long storefront listing, told after each page.
#pragma once

#include <functional>

namespace refundsync {

// Called after each page of a storefront's order listing with the number of orders read so far, so that a long
// audit shows it is moving (`refundsync audit`'s progress line). May be empty.
using OrdersReadSoFar = std::function<void(int orders_read)>;

}  // namespace refundsync

#include "store/redis_store_session.h"

namespace refundsync {

Result<std::unique_ptr<StoreSession>> RedisStoreConnector::Connect(Duration timeout) const {
  auto connection = locator_.ConnectToMaster(timeout);
  if (!connection) return connection.error();
  return std::unique_ptr<StoreSession>(std::make_unique<RedisStoreSession>(std::move(*connection)));
}

}  // namespace refundsync

#include "store/store_session.h"

namespace refundsync {

Result<std::unique_ptr<StoreSession>> StoreSessionPool::Take() const {
  std::unique_ptr<StoreSession> session;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      session = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (session && !session->broken()) return session;
  return connector_.Connect(connect_timeout_);
}

void StoreSessionPool::Return(std::unique_ptr<StoreSession> session) const {
  if (!session || session->broken()) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(session));
}

}  // namespace refundsync

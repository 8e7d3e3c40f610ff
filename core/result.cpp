#include "core/result.h"

#include <utility>

namespace refundsync {

ErrorKind KindOfCode(std::string_view code) {
  static constexpr std::pair<std::string_view, ErrorKind> kKinds[] = {
      {"invalid_amount", ErrorKind::kInvalidArgument},
      {"bad_request", ErrorKind::kInvalidArgument},
      {"invalid_config", ErrorKind::kInvalidArgument},
      {"invalid_duration", ErrorKind::kInvalidArgument},
      {"invalid_size", ErrorKind::kInvalidArgument},
      {"invalid_template", ErrorKind::kInvalidArgument},
      {"payload_too_large", ErrorKind::kInvalidArgument},
      {"not_found", ErrorKind::kNotFound},
      {"unknown_account", ErrorKind::kNotFound},
      {"unknown_key", ErrorKind::kNotFound},
      {"order_not_synced", ErrorKind::kFailedPrecondition},
      {"order_not_billed", ErrorKind::kFailedPrecondition},
      {"no_refund_record", ErrorKind::kFailedPrecondition},
      {"already_refunded", ErrorKind::kFailedPrecondition},
      {"amount_mismatch", ErrorKind::kFailedPrecondition},
      {"unknown_line_item", ErrorKind::kFailedPrecondition},
      {"direction_mismatch", ErrorKind::kFailedPrecondition},
      {"not_replayable", ErrorKind::kFailedPrecondition},
      {"not_verified", ErrorKind::kFailedPrecondition},
      {"upstream_unavailable", ErrorKind::kUnavailable},
      {"store_unavailable", ErrorKind::kUnavailable},
      {"redis_unavailable", ErrorKind::kUnavailable},
      {"verification_unavailable", ErrorKind::kUnavailable},
      {"admin_busy", ErrorKind::kUnavailable},
      // Another worker took the order's lease over: this attempt's result is not stored, the event comes back.
      {"lease_lost", ErrorKind::kUnavailable},
      {"upstream_rejected", ErrorKind::kRejected},
      {"upstream_unknown", ErrorKind::kOutcomeUnknown},
  };
  for (const auto& [name, kind] : kKinds) {
    if (name == code) return kind;
  }
  return ErrorKind::kInternal;
}

}  // namespace refundsync

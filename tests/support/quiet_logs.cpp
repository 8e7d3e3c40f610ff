// Linked into the unit tests only: the refund rules log every outcome at info, which would bury a failure's
// report; warnings and errors still show.
#include "core/config.h"
#include "core/log.h"

namespace {

const bool kQuiet = [] {
  refundsync::log::Configure(refundsync::LogFormat::kText, "warn");
  return true;
}();

}  // namespace

#!/usr/bin/env bash
# run-tsan.sh BUILD_DIR: the unit and integration suites of a ThreadSanitizer build (make test-tsan). Every process
# they start (the tests, the service binary) writes its reports to one directory; any report not suppressed by
# tests/tsan.supp fails the run, and the reports are printed.
set -euo pipefail
build=${1:-build-tsan}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
# halt_on_error=0: a report does not stop the process, so one run shows every race. second_deadlock_stack: both
# stacks of a lock-order inversion.
export TSAN_OPTIONS="suppressions=$root/tests/tsan.supp log_path=$reports/tsan halt_on_error=0 second_deadlock_stack=1"
status=0
for label in unit integration; do
  "$here/stage.sh" "tsan:$label" ctest --test-dir "$build" -L "^$label\$" --output-on-failure -j2 || status=1
done
shopt -s nullglob
found=("$reports"/tsan.*)
if [ ${#found[@]} -gt 0 ]; then
  echo "tsan: ${#found[@]} process(es) reported data races or other thread errors:"
  for report in "${found[@]}"; do
    echo "== $report"
    head -c 20000 "$report"
  done
  status=1
else
  echo "tsan: no reports"
fi
exit $status

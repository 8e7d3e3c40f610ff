#!/usr/bin/env bash
# run-tests.sh BUILD_DIR: runs every test group with ctest, one timed stage per group. Each test starts the
# redis-server processes it needs on free loopback ports and stops them; nothing else must be running.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
status=0
for label in lint unit integration deploy conformance; do
  "$here/stage.sh" "test:$label" ctest --test-dir "$build" -L "^$label\$" --output-on-failure -j2 || status=1
done
exit $status

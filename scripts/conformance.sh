#!/usr/bin/env bash
# Runs the contract's floor check on a built binary: conformance.sh PATH/TO/refundsync
# CONFORMANCE_DIR (default ../shared/conformance beside the repository) holds check.py. Outside CI a missing
# directory is skipped with a visible message (exit 77, which ctest reports as skipped); in CI it is an error.
set -euo pipefail
binary=${1:?usage: conformance.sh PATH/TO/refundsync}
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${CONFORMANCE_DIR:-$repo/../shared/conformance}
parts=${CONFORMANCE_PARTS:-all}
if [ ! -f "$dir/check.py" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "conformance: $dir/check.py not found (CI=true requires it)" >&2
    exit 1
  fi
  echo "conformance: SKIPPED, $dir/check.py not found (set CONFORMANCE_DIR)"
  exit 77
fi
python=$("$repo/scripts/find-python.sh")
exec "$python" "$dir/check.py" --binary "$binary" --part "$parts"

#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS: runs each libFuzzer target for SECONDS on a copy of its seed corpus
# (tests/data/fuzz/<target>). A crash fails the run and leaves the input in BUILD_DIR/fuzz-artifacts.
set -euo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
seconds=${2:-10}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/fuzz-artifacts"
status=0
for target in shopify_parser ebay_parser netsuite_parser shopify_verifier ebay_verifier netsuite_verifier http_reader amounts; do
  corpus="$build/fuzz-corpus/$target"
  mkdir -p "$corpus"
  cp -n "$repo/tests/data/fuzz/$target/"* "$corpus/" 2>/dev/null || true
  if "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 \
      -artifact_prefix="$build/fuzz-artifacts/$target-" "$corpus" > "$build/fuzz-artifacts/$target.log" 2>&1; then
    printf '== fuzz %-18s %s\n' "$target" "$(grep -E '^#[0-9]+.*DONE' "$build/fuzz-artifacts/$target.log" | tail -1)"
  else
    status=1
    tail -40 "$build/fuzz-artifacts/$target.log"
  fi
done
exit $status

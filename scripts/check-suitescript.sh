#!/usr/bin/env bash
# check-suitescript.sh BUILD_DIR: installs the pinned checkers (tests/netsuite/package-lock.json) into the build
# directory if needed, then type-checks deploy/netsuite/*.js with tsc --checkJs against @hitc/netsuite-types and
# lints them with eslint-plugin-suitescript. Exit status non-zero on any finding.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: check-suitescript.sh BUILD_DIR}" && pwd)
work="$build/suitescript-check"
mkdir -p "$work"
if ! cmp -s "$repo/tests/netsuite/package-lock.json" "$work/package-lock.json" || [ ! -x "$work/node_modules/.bin/tsc" ]; then
  cp "$repo/tests/netsuite/package.json" "$repo/tests/netsuite/package-lock.json" "$work/"
  (cd "$work" && npm ci --include=dev --no-audit --no-fund --silent >/dev/null)
fi
# ${configDir} in tests/netsuite/tsconfig.json makes "N/*" resolve under this extending config's node_modules.
printf '{ "extends": "%s/tests/netsuite/tsconfig.json" }\n' "$repo" > "$work/tsconfig.json"
status=0
(cd "$repo" && "$work/node_modules/.bin/tsc" -p "$work/tsconfig.json" --pretty false) || status=1
(cd "$repo" && NODE_PATH="$work/node_modules" "$work/node_modules/.bin/eslint" --config tests/netsuite/eslint.config.js deploy/netsuite/) || status=1
exit $status

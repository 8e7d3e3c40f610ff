#!/usr/bin/env bash
# run-ui-test.sh BUILD_DIR ARGS...: installs playwright-core (pinned by tests/ui/package-lock.json) into the build
# directory if needed and runs tests/ui/operator_page.js ARGS... in Debian's Chromium (no browser download).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: run-ui-test.sh BUILD_DIR ARGS...}" && pwd)
shift
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "run-ui-test: no Chromium at $chromium (Debian package chromium; make deps installs it)" >&2; exit 2; }
work="$build/ui-test"
mkdir -p "$work"
if ! cmp -s "$repo/tests/ui/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules/playwright-core" ]; then
  cp "$repo/tests/ui/package.json" "$repo/tests/ui/package-lock.json" "$work/"
  (cd "$work" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent >/dev/null)
fi
CHROMIUM_PATH="$chromium" NODE_PATH="$work/node_modules" exec node "$repo/tests/ui/operator_page.js" "$@"

#!/usr/bin/env bash
# validate-k8s.sh BUILD_DIR: installs the validator's npm packages (pinned by its lockfile) into the build
# directory and checks deploy/k8s against the Kubernetes schema and our own rules (deploy/k8s/validate.js).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: validate-k8s.sh BUILD_DIR}" && pwd)
work="$build/k8s-validator"
mkdir -p "$work"
cp "$repo/deploy/k8s/validator/package.json" "$repo/deploy/k8s/validator/package-lock.json" "$work/"
if [ ! -d "$work/node_modules/kubernetes-models" ]; then
  (cd "$work" && npm ci --no-audit --no-fund --silent >/dev/null)
fi
NODE_PATH="$work/node_modules" exec node "$repo/deploy/k8s/validate.js" "$repo/deploy/k8s"

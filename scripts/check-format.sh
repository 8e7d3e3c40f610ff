#!/usr/bin/env bash
# check-format.sh: every C++ file git tracks is formatted as .clang-format says (Debian's clang-format 14).
# `make format` fixes what this reports. Exits 1 and names each file that is not formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "format: clang-format is not installed (make deps)" >&2; exit 1; }
mapfile -t files < <(git ls-files '*.cpp' '*.h')
unformatted=()
for file in "${files[@]}"; do
  clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done
for file in "${unformatted[@]}"; do echo "format: $file is not formatted (make format)"; done
echo "format: ${#files[@]} files checked, ${#unformatted[@]} not formatted"
[ ${#unformatted[@]} -eq 0 ]

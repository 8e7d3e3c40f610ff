#!/usr/bin/env bash
# stage.sh NAME COMMAND...: runs one stage and prints how long it took, so the CI time budget stays visible.
set -uo pipefail
name=$1
shift
start=$(date +%s%N)
"$@"
status=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf '== stage %-24s %5d.%ds  %s\n' "$name" $((ms / 1000)) $(((ms % 1000) / 100)) \
  "$([ $status -eq 0 ] && echo ok || echo "FAILED ($status)")"
exit $status

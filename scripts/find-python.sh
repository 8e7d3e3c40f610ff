#!/usr/bin/env bash
# Prints a python3 that can import what the conformance check and the sandbox need (cryptography, yaml, graphql). The first python3
# on PATH may be a private interpreter without Debian's python3-cryptography, so fall back to the system one.
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import cryptography, yaml, graphql' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
echo "no python3 with the cryptography, yaml and graphql modules (apt-get install python3-cryptography python3-yaml python3-graphql-core)" >&2
exit 1

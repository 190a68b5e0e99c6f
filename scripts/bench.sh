#!/usr/bin/env bash
# `pnpm bench`: every benchmark, each printing its figures and ratios against a baseline measured in
# the same run. Benchmarks assert nothing; tests never assert on time.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false

for bench in $(ls libs/*/bench/*.bench.ts apps/*/bench/*.bench.ts 2>/dev/null | sort); do
  printf '\n==> %s\n' "$bench"
  pnpm exec tsx "$bench"
done

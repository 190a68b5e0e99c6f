#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need on a fresh machine,
# then runs buf lint, buf breaking, the generated-code check, lint, typecheck, build and every test.
# Its last line is "tests: N passed, N failed"; it exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

export npm_config_nodedir="${npm_config_nodedir:-/usr}"   # node-gyp builds against local headers, never downloads
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
# The test setup below installs podman and QEMU, so a test of either that skips here is a failure, not a skip.
export MCP_REQUIRE_RUNTIME="${MCP_REQUIRE_RUNTIME:-podman,qemu}"
PNPM_VERSION=10.34.9

step() { printf '\n==> %s\n' "$*"; }

step "system packages (podman and friends)"
bash scripts/setup-system.sh

step "pnpm ${PNPM_VERSION}"
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@${PNPM_VERSION}"
fi

step "dependencies (frozen lockfile)"
pnpm install --frozen-lockfile

step "buf lint"
pnpm exec buf lint

step "buf breaking (against ${MCP_BREAKING_AGAINST:-HEAD~1})"
bash scripts/buf-breaking.sh "${MCP_BREAKING_AGAINST:-HEAD~1}"

step "generated code is fresh"
bash scripts/generate-proto.sh --check

step "lint, typecheck, build"
pnpm exec nx run-many -t lint typecheck build --outputStyle=static

step "tests"
mkdir -p .test-results
set +e
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json
vitest_exit=$?
set -e
node scripts/test-summary.mjs .test-results/vitest.json "$vitest_exit"

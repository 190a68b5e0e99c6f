#!/usr/bin/env bash
# The README's first command: from a fresh clone, install what MCP needs, build the programs and run
# the main job on its embedded default. Today that is checking the example service definitions with
# `mcp validate`; the local fleet (`mcp dev up`) joins here when the master lands.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir="${npm_config_nodedir:-/usr}" NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
PNPM_VERSION=10.34.9

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@${PNPM_VERSION}"
fi
pnpm install --frozen-lockfile
pnpm exec nx run-many -t build --outputStyle=static

echo
echo "==> mcp validate examples/services/*.toml"
pnpm exec mcp validate examples/services/*.toml

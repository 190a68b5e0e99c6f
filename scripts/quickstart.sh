#!/usr/bin/env bash
# The README's first command: from a fresh clone, install what MCP needs, build the programs and run the main job
# on its embedded default: a local fleet (`mcp dev up`: a master and agents for the roles master, worker and edge
# on loopback, SQLite, generated TLS, a local token file) in .dev/fleet, with the example service `hello` deployed
# through the master, and `www`, whose public route is served by the edge node. Running it again reuses the fleet
# (and starts whatever of it is not running).
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir="${npm_config_nodedir:-/usr}" NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
PNPM_VERSION=10.34.9
FLEET_DIR=.dev/fleet

step() { printf '\n==> %s\n' "$*"; }
mcp() { node apps/mcp/bin/mcp.js "$@"; }
# The host part of a node's ADDRESS in `mcp node list` (the dev fleet's nodes are named after their roles).
node_host() {
  mcp node list --json | node -e '
    let text = "";
    process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
      const node = JSON.parse(text).response.nodes.find((entry) => entry.name === process.argv[1]);
      console.log(node.address.slice(0, node.address.lastIndexOf(":")));
    });' "$1"
}

step "system packages (podman, busybox-static, openssl, …)"
bash scripts/setup-system.sh

step "pnpm ${PNPM_VERSION} and the dependencies (frozen lockfile)"
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install -g "pnpm@${PNPM_VERSION}"
fi
pnpm install --frozen-lockfile

step "build mcp, mcp-master and mcp-agent"
pnpm exec nx run-many -t build --outputStyle=static

step "mcp validate examples/services/*.toml"
mcp validate examples/services/*.toml

step "the example image (localhost/mcp-busybox:test)"
bash scripts/build-example-image.sh

step "mcp dev up --dir ${FLEET_DIR}"
mcp dev up --dir "$FLEET_DIR"
export MCP_CONFIG="$PWD/${FLEET_DIR}/mcp.toml"

step "mcp deploy hello   (examples/services/hello.toml, through the master; the image is local, so nothing is pulled)"
cp examples/services/hello.toml "${FLEET_DIR}/services/hello.toml"
mcp deploy hello

step "mcp ps"
mcp ps

step "mcp node list"
mcp node list

step "hello over HTTPS through the worker's proxy (HAProxy), with its certificate from the fleet's ACME CA"
# The worker's address is the host part of its ADDRESS in `mcp node list`; hello's l7 route listens there on 8443.
worker=$(node_host worker)
for attempt in $(seq 1 60); do
  if curl -fsS --resolve "hello.svc.mcp.test:8443:${worker}" --cacert "${FLEET_DIR}/ca/acme-root.pem" \
      https://hello.svc.mcp.test:8443/; then
    break
  fi
  [ "$attempt" -lt 60 ] || { echo "hello did not answer over HTTPS through ${worker}:8443" >&2; exit 1; }
  sleep 0.5
done

step "mcp deploy www   (examples/services/www.toml: a public route, www.example.test, through the edge node)"
cp examples/services/www.toml "${FLEET_DIR}/services/www.toml"
mcp deploy www

step "www over HTTPS through the edge node: its certificate for www.example.test, re-encrypted to the worker"
# The dev fleet's PowerDNS points *.example.test at the edge node (its stand-in for public DNS); curl is told the
# same with --resolve. The edge's proxy listens on its own address's port 443.
edge=$(node_host edge)
for attempt in $(seq 1 60); do
  if curl -fsS --resolve "www.example.test:443:${edge}" --cacert "${FLEET_DIR}/ca/acme-root.pem" \
      https://www.example.test/; then
    break
  fi
  [ "$attempt" -lt 60 ] || { echo "www did not answer over HTTPS through the edge at ${edge}:443" >&2; exit 1; }
  sleep 0.5
done

cat <<DONE

The fleet keeps running in ${FLEET_DIR} (logs: ${FLEET_DIR}/<node>/*.log). Drive it with:
  export MCP_CONFIG=${MCP_CONFIG}
  node apps/mcp/bin/mcp.js status        # or: pnpm exec mcp status
Stop it (the data stays) with:
  node apps/mcp/bin/mcp.js dev down --dir ${FLEET_DIR}
DONE

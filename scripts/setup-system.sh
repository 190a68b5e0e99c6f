#!/usr/bin/env bash
# Prepares a machine of our kind (Debian 12, root, no systemd, no internet but the Debian and npm
# registries) to run MCP's real-runtime tests: installs podman and its helpers, and writes the two
# podman settings it needs here (see shared TOOLCHAIN.md). Idempotent; a second run changes nothing.
#
# Usage: sudo scripts/setup-system.sh
set -euo pipefail

log() { printf '[setup-system] %s\n' "$*"; }
die() { printf '[setup-system] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'die "failed at line $LINENO: $BASH_COMMAND"' ERR

[ "$(id -u)" = 0 ] || die "must run as root (podman runs rootful here; apt needs root)"
command -v apt-get >/dev/null || die "apt-get not found: this script targets Debian 12"

# --- packages ------------------------------------------------------------------------------------
# runc is not pulled in by podman on Debian, and crun 1.8 refuses this machine kind's hybrid cgroups.
# netavark runs iptables to publish ports, but no package declares that dependency.
PODMAN_PACKAGES=(podman runc catatonit netavark aardvark-dns slirp4netns fuse-overlayfs uidmap busybox-static iptables)
# A local OCI registry for the push/pull tests.
REGISTRY_PACKAGES=(docker-registry)
# openssl signs the certificates of dev fleets and tests (@mcp/tls).
TLS_PACKAGES=(openssl)
# QEMU runs unikernel components as VMs (TCG here: /dev/kvm is PVM); qemu-img makes a VM's copy-on-write disk.
# The VM test image is built from Debian's kernel package (fetched with apt-get download, never installed):
# xz unpacks its vmlinuz into the PVH-bootable vmlinux, dpkg-deb (essential) extracts it, busybox-static (above)
# gives the initramfs its userland and its cpio.
VM_PACKAGES=(qemu-system-x86 qemu-utils xz-utils)
# Edge parts (TOOLCHAIN.md): HAProxy is each node's proxy, pebble the ACME CA of tests and dev fleets,
# PowerDNS (sqlite backend) the internal zone's DNS server, dig reads it back, zstd packs snapshots, curl fetches
# hello over HTTPS through the worker's proxy at the end of the quickstart.
EDGE_PACKAGES=(haproxy pebble pdns-server pdns-backend-sqlite3 bind9-dnsutils zstd curl)
# sqlite3 loads Debian's gsqlite3 schema into a new PowerDNS database (@mcp/dns); the snapshot tests also run the
# host's sqlite3 (copied with its libraries into a service directory) in a busybox container that writes to a database.
SQLITE_PACKAGES=(sqlite3)
PACKAGES=("${PODMAN_PACKAGES[@]}" "${REGISTRY_PACKAGES[@]}" "${TLS_PACKAGES[@]}" "${VM_PACKAGES[@]}" "${EDGE_PACKAGES[@]}" "${SQLITE_PACKAGES[@]}")

is_installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
has_candidate() {
  local candidate
  candidate=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

missing=()
for package in "${PACKAGES[@]}"; do is_installed "$package" || missing+=("$package"); done

if [ ${#missing[@]} -eq 0 ]; then
  log "packages already installed: ${PACKAGES[*]}"
else
  log "missing packages: ${missing[*]}"
  need_update=0
  for package in "${missing[@]}"; do has_candidate "$package" || need_update=1; done
  if [ $need_update = 1 ]; then
    log "package lists lack some of them: apt-get update"
    apt-get update -q || die "apt-get update failed (is deb.debian.org reachable?)"
  fi
  for package in "${missing[@]}"; do
    has_candidate "$package" || die "package '$package' is not available from the configured apt sources"
  done
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed"
fi

# --- podman settings -----------------------------------------------------------------------------
# Root lacks CAP_SYS_RESOURCE here, so podman's default rlimits (1048576) fail with EPERM: use the
# hard limit we actually have.
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] && nofile=1048576
nproc=$(ulimit -Hu)
if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi

CONF=/etc/containers/containers.conf
desired=$(cat <<EOF
# Written by MCP's scripts/setup-system.sh; rerun it rather than editing this file.
[containers]
# podman's default nofile/nproc (1048576) exceed what root may set without CAP_SYS_RESOURCE.
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]

[engine]
# crun 1.8 refuses hybrid cgroups (v1 plus a v2 mount that owns hugetlb); runc works.
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[network]
# Explicit, so podman never falls back to CNI (whose plugins are not installed) on old storage.
network_backend = "netavark"
EOF
)

mkdir -p /etc/containers
if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$desired" ]; then
  log "$CONF already up to date"
else
  if [ -f "$CONF" ] && ! grep -q "Written by MCP's scripts/setup-system.sh" "$CONF"; then
    backup="$CONF.before-mcp"
    log "keeping the existing $CONF as $backup"
    cp -p "$CONF" "$backup"
  fi
  printf '%s\n' "$desired" > "$CONF.tmp"
  mv "$CONF.tmp" "$CONF"
  log "wrote $CONF (runtime runc, nofile ${nofile}, nproc ${nproc}, cgroupfs, file events, netavark)"
fi

# --- check ---------------------------------------------------------------------------------------
info_errors=$(mktemp)
runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>"$info_errors") \
  || die "podman info failed: $(cat "$info_errors")"
rm -f "$info_errors"
[ "$runtime" = runc ] || die "podman uses OCI runtime '$runtime', expected runc (is CONTAINERS_CONF set elsewhere?)"
log "podman $(podman version --format '{{.Client.Version}}') ready (OCI runtime $runtime)"
[ -x /bin/busybox ] || die "/bin/busybox missing after installing busybox-static"
command -v docker-registry >/dev/null || die "docker-registry missing after install"
for tool in haproxy pebble pebble-challtestsrv pdns_server dig zstd curl; do
  command -v "$tool" >/dev/null || die "$tool missing after install"
done
log "done"

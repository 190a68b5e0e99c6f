#!/usr/bin/env bash
# Builds the image of the example services (examples/services/hello.toml): localhost/mcp-busybox:test, a 2 MB
# busybox rootfs imported into podman (no registry needed). The same recipe as @mcp/testing's ensureBusyboxImage:
# every busybox applet linked in /bin, a web root /www whose index.html says "hello from mcp busybox", and
# `httpd -f -v -p 8080 -h /www` as the default command. Idempotent: an image already present is left alone.
#
# Usage: scripts/build-example-image.sh [image]   (default localhost/mcp-busybox:test; needs podman and busybox-static)
set -euo pipefail

IMAGE="${1:-localhost/mcp-busybox:test}"
BUSYBOX="${BUSYBOX:-/bin/busybox}"

log() { printf '[build-example-image] %s\n' "$*"; }
die() { printf '[build-example-image] ERROR: %s\n' "$*" >&2; exit 1; }

command -v podman >/dev/null || die "podman not found: run scripts/setup-system.sh first"
if podman image exists "$IMAGE"; then
  log "$IMAGE already present"
  exit 0
fi
[ -x "$BUSYBOX" ] || die "$BUSYBOX not found: install busybox-static (scripts/setup-system.sh does)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{bin,etc,www,tmp,data}
chmod 1777 "$root/tmp"
cp "$BUSYBOX" "$root/bin/busybox"
for applet in $("$BUSYBOX" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
printf 'hello from mcp busybox\n' > "$root/www/index.html"
tar -C "$root" -cf "$work/rootfs.tar" .
podman import --quiet \
  --change 'ENV PATH=/bin' \
  --change 'WORKDIR /' \
  --change 'CMD ["httpd", "-f", "-v", "-p", "8080", "-h", "/www"]' \
  "$work/rootfs.tar" "$IMAGE" >/dev/null
log "imported $IMAGE"

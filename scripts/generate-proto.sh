#!/usr/bin/env bash
# Regenerates libs/proto/src/gen from proto/ with buf + protoc-gen-es; --check only verifies it is fresh.
# Usage: scripts/generate-proto.sh [--check]
# The repo root is the parent of this script's directory, so the check can run on a temp copy of the tree.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

template="libs/proto/buf.gen.yaml"
gen_dir="libs/proto/src/gen"
buf="node_modules/.bin/buf"
if [[ ! -x "$buf" ]]; then buf="buf"; fi

case "${1:-}" in
  "")
    # Clean first so that generated files of deleted protos disappear too.
    rm -rf "$gen_dir"
    "$buf" generate --template "$template"
    echo "generated $gen_dir"
    ;;
  --check)
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    "$buf" generate --template "$template" --output "$tmp"
    mkdir -p "$tmp/$gen_dir"
    # A missing committed directory makes diff fail too (exit 2), which is what we want.
    if ! diff -r "$tmp/$gen_dir" "$gen_dir" >"$tmp/diff.txt" 2>&1; then
      head -n 40 "$tmp/diff.txt" >&2
      echo "generated code in $gen_dir is out of date with proto/: run \`pnpm generate\` and commit the result" >&2
      exit 1
    fi
    echo "generated code in $gen_dir is up to date"
    ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac

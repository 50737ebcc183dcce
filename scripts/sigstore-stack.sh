#!/usr/bin/env bash
# Starts or stops the local Sigstore stack (Fulcio + Rekor stand-ins on 127.0.0.1) with a demo
# GitHub-style OIDC issuer, writing trusted_root.json, signing_config.json and stack.json under
# .driftzero/sigstore. `./dz demo` signs keylessly when it is running. Tests start their own.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="$root/.driftzero/sigstore"
case "${1:-}" in
  start)
    command -v node >/dev/null || { echo "node is required for the local Sigstore stack" >&2; exit 2; }
    if [ -f "$out/pid" ] && kill -0 "$(cat "$out/pid")" 2>/dev/null; then
      echo "sigstore stack already running (pid $(cat "$out/pid")): $out/stack.json"; exit 0
    fi
    (cd scripts/sigstore-stack && { [ -d node_modules ] || npm ci --prefer-offline --no-audit --no-fund --loglevel=error; })
    mkdir -p "$out"
    rm -f "$out/stack.json"
    (cd scripts/sigstore-stack && exec node src/stack.js --out "$out" --demo-github-issuer) >"$out/ready.log" 2>"$out/stack.log" &
    echo $! > "$out/pid"
    for _ in $(seq 1 100); do
      grep -q SIGSTORE_STACK_READY "$out/ready.log" 2>/dev/null && { echo "sigstore stack running: $out/stack.json"; exit 0; }
      kill -0 "$(cat "$out/pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "sigstore stack did not start; see $out/stack.log" >&2; exit 3
    ;;
  stop)
    if [ -f "$out/pid" ]; then kill "$(cat "$out/pid")" 2>/dev/null || true; rm -f "$out/pid" "$out/stack.json"; fi
    echo "sigstore stack stopped"
    ;;
  *) echo "usage: scripts/sigstore-stack.sh start|stop" >&2; exit 2 ;;
esac

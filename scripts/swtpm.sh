#!/usr/bin/env bash
# Starts or stops a software TPM 2.0 (swtpm) on 127.0.0.1:2321 (data) / 2322 (control), with its state
# under .driftzero/swtpm, for trying DriftZero's TPM path (`./dz demo` uses it when it is running).
# Tests start their own private swtpm instead.
set -euo pipefail
cd "$(dirname "$0")/.."
state="$PWD/.driftzero/swtpm"
port=${DZ_SWTPM_PORT:-2321}
case "${1:-}" in
  start)
    command -v swtpm >/dev/null || { echo "swtpm is not installed: run scripts/install-test-deps.sh" >&2; exit 2; }
    mkdir -p "$state"
    if [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
      echo "swtpm already running (pid $(cat "$state/pid")) on 127.0.0.1:$port"; exit 0
    fi
    swtpm socket --tpm2 --tpmstate dir="$state" \
      --server type=tcp,port="$port",bindaddr=127.0.0.1 --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 \
      --flags not-need-init,startup-clear --pid file="$state/pid" --daemon
    echo "swtpm running on 127.0.0.1:$port (use --tpm swtpm:127.0.0.1:$port)"
    ;;
  stop)
    if [ -f "$state/pid" ]; then kill "$(cat "$state/pid")" 2>/dev/null || true; rm -f "$state/pid"; fi
    echo "swtpm stopped"
    ;;
  *) echo "usage: scripts/swtpm.sh start|stop" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for DriftZero's tests (the production store, not an
# imitation of it).
#
#   scripts/postgres.sh start   initdb on first use, start if not running, print the JDBC base URL
#   scripts/postgres.sh stop    stop if running (the data stays, so `start` brings the same data back)
#   scripts/postgres.sh url     print the JDBC base URL of the running cluster (exit 1 if not running)
#   scripts/postgres.sh status  exit 0 if running, 3 if not
#   scripts/postgres.sh clean   stop and delete the cluster
#
# All idempotent. The cluster lives in DZ_PG_DIR (default: one directory in /tmp per checkout, so two
# worktrees never share one), listens on 127.0.0.1 only, on a free port chosen at initdb and kept
# for the cluster's life (a restarted server keeps its URL, which the outage tests rely on). The unix
# socket sits in the cluster directory. Authentication is `trust`, which initdb applies to loopback
# and the socket only: the cluster is for tests and never listens beyond 127.0.0.1.
# Connect as user `postgres`, no password: jdbc:postgresql://127.0.0.1:PORT/DBNAME
#
# PostgreSQL refuses to run as root; as root the server runs as the `postgres` system user that the
# Debian package creates (runuser).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${DZ_PG_DIR:-${TMPDIR:-/tmp}/dz-pg-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)}"
DATA="$DIR/data"
LOG="$DIR/server.log"

die() { echo "postgres.sh: $*" >&2; exit "${2:-1}"; }

find_bin() {
  local b
  if [ -n "${DZ_PG_BIN:-}" ]; then echo "$DZ_PG_BIN"; return; fi
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  b="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$b" ] && [ -x "$b/pg_ctl" ] && { echo "$b"; return; }
  die "PostgreSQL server binaries not found (pg_ctl, initdb). Install them with scripts/install-test-deps.sh (Debian package 'postgresql'), or set DZ_PG_BIN to the directory holding pg_ctl." 2
}

BIN="$(find_bin)"

# Runs a PostgreSQL tool as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' system user to run the server as (the Debian package creates it)" 2
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

url() { echo "jdbc:postgresql://127.0.0.1:$(cat "$DIR/port")/"; }

init() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  mkdir -p "$DIR"
  chmod 700 "$DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 \
    || die "initdb failed; see $DIR/initdb.log"
  local port=""
  for _ in $(seq 1 50); do
    local p=$((20000 + RANDOM % 30000))
    if port_free "$p"; then port="$p"; break; fi
  done
  [ -n "$port" ] || die "no free port found on 127.0.0.1"
  echo "$port" >"$DIR/port"
  # Loopback only; the socket in the cluster directory (not /var/run, which may not exist for us).
  # fsync off: a test cluster lost in a machine crash is simply made again.
  cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$DIR'
max_connections = 200
fsync = off
full_page_writes = off
CONF
}

start() {
  init
  if running; then url; return 0; fi
  # The port chosen at initdb was taken meanwhile by something else: move to a free one (clients of
  # the old URL are gone anyway, since the cluster was not running).
  local port
  port="$(cat "$DIR/port")"
  if ! port_free "$port"; then
    for _ in $(seq 1 50); do
      port=$((20000 + RANDOM % 30000))
      port_free "$port" && break
    done
    echo "port = $port" >>"$DATA/postgresql.conf"
    echo "$port" >"$DIR/port"
  fi
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null \
    || die "the server did not start; see $LOG"
  url
}

stop() {
  if running; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m "${DZ_PG_STOP_MODE:-fast}" -w -t 60 stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) running || die "not running (scripts/postgres.sh start)"; url ;;
  status) running || exit 3 ;;
  clean) stop; rm -rf "$DIR" ;;
  *) echo "usage: scripts/postgres.sh start|stop|url|status|clean" >&2; exit 2 ;;
esac

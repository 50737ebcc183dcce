#!/usr/bin/env bash
# The dz-control load driver: N concurrent pipelines through nonce → attest → credential over
# loopback HTTP, then a full audit-trail verification. Usage: bench/run-load.sh [--pipelines N]
# [--flows TOTAL] [--jdbc-url URL]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f bench/target/benchmarks.jar ] || mvn -B -q -DskipTests package
exec java -cp bench/target/benchmarks.jar io.driftzero.bench.LoadDriver "$@"

#!/usr/bin/env bash
# JMH benchmarks of the hot paths and the ECDSA ceiling. Usage: bench/run-jmh.sh [JMH options]
# e.g. bench/run-jmh.sh -f 1 -wi 3 -i 5 -w 1s -r 2s          (JAVA_HOME picks the JDK)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f bench/target/benchmarks.jar ] || mvn -B -q -DskipTests package
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -jar bench/target/benchmarks.jar "${@:--f 1 -wi 3 -i 5 -w 1s -r 2s}"

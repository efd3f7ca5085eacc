#!/usr/bin/env bash
# Runs one benchmark (see README.md, README-segmentation.md, README-journeys.md, README-delivery.md, README-content.md): builds this module, starts a fresh stack with
# ./touchpoint up --detach under benchmarks/target/touchpoint-home unless one is already running,
# runs the benchmark's main class against it, and stops the stack it started.
#   benchmarks/run.sh ingestion|segmentation|journeys|delivery|delivery-faults|analytics|sms|content [--name=value ...]    options: see the class and its README
# Environment: TOUCHPOINT_HOME (use the stack running there instead of starting one), BENCHMARK_BUILD=never (skip the
# build, e.g. right after one), BENCHMARK_JAVA_OPTS
# (the benchmark JVM's options, default -Xmx3g: the open-loop phases hold their requests prepared); the launcher's own (TOUCHPOINT_JAVA_OPTS,
# TOUCHPOINT_PROCESSING_NICE, ...) apply to the stack it starts.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
cd "$ROOT"

log() { printf '[run-benchmark] %s\n' "$*" >&2; }

up_args=(--detach)
case "${1:-}" in
  ingestion) main=io.touchpoint.benchmarks.IngestionBenchmark ;;
  segmentation) main=io.touchpoint.benchmarks.SegmentationBenchmark ;;
  analytics) main=io.touchpoint.benchmarks.AnalyticsBenchmark ;;
  sms) main=io.touchpoint.benchmarks.SmsBenchmark ;;
  content) main=io.touchpoint.benchmarks.ContentBenchmark ;;
  # The journey benchmark moves journey-service's clock to make 100,000 waits due at once.
  journeys) main=io.touchpoint.benchmarks.JourneyBenchmark; up_args=(--detach --simulated-clock)
    # --simulated-clock runs the services with the dev profile, which logs io.touchpoint at DEBUG (a
    # line per trigger); measured at INFO, as the prod profile logs.
    export _DEV_QUARKUS_LOG_CATEGORY__IO_TOUCHPOINT__LEVEL=${_DEV_QUARKUS_LOG_CATEGORY__IO_TOUCHPOINT__LEVEL:-INFO} ;;
  # GreenMail keeps every message in the devstack JVM's heap: 100,000 emails need more than the launcher's 1 GB.
  delivery) main=io.touchpoint.benchmarks.DeliveryBenchmark
    export TOUCHPOINT_DEVSTACK_JAVA_OPTS=${TOUCHPOINT_DEVSTACK_JAVA_OPTS:--Xmx4g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35} ;;
  # Five marketing emails per recipient: the gateway's default cap (three in seven days) would suppress two of them.
  # The launcher starts (and restarts) the gateway with this environment.
  delivery-faults) main=io.touchpoint.benchmarks.DeliveryFaults
    export TOUCHPOINT_GATEWAY_DELIVERY_CAPS_EMAIL_MESSAGES=${TOUCHPOINT_GATEWAY_DELIVERY_CAPS_EMAIL_MESSAGES:-5}
    # SMS has no cap by default; the same five in seven days puts the cap on the path as for email. Only on an
    # SMS run (a cap needs both keys, and the gateway would not start with one), so an email run's gateway is as before.
    for arg in "$@"; do
      if [[ $arg == --channel=sms ]]; then
        export TOUCHPOINT_GATEWAY_DELIVERY_CAPS_SMS_MESSAGES=${TOUCHPOINT_GATEWAY_DELIVERY_CAPS_SMS_MESSAGES:-5}
        export TOUCHPOINT_GATEWAY_DELIVERY_CAPS_SMS_DAYS=${TOUCHPOINT_GATEWAY_DELIVERY_CAPS_SMS_DAYS:-7}
      fi
    done ;;
  *) log "usage: benchmarks/run.sh ingestion|segmentation|journeys|delivery|delivery-faults|analytics|sms|content [--name=value ...]"; exit 2 ;;
esac
shift

# The whole build, not just this module: a fresh stack runs the services' packaged jars, and jars
# older than the sources would measure old code.
if [[ ${BENCHMARK_BUILD:-always} == never ]]; then
  log "BENCHMARK_BUILD=never: using the jars as they are"
else
  log "building the services and the benchmarks module (tests skipped)..."
  ./mvnw -q -B -DskipTests package
fi
[[ -f $HERE/target/benchmark.classpath ]] || { log "build did not write benchmarks/target/benchmark.classpath"; exit 1; }

started=0
state=${TOUCHPOINT_HOME:-$ROOT/.touchpoint}
if [[ -f $state/run/devstack.pid ]] && kill -0 "$(cat "$state/run/devstack.pid")" 2>/dev/null; then
  log "using the stack already running under $state"
else
  if curl -fs -o /dev/null "http://localhost:${TOUCHPOINT_PORT_BASE:-8080}/q/health/live" 2>/dev/null; then
    log "port 8080 answers but no stack runs under $state: set TOUCHPOINT_HOME to the running stack's home"
    exit 1
  fi
  # A fresh stack every time: empty databases and topics, so runs compare.
  state=$HERE/target/touchpoint-home
  rm -rf "$state"
  log "starting a fresh stack under $state..."
  TOUCHPOINT_HOME=$state ./touchpoint up "${up_args[@]}"
  started=1
fi
stop() {
  # The ingestion benchmark pauses the consumers for one phase (SIGSTOP); never leave them paused.
  for pid in "$state"/run/*.pid; do [[ -f $pid ]] && kill -CONT "$(cat "$pid")" 2>/dev/null || true; done
  if (( started )); then cd "$ROOT" && TOUCHPOINT_HOME=$state ./touchpoint down || true; fi
}
trap stop EXIT

cd "$HERE"
# shellcheck disable=SC2086
"$JAVA" ${BENCHMARK_JAVA_OPTS:--Xmx3g} -cp "$HERE/target/classes:$(cat "$HERE/target/benchmark.classpath")" \
  "$main" --state="$state" "$@"

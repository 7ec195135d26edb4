#!/usr/bin/env bash
# The benchmark in one command: builds everything, runs each scenario against each server in turn
# (never two measured servers at once), prints the side-by-side table and writes it into
# BENCHMARKS.md. See BENCHMARKS.md for what is measured and how.
#
#   bench/run.sh                     full run (6-10 minutes plus the build), table written to BENCHMARKS.md
#   bench/run.sh --quick             smoke test of the harness (1-2 minutes), table printed only
#   bench/run.sh --only fanout,idle  some scenarios: fanout, idle, write, reactions
#   bench/run.sh --write | --no-write  force writing (or not) the table into BENCHMARKS.md
#
# Environment: SERVER_JAR (skip building the server), SERVER_JAVA_OPTS, GEN_JAVA_OPTS,
# FANOUT_SERVERS (default "ours node ws"), IDLE_SERVERS (default "ours node"),
# BENCH_DATABASE_URL (PostgreSQL base URL, default postgresql://postgres@127.0.0.1:5432),
# BENCH_KEEP=1 (keep the work directory with the servers' logs and the raw results),
# JAVA_HOME (a JDK 21+; otherwise one is looked for), and the scenario sizes below.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
QUICK=0
ONLY=fanout,idle,write,reactions
WRITE_DOC=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --only) ONLY="$2"; shift ;;
    --only=*) ONLY="${1#--only=}" ;;
    --write) WRITE_DOC=1 ;;
    --no-write) WRITE_DOC=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -z "$WRITE_DOC" ]] && WRITE_DOC=$((1 - QUICK))
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

# ---- sizes (full / quick); every one can be overridden from the environment ----
if [[ $QUICK == 1 ]]; then
  : "${FANOUT_RECEIVERS:=200}" "${FANOUT_STEPS:=20000,50000}" "${STEP_SECONDS:=2}" "${STEP_WARMUP_SECONDS:=0.5}"
  : "${PREWARM_SECONDS:=2}" "${IDLE_CONNECTIONS:=2000}" "${IDLE_SETTLE_SECONDS:=2}" "${IDLE_WARMUP:=200}"
  : "${WRITE_CLOSED_SECONDS:=3}" "${WRITE_OPEN_SECONDS:=2}" "${REACTION_SECONDS:=2}" "${WRITE_WARMUP_SECONDS:=1}"
else
  : "${FANOUT_RECEIVERS:=1000}" "${FANOUT_STEPS:=50000,75000,100000,150000,200000,250000,300000,400000,500000}"
  : "${STEP_SECONDS:=5}" "${STEP_WARMUP_SECONDS:=1.5}" "${PREWARM_SECONDS:=30}"
  : "${IDLE_CONNECTIONS:=19900}" "${IDLE_SETTLE_SECONDS:=5}" "${IDLE_WARMUP:=2000}"
  : "${WRITE_CLOSED_SECONDS:=8}" "${WRITE_OPEN_SECONDS:=5}" "${REACTION_SECONDS:=5}" "${WRITE_WARMUP_SECONDS:=30}"
fi
: "${FANOUT_PROBES:=10}" "${FANOUT_SENDERS:=10}" "${P99_LIMIT_MS:=200}"
: "${WRITE_GUESTS:=200}" "${WRITE_INFLIGHT:=4}" "${REACTION_GUESTS:=100}" "${REACTION_INFLIGHT:=2}"
: "${SERVER_JAVA_OPTS:=-Xms512m -Xmx512m -Xmn64m -XX:+UseParallelGC}"
# One I/O thread does all the generator's work; Serial GC keeps its GC on that budget too.
: "${GEN_JAVA_OPTS:=-Xms256m -Xmx1g -XX:+UseSerialGC}"
: "${BENCH_DATABASE_URL:=postgresql://postgres@127.0.0.1:5432}"
: "${BENCH_PORT_BASE:=4610}"

log() { printf '\n== %s\n' "$*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

# ---- prerequisites ----
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
find_java() {
  local c
  for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [[ -n "$c" && -x "$c" ]] || continue
    if [[ "$(java_major "$c")" -ge 21 ]] 2>/dev/null; then echo "$c"; return; fi
  done
}
JAVA=$(find_java)
[[ -n "$JAVA" ]] || die "needs a JDK 21 or newer (set JAVA_HOME)"
JDK_HOME=$(dirname "$(dirname "$(readlink -f "$JAVA")")")
for tool in node npm psql curl mvn getconf; do
  command -v "$tool" >/dev/null || die "needs $tool on PATH"
done
psql "$BENCH_DATABASE_URL/postgres" -qAtc 'select 1' >/dev/null || die "cannot reach PostgreSQL at $BENCH_DATABASE_URL"
CLK_TCK=$(getconf CLK_TCK)
FD_LIMIT=$(ulimit -n)
FD_CAP=$(( FD_LIMIT - 50 < 19950 ? FD_LIMIT - 50 : 19950 ))

WORK=$(mktemp -d "${TMPDIR:-/tmp}/owc-bench.XXXXXX")
RESULTS="$WORK/results.txt"
MACHINE="$WORK/machine.txt"
: > "$RESULTS"
SERVER_PID=""
SERVER_DB=""
PORT_SEQ=0
STARTED=$(date +%s)

cleanup() {
  stop_server || true
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "server logs and raw results kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ----
log "building"
export JAVA_HOME="$JDK_HOME"
if [[ -z "${SERVER_JAR:-}" ]]; then
  (cd "$REPO" && mvn -q -DskipTests package) || die "server build failed"
  SERVER_JAR="$REPO/target/open-world-chat.jar"
  SERVER_FROM="built from $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo 'this tree')"
  if [[ -n "$(git -C "$REPO" status --porcelain -- src pom.xml 2>/dev/null)" ]]; then
    SERVER_FROM="$SERVER_FROM with uncommitted changes to the server"
  fi
else
  SERVER_FROM="given jar $(basename "$SERVER_JAR")"
fi
[[ -f "$SERVER_JAR" ]] || die "no server jar at $SERVER_JAR"
mvn -q -f "$BENCH_DIR/load/pom.xml" package || die "generator build failed"
GEN_JAR="$BENCH_DIR/load/target/owc-bench-load.jar"
(cd "$BENCH_DIR/peer-node" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"

# ---- servers ----
next_port() { PORT_SEQ=$((PORT_SEQ + 1)); echo $((BENCH_PORT_BASE + PORT_SEQ)); }

wait_ready() {
  local i
  for i in $(seq 1 240); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited during start; last lines of its log:" >&2
      tail -20 "$WORK/server-$SERVER_PORT.log" >&2
      return 1
    fi
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SERVER_PORT/ready")" == 200 ]] && return 0
    sleep 0.5
  done
  echo "server not ready after 120 s" >&2
  return 1
}

# start_ours [ENV=VALUE...]: our server on a fresh database (each instance starts empty).
start_ours() {
  SERVER_PORT=$(next_port)
  SERVER_DB="owc_bench_${SERVER_PORT}_$$"
  psql "$BENCH_DATABASE_URL/postgres" -qc "CREATE DATABASE $SERVER_DB" >/dev/null
  local data="$WORK/data-$SERVER_PORT"
  mkdir -p "$data"
  # The generator is one client address (127.0.0.1): besides the per-guest limits its scenarios
  # reach, every per-address limit (sockets, connections, rates) is raised for it (BENCHMARKS.md,
  # "Limits raised for the generator").
  # shellcheck disable=SC2086  # SERVER_JAVA_OPTS is a list of options
  env PORT="$SERVER_PORT" DATABASE_URL="$BENCH_DATABASE_URL/$SERVER_DB" DATA_DIR="$data" \
    MAX_SOCKETS_PER_IP=100000 MAX_SOCKETS_PER_IPV6_64=100000 MAX_CONNECTIONS_PER_IP=1000000 \
    RATE_LIMIT_MESSAGES=1000000/1s RATE_LIMIT_REACTIONS=1000000/1s \
    RATE_LIMIT_ADDRESS_NEW_GUESTS=1000000/1s RATE_LIMIT_ADDRESS_MESSAGES=1000000/1s \
    RATE_LIMIT_ADDRESS_REACTIONS=1000000/1s RATE_LIMIT_ADDRESS_USERNAME_CHANGES=1000000/1s \
    RATE_LIMIT_ADDRESS_UPLOADS=1000000/1s RATE_LIMIT_ADDRESS_UPLOAD_BYTES=999999999/1s "$@" \
    "$JAVA" $SERVER_JAVA_OPTS -jar "$SERVER_JAR" > "$WORK/server-$SERVER_PORT.log" 2>&1 &
  SERVER_PID=$!
  wait_ready
}

# start_peer socketio|ws
start_peer() {
  SERVER_PORT=$(next_port)
  (cd "$BENCH_DIR/peer-node" && exec env PORT="$SERVER_PORT" node "$1-server.js") > "$WORK/server-$SERVER_PORT.log" 2>&1 &
  SERVER_PID=$!
  wait_ready
}

stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
  if [[ -n "$SERVER_DB" ]]; then
    psql "$BENCH_DATABASE_URL/postgres" -qc "DROP DATABASE IF EXISTS $SERVER_DB WITH (FORCE)" >/dev/null 2>&1 || true
    SERVER_DB=""
  fi
}

# gen SCENARIO LABEL key=value...: runs the generator against the running server; RESULT lines go
# to the results file, the rest to the console. A failing scenario is reported, not fatal.
gen() {
  local scenario=$1 label=$2
  shift 2
  # shellcheck disable=SC2086
  if ! "$JAVA" $GEN_JAVA_OPTS -jar "$GEN_JAR" "$scenario" port="$SERVER_PORT" pid="$SERVER_PID" label="$label" \
      clkTck="$CLK_TCK" "$@" > "$WORK/gen.out" 2>&1; then
    echo "  (generator failed: $scenario $label)"
  fi
  grep '^RESULT ' "$WORK/gen.out" >> "$RESULTS" || true
  grep -v '^RESULT ' "$WORK/gen.out" || true
}

sql_count() { psql "$BENCH_DATABASE_URL/$SERVER_DB" -qAtc "SELECT count(*) FROM messages"; }

FANOUT_ARGS=(receivers="$FANOUT_RECEIVERS" probes="$FANOUT_PROBES" senders="$FANOUT_SENDERS" steps="$FANOUT_STEPS"
  stepSeconds="$STEP_SECONDS" warmupSeconds="$STEP_WARMUP_SECONDS" preWarmSeconds="$PREWARM_SECONDS"
  p99LimitMs="$P99_LIMIT_MS")
IDLE_ARGS=(connections="$IDLE_CONNECTIONS" settleSeconds="$IDLE_SETTLE_SECONDS" warmupConnections="$IDLE_WARMUP" fdCap="$FD_CAP")

# ---- scenarios ----
if wants fanout; then
  for who in ${FANOUT_SERVERS:-ours node ws}; do
    log "fan-out: $who ($FANOUT_RECEIVERS receivers, steps $FANOUT_STEPS deliveries/s)"
    case $who in ours) start_ours ;; node) start_peer socketio ;; ws) start_peer ws ;; esac
    gen fanout "$who" "${FANOUT_ARGS[@]}"
    stop_server
  done
fi

if wants idle; then
  for who in ${IDLE_SERVERS:-ours node}; do
    log "idle connections: $who ($IDLE_CONNECTIONS sockets)"
    case $who in ours) start_ours ;; node) start_peer socketio ;; esac
    gen idle "$who" "${IDLE_ARGS[@]}"
    stop_server
  done
fi

if wants write; then
  for mode in batch nobatch; do
    log "write path: ours, $([[ $mode == batch ]] && echo 'batching on (server default)' || echo 'MESSAGE_WRITE_BATCH=1')"
    if [[ $mode == batch ]]; then start_ours; else start_ours MESSAGE_WRITE_BATCH=1; fi
    gen write "ours_$mode" guests="$WRITE_GUESTS" inflight="$WRITE_INFLIGHT" closedSeconds="$WRITE_CLOSED_SECONDS" \
      openSeconds="$WRITE_OPEN_SECONDS" warmupSeconds="$WRITE_WARMUP_SECONDS"
    stored=$(sql_count)
    echo "RESULT ours_$mode.write.stored $stored" >> "$RESULTS"
    echo "  SELECT count(*) FROM messages: $stored"
    stop_server
  done
fi

if wants reactions; then
  log "reactions: ours ($REACTION_GUESTS guests on one message)"
  start_ours
  # Message objects list only the first reactors of an emoji: the generator reads them all with psql.
  gen reactions ours guests="$REACTION_GUESTS" inflight="$REACTION_INFLIGHT" seconds="$REACTION_SECONDS" \
    warmupSeconds="$WRITE_WARMUP_SECONDS" database="$BENCH_DATABASE_URL/$SERVER_DB"
  stop_server
fi

# ---- report ----
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "mode: $([[ $QUICK == 1 ]] && echo quick || echo full), scenarios: $ONLY, run took $(( $(date +%s) - STARTED )) s"
  echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, Linux $(uname -r), open files limit $FD_LIMIT"
  echo "software: Java $("$JAVA" -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/'), Node.js $(node --version), PostgreSQL $(psql "$BENCH_DATABASE_URL/postgres" -qAtc 'show server_version'), socket.io $(node -p "require('$BENCH_DIR/peer-node/node_modules/socket.io/package.json').version"), ws $(node -p "require('$BENCH_DIR/peer-node/node_modules/ws/package.json').version")"
  echo "our server: $SERVER_FROM, JVM options \`$SERVER_JAVA_OPTS\`"
  echo "fan-out: $FANOUT_RECEIVERS receivers ($FANOUT_PROBES of them latency probes), $FANOUT_SENDERS senders, ${PREWARM_SECONDS} s warm-up, then ${STEP_SECONDS} s per step after ${STEP_WARMUP_SECONDS} s; idle: $IDLE_CONNECTIONS sockets after $IDLE_WARMUP opened and closed; write: $WRITE_GUESTS guests x $WRITE_INFLIGHT in flight for ${WRITE_CLOSED_SECONDS} s after ${WRITE_WARMUP_SECONDS} s warm-up; reactions: $REACTION_GUESTS guests x $REACTION_INFLIGHT in flight for ${REACTION_SECONDS} s"
} > "$MACHINE"
log "results"
DOC="$WORK/BENCHMARKS.md"
if [[ $WRITE_DOC == 1 ]]; then DOC="$REPO/BENCHMARKS.md"; fi
"$JAVA" -jar "$GEN_JAR" report results="$RESULTS" machine="$MACHINE" benchmarks="$DOC"
if [[ $WRITE_DOC == 1 ]]; then echo; echo "table written to BENCHMARKS.md"; fi

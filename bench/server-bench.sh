#!/usr/bin/env bash
# Sensor-server benchmark (not a test): readings/s of `tcplab serve --log x.jsonl --quiet`
# against bench/python_server.py (asyncio) under the same load in the same run, every reading
# logged, with 1, 8 and 100 connections, each RUNS times (medians and ranges: the machine is
# shared); beside them a drain that only counts lines (bench/drain_server.py), the machine's
# ceiling with this load generator. Then latency with many paced devices, and memory per idle
# connection with 10,000 connections open (which also shows that 10,000 concurrent connections
# work). Loopback only; every phase is bounded in count and time. bench/report.py writes the
# figures between the server-bench markers in docs/performance.md.
#
#   bench/server-bench.sh            (make bench runs it too; builds the release binary if missing)
#   PHASES=throughput RUNS=1 CONNECTION_COUNTS=8 DOC=/tmp/x.md bench/server-bench.sh   (a quick look)
#
# Knobs (environment): CONNECTION_COUNTS ("1 8 100"), RUNS of each (3), SWIFT_READINGS per run,
# split over the connections (4000000), PYTHON_READINGS per run (400000), DRAIN_ROUNDS (the
# drain gets SWIFT_READINGS this many times over: 25), PACED_DEVICES (1000), PACED_RATE per
# device (10/s), PACED_SECONDS (10), IDLE_CONNECTIONS (10000), PHASES ("throughput latency idle").
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTION_COUNTS=${CONNECTION_COUNTS:-1 8 100}
RUNS=${RUNS:-3}
SWIFT_READINGS=${SWIFT_READINGS:-4000000}
PYTHON_READINGS=${PYTHON_READINGS:-400000}
DRAIN_ROUNDS=${DRAIN_ROUNDS:-25}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
PACED_DEVICES=${PACED_DEVICES:-1000}
PACED_RATE=${PACED_RATE:-10}
PACED_SECONDS=${PACED_SECONDS:-10}
PHASES=${PHASES:-throughput latency idle}
BIN=${TCPLAB:-.build/release/tcplab}
OUT=bench/out
DOC=${DOC:-docs/performance.md}   # DOC=/tmp/x.md: figures elsewhere (a before/after comparison)

[ -x "$BIN" ] || swift build -c release --product tcplab
mkdir -p "$OUT"
rm -f "$OUT"/*.jsonl "$OUT"/throughput.runs "$OUT"/*.paced "$OUT"/*.idle  # the report shows this run only

# Each side of 10,000 connections needs 10,000 descriptors.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt $((IDLE_CONNECTIONS + 200)) ]; then
    IDLE_CONNECTIONS=$(( $(ulimit -n) - 200 ))
    echo "server-bench: open-file limit $(ulimit -n): idle test uses $IDLE_CONNECTIONS connections" >&2
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 100); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "server-bench: nothing listening on port $1" >&2; return 1
}
stop() { kill -"$2" "$1" 2>/dev/null || true; for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }
value() { sed -n "s/^$1=//p" "$2"; }
cpu_seconds() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }  # user + system
lines() { wc -l < "$1" | tr -d ' '; }

SERVERS=()
cleanup() { for pid in "${SERVERS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# --- throughput: 1, 8 and 100 connections, each count RUNS times, both servers in the same run -
# The drain (bench/drain_server.py) only counts lines: the machine's ceiling with this generator.
flood_run() {  # name, connections, readings per connection, rounds, run, command...
    local name=$1 connections=$2 readings=$3 rounds=$4 run=$5; shift 5
    local port; port=$(free_port)
    local log="$OUT/$name-flood.jsonl"
    rm -f "$log"
    "$@" --host 127.0.0.1 --port "$port" --log "$log" >"$OUT/$name-flood.out" 2>"$OUT/$name-flood.err" &
    local pid=$!; SERVERS+=("$pid"); wait_port "$port"
    python3 bench/loadgen.py flood --port "$port" --connections "$connections" --readings "$readings" \
        --rounds "$rounds" --duration 60 --log "$log" >"$OUT/$name.load"
    local cpu; cpu=$(cpu_seconds "$pid")
    stop "$pid" INT
    local logged
    if [ "$name" = drain ]; then logged=$(tail -n 1 "$log"); else logged=$(lines "$log"); fi
    echo "{\"server\": \"$name\", \"connections\": $connections, \"run\": $run, \"sent\": $(value sent "$OUT/$name.load"), \"logged\": $logged, \"seconds\": $(value elapsed "$OUT/$name.load"), \"cpu\": $cpu}" >>"$OUT/throughput.runs"
    rm -f "$log"
}
if [[ " $PHASES " == *" throughput "* ]]; then
    for connections in $CONNECTION_COUNTS; do
        for run in $(seq "$RUNS"); do
            echo "server-bench: $connections connection(s), run $run of $RUNS" >&2
            flood_run swift "$connections" $((SWIFT_READINGS / connections)) 1 "$run" "$BIN" serve --quiet
            flood_run python "$connections" $((PYTHON_READINGS / connections)) 1 "$run" python3 bench/python_server.py
            flood_run drain "$connections" $((SWIFT_READINGS / connections)) "$DRAIN_ROUNDS" "$run" python3 bench/drain_server.py
        done
    done
fi

# --- latency: many devices at a steady pace -------------------------------------------------
paced_run() {  # name, command...
    local name=$1; shift
    local port; port=$(free_port)
    "$@" --host 127.0.0.1 --port "$port" --log "$OUT/$name-paced.jsonl" >/dev/null 2>"$OUT/$name-paced.err" &
    local pid=$!; SERVERS+=("$pid"); wait_port "$port"
    python3 bench/loadgen.py paced --port "$port" --connections "$PACED_DEVICES" --rate "$PACED_RATE" \
        --duration "$PACED_SECONDS" --log "$OUT/$name-paced.jsonl" >"$OUT/$name.paced"
    stop "$pid" INT
}
if [[ " $PHASES " == *" latency "* ]]; then
    paced_run swift "$BIN" serve --quiet
    paced_run python python3 bench/python_server.py
fi

# --- memory per idle connection, and 10,000 at once -----------------------------------------
idle_run() {  # name, command...
    local name=$1; shift
    local port; port=$(free_port)
    "$@" --host 127.0.0.1 --port "$port" --log "$OUT/$name-idle.jsonl" >/dev/null 2>"$OUT/$name-idle.err" &
    local pid=$!; SERVERS+=("$pid"); wait_port "$port"
    python3 bench/loadgen.py idle --port "$port" --connections "$IDLE_CONNECTIONS" --pid "$pid" \
        --log "$OUT/$name-idle.jsonl" >"$OUT/$name.idle"
    stop "$pid" INT
}
if [[ " $PHASES " == *" idle "* ]]; then
    idle_run swift "$BIN" serve --quiet
    idle_run python python3 bench/python_server.py
fi

cpu=$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)
MACHINE="$(nproc) cores ($cpu)" LOAD="$(cut -d' ' -f1-3 /proc/loadavg)" \
COMMAND="CONNECTION_COUNTS=\"$CONNECTION_COUNTS\" RUNS=$RUNS SWIFT_READINGS=$SWIFT_READINGS PYTHON_READINGS=$PYTHON_READINGS DRAIN_ROUNDS=$DRAIN_ROUNDS PACED_DEVICES=$PACED_DEVICES PACED_RATE=$PACED_RATE PACED_SECONDS=$PACED_SECONDS IDLE_CONNECTIONS=$IDLE_CONNECTIONS" \
    python3 bench/report.py server "$OUT" "$DOC"
rm -f "$OUT"/*.jsonl

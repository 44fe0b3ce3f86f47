#!/usr/bin/env bash
# Web-view benchmark (not a test): `tcplab serve` without and with `--web` and five browsers
# following the live page (four `curl -N` on /events, one stalled: it sends the request and never
# reads), under the server bench's loads: a flood on 8 connections (readings/s, server CPU) and
# 1,000 boards at 10 readings/s (latency). The two variants alternate, RUNS times each; medians
# and ranges go between the web-bench markers in docs/performance.md (bench/web_report.py).
#
#   bench/web-bench.sh                 (make bench runs it too; builds the release binary if missing)
#   RUNS=1 PACED_SECONDS=5 DOC=/tmp/x.md bench/web-bench.sh   (a quick look)
#
# Knobs (environment): RUNS (3), FLOOD_CONNECTIONS (8), FLOOD_READINGS (4000000),
# PACED_DEVICES (1000), PACED_RATE (10), PACED_SECONDS (10), BROWSERS (5; one of them stalled),
# PHASES ("flood paced").
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
FLOOD_CONNECTIONS=${FLOOD_CONNECTIONS:-8}
FLOOD_READINGS=${FLOOD_READINGS:-4000000}
PACED_DEVICES=${PACED_DEVICES:-1000}
PACED_RATE=${PACED_RATE:-10}
PACED_SECONDS=${PACED_SECONDS:-10}
BROWSERS=${BROWSERS:-5}
PHASES=${PHASES:-flood paced}
BIN=${TCPLAB:-.build/release/tcplab}
OUT=bench/out/web
DOC=${DOC:-docs/performance.md}

[ -x "$BIN" ] || swift build -c release --product tcplab
command -v curl >/dev/null || { echo "web-bench: needs curl" >&2; exit 1; }
mkdir -p "$OUT"
rm -f "$OUT"/*
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 100); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1).close()" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "web-bench: nothing listening on port $1" >&2; return 1
}
stop() { kill -"$2" "$1" 2>/dev/null || true; for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; kill -9 "$1" 2>/dev/null || true; }
cpu_seconds() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }
value() { sed -n "s/^$1=//p" "$2"; }

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# Starts the server (with --web and the browsers when $1 is "web"); sets PORT, PID, BROWSER_PIDS.
start_server() {  # variant, log
    local variant=$1 log=$2
    PORT=$(free_port)
    local web=()
    if [ "$variant" = web ]; then WEB=$(free_port); web=(--web "127.0.0.1:$WEB"); fi
    "$BIN" serve --quiet --host 127.0.0.1 --port "$PORT" --log "$log" "${web[@]}" >/dev/null 2>"$OUT/serve.err" &
    PID=$!; PIDS+=("$PID"); wait_port "$PORT"
    BROWSER_PIDS=()
    if [ "$variant" = web ]; then
        wait_port "$WEB"
        for _ in $(seq 2 "$BROWSERS"); do
            curl -sN "http://127.0.0.1:$WEB/events" >/dev/null 2>&1 &
            BROWSER_PIDS+=($!); PIDS+=($!)
        done
        # The stalled browser: asks for the stream, then never reads (a small receive buffer).
        if [ "$BROWSERS" -gt 0 ]; then
            python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(('127.0.0.1', $WEB)); s.sendall(b'GET /events HTTP/1.1\r\nHost: x\r\n\r\n'); time.sleep(3600)" &
            BROWSER_PIDS+=($!); PIDS+=($!)
        fi
        sleep 0.5
    fi
}
stop_server() {
    for pid in "${BROWSER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    stop "$PID" INT
}

for run in $(seq "$RUNS"); do
    for variant in plain web; do
      if [[ " $PHASES " == *" flood "* ]]; then
        echo "web-bench: run $run of $RUNS, $variant: flood on $FLOOD_CONNECTIONS connections" >&2
        log="$OUT/flood.jsonl"; rm -f "$log"
        start_server "$variant" "$log"
        python3 bench/loadgen.py flood --port "$PORT" --connections "$FLOOD_CONNECTIONS" \
            --readings $((FLOOD_READINGS / FLOOD_CONNECTIONS)) --rounds 1 --duration 60 --log "$log" >"$OUT/flood.load"
        cpu=$(cpu_seconds "$PID")
        stop_server
        echo "{\"variant\": \"$variant\", \"run\": $run, \"phase\": \"flood\", \"sent\": $(value sent "$OUT/flood.load"), \"logged\": $(wc -l <"$log"), \"seconds\": $(value elapsed "$OUT/flood.load"), \"cpu\": $cpu}" >>"$OUT/runs.jsonl"
        rm -f "$log"
      fi
      if [[ " $PHASES " == *" paced "* ]]; then
        echo "web-bench: run $run of $RUNS, $variant: $PACED_DEVICES boards at $PACED_RATE/s" >&2
        log="$OUT/paced.jsonl"; rm -f "$log"
        start_server "$variant" "$log"
        python3 bench/loadgen.py paced --port "$PORT" --connections "$PACED_DEVICES" --rate "$PACED_RATE" \
            --duration "$PACED_SECONDS" --log "$log" >"$OUT/paced.load"
        cpu=$(cpu_seconds "$PID")
        stop_server
        python3 - "$variant" "$run" "$cpu" "$OUT/paced.load" >>"$OUT/runs.jsonl" <<'PY'
import json, sys
variant, run, cpu, path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
report = dict(line.strip().split("=", 1) for line in open(path) if "=" in line)
print(json.dumps({"variant": variant, "run": run, "phase": "paced", "cpu": cpu,
                  **{k: float(v) for k, v in report.items()}}))
PY
        rm -f "$log"
      fi
    done
done

COMMAND="PHASES=\"$PHASES\" RUNS=$RUNS FLOOD_CONNECTIONS=$FLOOD_CONNECTIONS FLOOD_READINGS=$FLOOD_READINGS PACED_DEVICES=$PACED_DEVICES PACED_RATE=$PACED_RATE PACED_SECONDS=$PACED_SECONDS BROWSERS=$BROWSERS bench/web-bench.sh" \
MACHINE="$(nproc) cores ($(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1))" LOAD="$(cut -d' ' -f1-3 /proc/loadavg)" \
    python3 bench/web_report.py "$OUT/runs.jsonl" "$DOC"

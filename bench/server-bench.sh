#!/usr/bin/env bash
# Sensor-server benchmark (not a test): readings/s of `tcplab serve --log x.jsonl --quiet`
# against bench/python_server.py (asyncio) under the same load in the same run, every reading
# logged; latency with many paced devices; then memory per idle connection with 10,000
# connections open (which also shows that 10,000 concurrent connections work). Loopback only;
# every phase is bounded in count and time. Writes its figures between the server-bench
# markers in docs/performance.md.
#
#   bench/server-bench.sh            (make bench runs it too; builds the release binary if missing)
#
# Knobs (environment): CONNECTIONS (100), SWIFT_READINGS per connection (50000),
# PYTHON_READINGS per connection (5000), PACED_DEVICES (1000), PACED_RATE per device (10/s),
# PACED_SECONDS (10), IDLE_CONNECTIONS (10000).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-100}
SWIFT_READINGS=${SWIFT_READINGS:-50000}
PYTHON_READINGS=${PYTHON_READINGS:-5000}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
PACED_DEVICES=${PACED_DEVICES:-1000}
PACED_RATE=${PACED_RATE:-10}
PACED_SECONDS=${PACED_SECONDS:-10}
BIN=${TCPLAB:-.build/release/tcplab}
OUT=bench/out
DOC=${DOC:-docs/performance.md}   # DOC=/tmp/x.md: figures elsewhere (a before/after comparison)

[ -x "$BIN" ] || swift build -c release --product tcplab
mkdir -p "$OUT"
rm -f "$OUT"/*.jsonl

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

# --- throughput: Swift ---------------------------------------------------------------------
port=$(free_port)
"$BIN" serve --host 127.0.0.1 --port "$port" --log "$OUT/swift.jsonl" --quiet >"$OUT/swift.out" 2>"$OUT/swift.err" &
swift_pid=$!; SERVERS+=("$swift_pid"); wait_port "$port"
python3 bench/loadgen.py flood --port "$port" --connections "$CONNECTIONS" --readings "$SWIFT_READINGS" \
    --duration 60 --log "$OUT/swift.jsonl" >"$OUT/swift.load"
swift_cpu=$(cpu_seconds "$swift_pid")
stop "$swift_pid" INT
swift_sent=$(value sent "$OUT/swift.load"); swift_elapsed=$(value elapsed "$OUT/swift.load")
swift_logged=$(lines "$OUT/swift.jsonl")

# --- throughput: Python reference ------------------------------------------------------------
port=$(free_port)
python3 bench/python_server.py --host 127.0.0.1 --port "$port" --log "$OUT/python.jsonl" 2>"$OUT/python.err" &
python_pid=$!; SERVERS+=("$python_pid"); wait_port "$port"
python3 bench/loadgen.py flood --port "$port" --connections "$CONNECTIONS" --readings "$PYTHON_READINGS" \
    --duration 60 --log "$OUT/python.jsonl" >"$OUT/python.load"
python_cpu=$(cpu_seconds "$python_pid")
stop "$python_pid" TERM
python_sent=$(value sent "$OUT/python.load"); python_elapsed=$(value elapsed "$OUT/python.load")
python_logged=$(lines "$OUT/python.jsonl")

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
paced_run swift "$BIN" serve --quiet
paced_run python python3 bench/python_server.py

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
idle_run swift "$BIN" serve --quiet
idle_run python python3 bench/python_server.py

rate() { python3 -c "print(round($1 / $2))"; }
swift_rate=$(rate "$swift_logged" "$swift_elapsed")
python_rate=$(rate "$python_logged" "$python_elapsed")
swift_cpu_rate=$(rate "$swift_logged" "$swift_cpu")
python_cpu_rate=$(rate "$python_logged" "$python_cpu")
cpu_ratio=$(python3 -c "print(f'{$swift_cpu_rate / $python_cpu_rate:.1f}')")
paced_row() {  # name, file
    echo "| $1 | $(value sent "$2") | $(value logged "$2") | $(value received_p50_ms "$2") / $(value received_p99_ms "$2") / $(value received_max_ms "$2") | $(value logged_p50_ms "$2") / $(value logged_p99_ms "$2") / $(value logged_max_ms "$2") |"
}
ratio=$(python3 -c "print(f'{$swift_rate / $python_rate:.1f}')")
verdict() { [ "$1" = "$2" ] && echo "all $1 logged" || echo "LOST: $2 of $1 logged"; }
cpu=$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)

report=$(cat <<REPORT
<!-- server-bench:begin -->
## Sensor server

\`tcplab serve\` against \`bench/python_server.py\`, the server a user would otherwise write (Python
asyncio, standard library: \`StreamReader.readline\` framing with a line limit, strict parsing,
\`json.dumps\` to the log, flushed every 0.05 s like tcplab's writer). Measured $(date -u +"%Y-%m-%d %H:%M UTC")
on $(nproc) cores ($cpu) shared with other jobs, loopback, by

    swift build -c release && bench/server-bench.sh
    # CONNECTIONS=$CONNECTIONS SWIFT_READINGS=$SWIFT_READINGS PYTHON_READINGS=$PYTHON_READINGS PACED_DEVICES=$PACED_DEVICES PACED_RATE=$PACED_RATE PACED_SECONDS=$PACED_SECONDS IDLE_CONNECTIONS=$IDLE_CONNECTIONS

### Throughput, every reading logged

Load: \`bench/loadgen.py flood\`, $CONNECTIONS connections each sending \`HELLO\` and then readings as
fast as the server takes them (pre-built blocks, so the generator costs little); time runs from
the first connection until the server's log stops growing (so it includes up to one 0.05 s flush
interval). Servers: \`tcplab serve --log swift.jsonl --quiet\` (release build) and
\`python_server.py --log python.jsonl\`. Every reading counted is a line in the server's JSONL log.
The Python server gets fewer readings per connection so that its run stays short; the rate is what
is compared. CPU seconds are the server's user + system time, a figure the shared machine
disturbs less than wall time.

| server | readings sent | logged | seconds | readings/s | server CPU s | readings per CPU s |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
| tcplab serve | $swift_sent | $swift_logged ($(verdict "$swift_sent" "$swift_logged")) | $swift_elapsed | **$swift_rate** | $swift_cpu | $swift_cpu_rate |
| python_server.py | $python_sent | $python_logged ($(verdict "$python_sent" "$python_logged")) | $python_elapsed | $python_rate | $python_cpu | $python_cpu_rate |

**Ratio: ${ratio}×** the Python reference in readings/s (${cpu_ratio}× per CPU second); target: at least 10×.

### Latency with $PACED_DEVICES devices

\`bench/loadgen.py paced\`: $PACED_DEVICES devices each send a reading every $(python3 -c "print(1/$PACED_RATE)") s for $PACED_SECONDS s
($(python3 -c "print(int($PACED_DEVICES*$PACED_RATE))") readings/s in all). *Received* is send → the server's \`received\` stamp
(its clock is read to the millisecond and truncated, hence values near 0 or just below);
*in the log* is send → the line is in the log file, which both servers write in batches at
least every 0.05 s, so that figure is mostly the flush interval.

| server | sent | logged | received p50 / p99 / max (ms) | in the log p50 / p99 / max (ms) |
| --- | ---: | ---: | ---: | ---: |
$(paced_row "tcplab serve" "$OUT/swift.paced")
$(paced_row "python_server.py" "$OUT/python.paced")

### Memory per idle connection, 10,000 at once

\`bench/loadgen.py idle\`: $(value connections "$OUT/swift.idle") connections open at once (from source addresses 127.0.0.2–9,
so ephemeral ports do not run out), RSS read from \`/proc/PID/status\`; then each sends a HELLO and
one reading, all of which must reach the log.

| server | RSS before | RSS with all idle | per idle connection | after one reading each | readings logged |
| --- | ---: | ---: | ---: | ---: | ---: |
| tcplab serve | $(value rss_before_kib "$OUT/swift.idle") KiB | $(value rss_idle_kib "$OUT/swift.idle") KiB | **$(value per_idle_connection_bytes "$OUT/swift.idle") B** | $(value per_connection_after_reading_bytes "$OUT/swift.idle") B | $(value readings_logged "$OUT/swift.idle") |
| python_server.py | $(value rss_before_kib "$OUT/python.idle") KiB | $(value rss_idle_kib "$OUT/python.idle") KiB | $(value per_idle_connection_bytes "$OUT/python.idle") B | $(value per_connection_after_reading_bytes "$OUT/python.idle") B | $(value readings_logged "$OUT/python.idle") |

Target: at most 16 KiB (16384 B) per idle connection. RSS is the server process's own memory;
the kernel's socket buffers are not in it.
<!-- server-bench:end -->
REPORT
)

mkdir -p "$(dirname "$DOC")"
[ -f "$DOC" ] || : >"$DOC"  # main's file has other sections; this script owns only its own
REPORT="$report" python3 - "$DOC" <<'PY'
import os, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
section = os.environ["REPORT"]
pattern = re.compile(r"<!-- server-bench:begin -->.*?<!-- server-bench:end -->", re.S)
if pattern.search(text):
    text = pattern.sub(lambda _: section, text)
else:
    text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
echo "$report"
rm -f "$OUT"/*.jsonl

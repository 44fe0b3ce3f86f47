#!/usr/bin/env bash
# `make soak`: tcplab serve under hostile clients for a bounded time (issue "Robustness").
# Thousands of slowloris clients, garbage and over-long-line floods and clients that vanish
# without FIN or RST (bench/soak.py), while one well-behaved board (bench/loadgen.py paced, in its
# own process) sends 10 readings a second. Reports that board's latency (send -> the line is in
# the log), whether all its readings were logged, rejected lines by reason, refusals, and the
# server's RSS. Writes the result between the soak markers in docs/robustness.md.
#
#   make soak                         # or: bench/soak.sh
#   SOAK_SECONDS=60 SLOWLORIS=5000 bench/soak.sh
#
# Knobs (environment): SOAK_SECONDS (30), SLOWLORIS (2000), GARBAGE (8), LONGLINES (8),
# VANISH_RATE per second (20), BOARD_RATE readings/s (10), IDLE_TIMEOUT (10 s: reaps vanished
# clients within the run; the default of 60 s would only let them pile up longer).
set -euo pipefail
cd "$(dirname "$0")/.."

SOAK_SECONDS=${SOAK_SECONDS:-30}
SLOWLORIS=${SLOWLORIS:-2000}
GARBAGE=${GARBAGE:-8}
LONGLINES=${LONGLINES:-8}
VANISH_RATE=${VANISH_RATE:-20}
BOARD_RATE=${BOARD_RATE:-10}
IDLE_TIMEOUT=${IDLE_TIMEOUT:-10}
BIN=.build/release/tcplab
OUT=bench/out
DOC=docs/robustness.md

[ -x "$BIN" ] || swift build -c release --product tcplab
mkdir -p "$OUT"
rm -f "$OUT/soak.jsonl"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Events as JSON; only the last lines (the summary) are kept: a garbage flood makes millions.
"$BIN" serve --host 127.0.0.1 --port "$port" --log "$OUT/soak.jsonl" --format json --quiet \
    --idle-timeout "$IDLE_TIMEOUT" > >(tail -n 3 >"$OUT/soak.summary") 2>"$OUT/soak.err" &
server=$!
trap 'kill -9 $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1).close()" 2>/dev/null && break
    sleep 0.1
done

rss() { sed -n 's/^VmRSS:\s*\([0-9]*\).*/\1/p' "/proc/$server/status"; }
rss_start=$(rss)
( for _ in $(seq $((SOAK_SECONDS + 10))); do rss; sleep 1; done ) >"$OUT/soak.rss" 2>/dev/null &
sampler=$!

python3 bench/soak.py --port "$port" --duration "$SOAK_SECONDS" --slowloris "$SLOWLORIS" --garbage "$GARBAGE" \
    --longlines "$LONGLINES" --vanish-rate "$VANISH_RATE" >"$OUT/soak.hostile" &
hostile=$!
sleep 2  # the board starts once the slowloris crowd is connecting
python3 bench/loadgen.py paced --port "$port" --connections 1 --rate "$BOARD_RATE" \
    --duration "$((SOAK_SECONDS - 4))" --log "$OUT/soak.jsonl" >"$OUT/soak.board"
open_during=$(ls "/proc/$server/fd" | wc -l)
wait "$hostile"
rss_end=$(rss)
cpu=$(awk '{ printf "%.1f", ($14 + $15) / 100 }' "/proc/$server/stat")
kill "$sampler" 2>/dev/null || true
kill -INT "$server"
for _ in $(seq 150); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
sleep 0.5  # let tail write the summary

rss_max=$(sort -n "$OUT/soak.rss" | tail -1)
value() { sed -n "s/^$1=//p" "$2"; }
summary=$(grep '"event":"summary"' "$OUT/soak.summary" || echo '{}')
field() { SUMMARY="$summary" python3 -c "import json,os; v=json.loads(os.environ['SUMMARY']).get('$1'); print(json.dumps(v) if isinstance(v,(dict,list)) else v)"; }
reasons=$(SUMMARY="$summary" python3 -c "
import json, os
s = json.loads(os.environ['SUMMARY'])
for reason, count in sorted(s.get('rejected_by_reason', {}).items(), key=lambda kv: -kv[1]):
    print(f'| {reason} | {count} |')")
hostile_row() { value "$1" "$OUT/soak.hostile" || true; }

report=$(cat <<REPORT
<!-- soak:begin -->
## The server under hostile clients

Measured $(date -u +"%Y-%m-%d %H:%M UTC") on $(nproc) cores shared with other jobs, loopback, release build, by

    make soak      # = bench/soak.sh; SOAK_SECONDS=$SOAK_SECONDS SLOWLORIS=$SLOWLORIS GARBAGE=$GARBAGE LONGLINES=$LONGLINES VANISH_RATE=$VANISH_RATE BOARD_RATE=$BOARD_RATE IDLE_TIMEOUT=$IDLE_TIMEOUT

Server: \`tcplab serve --log soak.jsonl --format json --quiet --idle-timeout $IDLE_TIMEOUT\` (default
\`--max-line 256\`, no per-address limit or allowlist, so the limits under test are the framing
buffer and the idle timeout). For $SOAK_SECONDS s, at the same time (\`bench/soak.py\`):

| hostile client | what it did |
| --- | --- |
| slowloris | $(hostile_row slowloris_connected) connections, each trickling one byte a second of a line that never ends ($(hostile_row slowloris_bytes) bytes in all) |
| garbage flood | $GARBAGE connections sending binary noise and junk lines as fast as the server reads ($(hostile_row garbage_bytes) bytes) |
| over-long lines | $LONGLINES connections sending 1–64 KiB lines as fast as the server reads ($(hostile_row longlines_bytes) bytes) |
| vanishing | $(( $(hostile_row vanished_silently || echo 0) + 0 )) connections that sent HELLO and half a reading, then closed with TCP_REPAIR set: no FIN, no RST, like a board that lost power ($VANISH_RATE a second) |

Meanwhile one well-behaved board (\`loadgen.py paced\`, its own process) sent $BOARD_RATE readings a second:

| board | sent | logged | send → received stamp p50 / p99 / max | send → in the log file p50 / p99 / max |
| --- | ---: | ---: | ---: | ---: |
| paced-0 | $(value sent "$OUT/soak.board") | $(value logged "$OUT/soak.board") | $(value received_p50_ms "$OUT/soak.board") / $(value received_p99_ms "$OUT/soak.board") / $(value received_max_ms "$OUT/soak.board") ms | $(value logged_p50_ms "$OUT/soak.board") / $(value logged_p99_ms "$OUT/soak.board") / $(value logged_max_ms "$OUT/soak.board") ms |

"In the log file" includes the log writer's batching (a partial batch is written at least every
0.05 s); "received" is the server's own timestamp, read to the millisecond.

Server: $cpu s of CPU (user + system) in the run; RSS $rss_start KiB at start, at most $rss_max KiB during the run, $rss_end KiB at the end of
it; $open_during descriptors open while the board finished. Summary at shutdown: $(field readings)
readings, $(field rejected) lines rejected, $(field connections_total) connections, $(field idle_timeouts) closed by the
idle timeout, $(field bytes) bytes received.

| rejected lines by reason | count |
| --- | ---: |
$reasons
<!-- soak:end -->
REPORT
)

mkdir -p "$(dirname "$DOC")"
[ -f "$DOC" ] || : >"$DOC"  # other sections belong to other tools; this script owns only its own
REPORT="$report" python3 - "$DOC" <<'PY'
import os, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
section = os.environ["REPORT"]
pattern = re.compile(r"<!-- soak:begin -->.*?<!-- soak:end -->", re.S)
if pattern.search(text):
    text = pattern.sub(lambda _: section, text)
else:
    text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section + "\n"
open(path, "w", encoding="utf-8").write(text)
PY
echo "$report"
rm -f "$OUT/soak.jsonl"

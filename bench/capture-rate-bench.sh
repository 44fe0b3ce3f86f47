#!/usr/bin/env bash
# Live capture under load: the highest packet rate `tcplab capture` keeps with no kernel drops,
# printing the annotated text, printing JSON, and only writing a file, each next to tcpdump
# doing the comparable job. Writes its figures between the capture-rate-bench markers in
# docs/performance.md.
#
#   sudo bench/capture-rate-bench.sh          (make bench runs it too)
#
# Needs root: it makes its own network namespace, so the traffic and the captures touch nothing
# else and the namespace's loopback counter holds exactly the packets sent. bench/rate_traffic.py
# sends sensor readings at a target packet rate; for each mode the rate steps up (RATES,
# SECONDS_PER_STEP each) and stops at the first step with drops, with packets missing, or that the
# generator could not reach (below 90 % of the target). Each step: start the capture, send, let
# the capture take its last block, Ctrl-C it, and compare its closing counts ("N packets
# captured", "... dropped by kernel") with the packets the kernel sent. Then steps with each
# capture stopped (SIGSTOP) while the traffic arrives show how many packets its ring holds (what
# -B sets), at a slow and a fast rate. Every step is bounded in time; the whole run takes about
# 4.5 minutes.
#
# Knobs (environment): TCPLAB (.build/release/tcplab), RATES ("2000 5000 10000 20000 40000 80000"),
# SECONDS_PER_STEP (5), CONNECTIONS (8, boards of the generator), STALLS ("500:10 20000:4",
# rate:seconds of the stalled-reader steps).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "capture-rate-bench: needs root (network namespace + capture)" >&2; exit 1; }

TCPLAB=${TCPLAB:-.build/release/tcplab}
RATES=${RATES:-2000 5000 10000 20000 40000 80000}
SECONDS_PER_STEP=${SECONDS_PER_STEP:-5}
CONNECTIONS=${CONNECTIONS:-8}
STALLS=${STALLS:-500:10 20000:4}
STEP_SECONDS=$SECONDS_PER_STEP
[ -x "$TCPLAB" ] || { echo "capture-rate-bench: no $TCPLAB (swift build -c release, or TCPLAB=path)" >&2; exit 1; }
command -v tcpdump >/dev/null || { echo "capture-rate-bench: needs tcpdump" >&2; exit 1; }
TCPLAB=$(realpath "$TCPLAB")

out=bench/out
mkdir -p "$out"
results="$out/capture-rate.jsonl"
: > "$results"
load_before=$(cut -d' ' -f1 /proc/loadavg)
namespace=tcplab-rate-$$
# The capture files go where tcpdump (which becomes user tcpdump) and tcplab (which becomes the
# sudo user) may still write after giving up root.
scratch=$(mktemp -d /tmp/capture-rate.XXXXXX)
chmod 1777 "$scratch"
capture_pid=
cleanup() {
    if [ -n "$capture_pid" ]; then kill -9 "$capture_pid" 2>/dev/null || true; fi
    ip netns del "$namespace" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
ip netns add "$namespace"
ip netns exec "$namespace" ip link set lo up
in_ns() { ip netns exec "$namespace" "$@"; }
lo_packets() { in_ns cat /sys/class/net/lo/statistics/tx_packets; }
# CPU time of every thread of a process, in ns (schedstat: finer than /proc/PID/stat's ticks).
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ t += $1 } END { printf "%.0f\n", t }'; }
count() { sed -n "s/^\([0-9]*\) packets $1\$/\1/p" "$2" | tail -1; }

# step MODE TOOL RATE COMMAND...: one capture at one rate; appends a JSON line to $results and
# returns 1 when the rate should not be raised further.
step() {
    local mode=$1 tool=$2 rate=$3; shift 3
    local err="$scratch/stderr" ready=
    rm -f "$scratch"/*.pcap
    # Not through in_ns: a function in the background is a subshell, and $! must be the capture
    # itself (ip netns exec execs it) for Ctrl-C to reach it.
    ip netns exec "$namespace" "$@" > /dev/null 2> "$err" &
    capture_pid=$!
    for _ in $(seq 100); do   # at most 5 s for the capture to open
        if grep -qE '^(tcpdump: )?listening on|^tcplab: capturing on' "$err"; then ready=1; break; fi
        sleep 0.05
    done
    [ -n "$ready" ] || { echo "capture-rate-bench: $mode did not start:" >&2; cat "$err" >&2; exit 1; }
    sleep 0.3
    local before cpu0 generator after cpu1
    before=$(lo_packets); cpu0=$(cpu_ns "$capture_pid")
    [ -z "$STALL" ] || kill -STOP "$capture_pid"
    generator=$(in_ns timeout $((SECONDS_PER_STEP + 20)) python3 bench/rate_traffic.py \
        --rate "$rate" --seconds "$SECONDS_PER_STEP" --connections "$CONNECTIONS")
    [ -z "$STALL" ] || kill -CONT "$capture_pid"
    # Let the capture take its last packets: a TPACKET_V3 block is handed over when it fills, or
    # when the kernel's timer finds it still open twice: up to 2 × 1 s for tcpdump, 2 × 50 ms for tcplab.
    local settle=1.0
    [ "$tool" = tcpdump ] && settle=2.5
    sleep "$settle"
    after=$(lo_packets); cpu1=$(cpu_ns "$capture_pid")
    kill -INT "$capture_pid"
    for _ in $(seq 100); do kill -0 "$capture_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$capture_pid" 2>/dev/null || true
    wait "$capture_pid" 2>/dev/null || true
    capture_pid=
    local captured received dropped
    captured=$(count captured "$err"); received=$(count 'received by filter' "$err")
    dropped=$(count 'dropped by kernel' "$err")
    [ -n "$captured" ] && [ -n "$dropped" ] || { echo "capture-rate-bench: $mode printed no counts:" >&2; cat "$err" >&2; exit 1; }
    local line
    line=$(python3 - "$mode" "$tool" "$generator" "$before" "$after" "$captured" "${received:-0}" "$dropped" \
        "$cpu0" "$cpu1" <<'EOF'
import json, sys
mode, tool, generator, before, after, captured, received, dropped, cpu0, cpu1 = sys.argv[1:]
g = json.loads(generator)
sent = int(after) - int(before)
row = {"mode": mode, "tool": tool, "target": g["target"], "achieved": g["rate"], "sent": sent,
       "captured": int(captured), "received": int(received), "dropped": int(dropped),
       "missing": sent - int(captured), "per_write": g["packets_per_write"],
       # The capture's CPU time (all of it, settling included) as a share of one core over the
       # paced phase, and per packet captured.
       "cpu": round((int(cpu1) - int(cpu0)) / 1e9 / g["seconds"], 3),
       "us_per_packet": round((int(cpu1) - int(cpu0)) / 1e3 / max(1, int(captured)), 2)}
row["reached"] = g["rate"] >= 0.9 * g["target"]
row["clean"] = row["dropped"] == 0 and row["missing"] == 0
print(json.dumps(row))
EOF
)
    echo "$line" >> "$results"
    echo "capture-rate-bench: $line" >&2
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if r["clean"] and r["reached"] else 1)' "$line"
}

STALL=
# mode TOOL NAME COMMAND...: the rate steps for one command.
mode() {
    local tool=$1 name=$2; shift 2
    echo "capture-rate-bench: $name" >&2
    for rate in $RATES; do
        step "$name" "$tool" "$rate" "$@" || break
    done
}

mode tcplab text   "$TCPLAB" capture -i lo
mode tcplab json   "$TCPLAB" capture -i lo --format json
mode tcplab file   "$TCPLAB" capture -i lo -q -w "$scratch/tcplab.pcap"
mode tcpdump text  tcpdump -i lo -nn -X tcp port 5050
mode tcpdump file  tcpdump -i lo -w "$scratch/tcpdump.pcap" tcp port 5050

# What the ring holds: the capture stopped (as by Ctrl-Z, or a pager nobody reads) while traffic
# arrives (STALLS: rate:seconds pairs); what it has captured once resumed is what its ring held.
echo "capture-rate-bench: stalled reader" >&2
STALL=1
for stall in $STALLS; do
    SECONDS_PER_STEP=${stall#*:}
    step stall tcplab "${stall%%:*}" "$TCPLAB" capture -i lo -q -w "$scratch/tcplab.pcap" || true
    step stall tcpdump "${stall%%:*}" tcpdump -i lo -w "$scratch/tcpdump.pcap" tcp port 5050 || true
done
STALL= SECONDS_PER_STEP=$STEP_SECONDS

# The machine may be shared: the load average says how busy it was around the run.
echo "{\"tool\": \"meta\", \"mode\": \"load\", \"load_before\": $load_before, \"load_after\": $(cut -d' ' -f1 /proc/loadavg)}" >> "$results"

python3 bench/report.py capture-rate "$results" "$STEP_SECONDS" "$RATES"

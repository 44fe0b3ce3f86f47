#!/usr/bin/env bash
# Decoding speed of `tcplab read` next to tcpdump and tshark, on the same capture of real loopback
# traffic, in one run; writes the medians and ratios into docs/performance.md.
#
# Needs root (it makes a network namespace so the traffic and the capture touch nothing else),
# the release build (.build/release/tcplab), tcpdump, tshark and hyperfine (`make bench` installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "capture-bench: needs root (network namespace + capture)"; exit 1; }

out=bench/out
mkdir -p "$out"
tcplab=.build/release/tcplab
namespace=tcplab-bench-$$
cleanup() { ip netns del "$namespace" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$namespace"
ip netns exec "$namespace" ip link set lo up

# Record real traffic from bench/traffic.py (its arguments after FILE). Bounded in count and time.
record() {   # record FILE TRAFFIC-ARGUMENTS...
    local file=$1; shift
    ip netns exec "$namespace" tcpdump -i lo -U -s 262144 -w "$file" 'tcp port 5050' 2>/dev/null &
    local capture=$!
    sleep 1
    ip netns exec "$namespace" timeout 300 python3 bench/traffic.py "$@"
    sleep 0.5
    kill -INT "$capture"; wait "$capture" || true
}
echo "capture-bench: recording traffic (about 25 s)..."
# Many short connections: boards connect, send 20 readings with TCP_NODELAY, close.
record "$out/capture.pcap" --connections 2500 --readings 20 --seconds 240
record "$out/capture-2x.pcap" --connections 5000 --readings 20 --seconds 240
# Payload-heavy: 8 boards stream 100,000 readings each as fast as loopback takes them.
record "$out/streams.pcap" --streams 8 --readings 100000 --seconds 60
packets=$(tcpdump -nn -r "$out/capture.pcap" 2>/dev/null | wc -l)
spackets=$(tcpdump -nn -r "$out/streams.pcap" 2>/dev/null | wc -l)
packets2=$(tcpdump -nn -r "$out/capture-2x.pcap" 2>/dev/null | wc -l)
echo "capture-bench: $packets packets (and $packets2 in the 2x file), $spackets in the payload-heavy one"

# The same four reads of FILE, the graphs of its busiest connection, and one more command (NAME, COMMAND), timed into RESULTS.
time_reads() {   # time_reads FILE RESULTS NAME COMMAND
    hyperfine --warmup 1 --runs 7 --style basic --export-json "$2" \
        -n "tcplab read F --format json" "$tcplab read $1 --format json > /dev/null" \
        -n "tcplab read F" "$tcplab read $1 --color never > /dev/null" \
        -n "tcpdump -nn -r F" "tcpdump -nn -r $1 > /dev/null 2>&1" \
        -n "tcpdump -nn -X -r F" "tcpdump -nn -X -r $1 > /dev/null 2>&1" \
        -n "tcplab graph F --svg --csv" "$tcplab graph $1 --svg $out/graph.svg --csv $out/graph.csv 2> /dev/null" \
        -n "$3" "$4"
}
F="$out/capture.pcap"
S="$out/streams.pcap"
time_reads "$F" "$out/capture-bench.json" "tshark -r F -T json" "tshark -r $F -T json > /dev/null 2>&1"
time_reads "$S" "$out/capture-bench-streams.json" "cat F (reading the file)" "cat $S > /dev/null"

# TCP over time: the per-connection summary must stay within 1.5x the time of the JSON of the
# same capture (the graphs are timed with the reads above).
time_analysis() {   # time_analysis FILE RESULTS
    hyperfine --warmup 1 --runs 7 --style basic --export-json "$2" \
        -n "tcplab read F --format json" "$tcplab read $1 --format json > /dev/null" \
        -n "tcplab read F --summary-only" "$tcplab read $1 --summary-only --color never > /dev/null" \
        -n "tcplab read F --summary-only --format json" "$tcplab read $1 --summary-only --format json > /dev/null"
}
time_analysis "$F" "$out/capture-analysis.json"
time_analysis "$S" "$out/capture-analysis-streams.json"
python3 bench/report.py analysis "$out/capture-analysis.json" "$packets" "$out/capture-analysis-streams.json" "$spackets"

# Memory must follow open connections, not packets: the same traffic, twice as long.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
rss1=$(rss "$tcplab" read "$out/capture.pcap" --format json)
rss2=$(rss "$tcplab" read "$out/capture-2x.pcap" --format json)

srss=$(rss "$tcplab" read "$S" --format json)
python3 bench/report.py capture "$out/capture-bench.json" "$packets" "$packets2" "$rss1" "$rss2" \
    "$out/capture-bench-streams.json" "$spackets" "$(stat -c %s "$S")" "$srss"

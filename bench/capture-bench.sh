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

# Record real traffic: boards connect, send readings with TCP_NODELAY, close. Bounded in count and time.
record() {   # record FILE CONNECTIONS
    ip netns exec "$namespace" tcpdump -i lo -U -s 262144 -w "$1" 'tcp port 5050' 2>/dev/null &
    local capture=$!
    sleep 1
    ip netns exec "$namespace" timeout 300 python3 bench/traffic.py --connections "$2" --readings 20 --seconds 240
    sleep 0.5
    kill -INT "$capture"; wait "$capture" || true
}
echo "capture-bench: recording traffic (about 20 s)..."
record "$out/capture.pcap" 2500
record "$out/capture-2x.pcap" 5000
# The payload-heavy capture: 8 boards stream 100,000 readings each as fast as loopback takes them.
ip netns exec "$namespace" tcpdump -i lo -U -s 262144 -w "$out/streams.pcap" 'tcp port 5050' 2>/dev/null &
capture=$!
sleep 1
ip netns exec "$namespace" timeout 120 python3 bench/traffic.py --streams 8 --readings 100000 --seconds 60
sleep 0.5
kill -INT "$capture"; wait "$capture" || true
packets=$(tcpdump -nn -r "$out/capture.pcap" 2>/dev/null | wc -l)
spackets=$(tcpdump -nn -r "$out/streams.pcap" 2>/dev/null | wc -l)
packets2=$(tcpdump -nn -r "$out/capture-2x.pcap" 2>/dev/null | wc -l)
echo "capture-bench: $packets packets (and $packets2 in the 2x file), $spackets in the payload-heavy one"

F="$out/capture.pcap"
hyperfine --warmup 1 --runs 7 --style basic --export-json "$out/capture-bench.json" \
    -n "tcplab read F --format json" "$tcplab read $F --format json > /dev/null" \
    -n "tcplab read F" "$tcplab read $F --color never > /dev/null" \
    -n "tcpdump -nn -r F" "tcpdump -nn -r $F > /dev/null 2>&1" \
    -n "tcpdump -nn -X -r F" "tcpdump -nn -X -r $F > /dev/null 2>&1" \
    -n "tshark -r F -T json" "tshark -r $F -T json > /dev/null 2>&1"

S="$out/streams.pcap"
hyperfine --warmup 1 --runs 7 --style basic --export-json "$out/capture-bench-streams.json" \
    -n "tcplab read F --format json" "$tcplab read $S --format json > /dev/null" \
    -n "tcplab read F" "$tcplab read $S --color never > /dev/null" \
    -n "tcpdump -nn -r F" "tcpdump -nn -r $S > /dev/null 2>&1" \
    -n "tcpdump -nn -X -r F" "tcpdump -nn -X -r $S > /dev/null 2>&1" \
    -n "cat F (reading the file)" "cat $S > /dev/null"

# Memory must follow open connections, not packets: the same traffic, twice as long.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
rss1=$(rss "$tcplab" read "$out/capture.pcap" --format json)
rss2=$(rss "$tcplab" read "$out/capture-2x.pcap" --format json)

srss=$(rss "$tcplab" read "$S" --format json)
python3 bench/report.py capture "$out/capture-bench.json" "$packets" "$packets2" "$rss1" "$rss2" \
    "$out/capture-bench-streams.json" "$spackets" "$(stat -c %s "$S")" "$srss"

#!/usr/bin/env bash
# Writes the tshark reference table F.tshark.tsv next to every capture F in a directory (default
# Tests/Fixtures), or for the captures named on the command line. Needs only tshark, not root.
#
# Usage: scripts/tshark-reference.sh [DIR | FILE.pcap ...]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null 2>&1 || { echo "tshark-reference.sh: needs tshark (apt-get install -y tshark)" >&2; exit 1; }

FIELDS=(frame.number frame.time_epoch ip.src ip.dst ipv6.src ipv6.dst tcp.srcport tcp.dstport
        tcp.stream tcp.flags tcp.seq tcp.seq_raw tcp.ack tcp.ack_raw tcp.nxtseq tcp.len tcp.hdr_len
        tcp.window_size_value tcp.window_size tcp.window_size_scalefactor tcp.options.mss_val
        tcp.options.wscale.shift tcp.options.sack_perm tcp.options.sack_le tcp.options.sack_re
        tcp.options.timestamp.tsval tcp.options.timestamp.tsecr tcp.payload _ws.col.Info)
ANALYSIS=(retransmission fast_retransmission spurious_retransmission out_of_order lost_segment
          ack_lost_segment duplicate_ack duplicate_ack_num duplicate_ack_frame zero_window
          zero_window_probe zero_window_probe_ack window_full window_update keep_alive keep_alive_ack
          ack_rtt acks_frame initial_rtt bytes_in_flight)

args=()
for f in "${FIELDS[@]}"; do args+=(-e "$f"); done
for x in "${ANALYSIS[@]}"; do args+=(-e "tcp.analysis.$x"); done

files=()
if [ $# -eq 0 ]; then set -- "$HERE/../Tests/Fixtures"; fi
for a in "$@"; do
    if [ -d "$a" ]; then
        for f in "$a"/*.pcap "$a"/*.pcapng; do [ -e "$f" ] && files+=("$f"); done
    else
        files+=("$a")
    fi
done
[ ${#files[@]} -gt 0 ] || { echo "tshark-reference.sh: no captures found" >&2; exit 1; }

for f in "${files[@]}"; do
    out="${f%.*}.tshark.tsv"
    # -n: no name resolution, so the table does not depend on the machine that makes it.
    tshark -n -r "$f" -o tcp.relative_sequence_numbers:TRUE -T fields -E header=y -E separator=/t \
        -E occurrence=a -E aggregator=, "${args[@]}" >"$out.tmp" 2>"$out.err" || {
        cat "$out.err" >&2; rm -f "$out.tmp" "$out.err"; exit 1; }
    sed -i "/Running as user \"root\"/d" "$out.err"
    if [ -s "$out.err" ]; then
        echo "tshark warnings for $f:" >&2; cat "$out.err" >&2
    fi
    rm -f "$out.err"
    mv -f "$out.tmp" "$out"
    printf '   %s: %s rows\n' "$(basename "$out")" "$(($(wc -l <"$out") - 1))" >&2
done

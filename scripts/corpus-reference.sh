#!/usr/bin/env bash
# Writes tshark's view of every TCP frame of a folder of captures, one compact table per capture,
# for the corpus agreement test (Tests/CLITests/CorpusAgreementTests.swift). Needs tshark and
# python3, not root; the test itself needs neither, so these tables are committed.
#
# Usage: scripts/corpus-reference.sh [CORPUS_DIR [REFERENCE_DIR]]
#   default: Tests/Fixtures/corpus → Tests/Fixtures/corpus/reference
# Another corpus (one kept aside, say) is checked with
#   scripts/corpus-reference.sh DIR DIR/reference && TCPLAB_CORPUS=DIR swift test --filter Corpus
#
# Each table NAME.tsv starts with one comment line saying whether tshark read the file to its
# end, then one row per frame tshark decodes as TCP (a frame with TCP inside TCP, e.g. two
# tunnelled layers, is left out). The payload is kept as its length and FNV-1a 64 hash, so the
# tables stay small.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
corpus=${1:-$HERE/../Tests/Fixtures/corpus}
out=${2:-$corpus/reference}
for tool in tshark python3; do
    command -v $tool >/dev/null 2>&1 || { echo "corpus-reference.sh: needs $tool" >&2; exit 1; }
done
mkdir -p "$out"

FIELDS=(frame.number frame.time_epoch tcp.srcport tcp.dstport tcp.stream tcp.seq tcp.seq_raw tcp.ack
        tcp.ack_raw tcp.nxtseq tcp.len tcp.hdr_len tcp.window_size_value tcp.window_size
        tcp.window_size_scalefactor tcp.payload icmp.type icmpv6.type tcp.analysis.ack_rtt
        tcp.analysis.acks_frame tcp.analysis.bytes_in_flight)
ANALYSIS=(retransmission fast_retransmission spurious_retransmission out_of_order lost_segment
          ack_lost_segment duplicate_ack zero_window zero_window_probe zero_window_probe_ack
          window_full window_update keep_alive keep_alive_ack)
args=()
for f in "${FIELDS[@]}"; do args+=(-e "$f"); done
for x in "${ANALYSIS[@]}"; do args+=(-e "tcp.analysis.$x"); done

count=0
for f in "$corpus"/*; do
    case "$f" in *.pcap|*.pcapng|*.cap|*.dmp|*.pcap.gz) ;; *) continue ;; esac
    name=$(basename "$f"); name=${name%.*}
    err=$(mktemp)
    tshark -n -r "$f" -o tcp.relative_sequence_numbers:TRUE -o tcp.analyze_sequence_numbers:TRUE \
        -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, "${args[@]}" \
        2>"$err" | python3 -c '
import sys
analysis = sys.argv[1].split()
stop = [l for l in open(sys.argv[2]).read().splitlines() if l and "Running as user" not in l]
print("# tshark: " + ("stopped: " + stop[0] if stop else "read to the end"))
print("\t".join(["frame", "time", "sport", "dport", "stream", "seq", "seq_raw", "ack", "ack_raw", "next_seq",
                 "len", "hdr_len", "win", "win_scaled", "payload", "analysis", "quoted", "ack_rtt", "acks_frame",
                 "bytes_in_flight"]))
lines = sys.stdin.read().split("\n")
head = lines[0].split("\t")
for line in lines[1:]:
    if not line: continue
    r = dict(zip(head, line.split("\t")))
    if not r.get("tcp.srcport") or "," in r["tcp.srcport"]: continue
    payload = bytes.fromhex(r.get("tcp.payload", "").replace(":", ""))
    h = 0xcbf29ce484222325
    for b in payload: h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    scaled = "" if r.get("tcp.window_size_scalefactor") == "-1" else r.get("tcp.window_size", "")
    flags = ",".join(a for a in analysis if r.get("tcp.analysis." + a))
    quoted = "1" if r.get("icmp.type") or r.get("icmpv6.type") else ""
    print("\t".join([r["frame.number"], r["frame.time_epoch"], r["tcp.srcport"], r["tcp.dstport"],
                     r.get("tcp.stream", ""), r.get("tcp.seq", ""), r.get("tcp.seq_raw", ""), r.get("tcp.ack", ""),
                     r.get("tcp.ack_raw", ""), r.get("tcp.nxtseq", ""), r.get("tcp.len", ""), r.get("tcp.hdr_len", ""),
                     r.get("tcp.window_size_value", ""), scaled,
                     "%d:%016x" % (len(payload), h) if payload else "", flags, quoted,
                     r.get("tcp.analysis.ack_rtt", ""), r.get("tcp.analysis.acks_frame", ""),
                     r.get("tcp.analysis.bytes_in_flight", "")]))
' "${ANALYSIS[*]}" "$err" >"$out/$name.tsv"
    rm -f "$err"
    count=$((count + 1))
done
echo "corpus-reference.sh: $count tables in $out" >&2

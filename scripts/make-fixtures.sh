#!/usr/bin/env bash
# Makes the pcap/pcapng test fixtures in Tests/Fixtures/ from REAL Linux traffic, then their tshark
# reference tables (scripts/tshark-reference.sh). See Tests/Fixtures/README.md for what each shows.
#
# Usage: sudo scripts/make-fixtures.sh [fixture-name ...]     (no names = all of them)
#
# Network rule: every packet stays inside network namespaces this script creates (veth pairs,
# their own loopback) and that it deletes again on exit. Addresses (10.55.x.x, fd55::/64) exist only
# inside those namespaces. Every wait is bounded; the whole run takes well under two minutes.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT="$ROOT/Tests/Fixtures"
PEERS="$HERE/fixture_peers.py"

if [ "$(id -u)" -ne 0 ]; then
    echo "make-fixtures.sh: needs root (it creates network namespaces, veth pairs and nftables" >&2
    echo "rules, and captures with tcpdump). Run: sudo $0 $*" >&2
    exit 1
fi
for tool in ip nft tcpdump tshark dumpcap editcap python3 timeout; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "make-fixtures.sh: '$tool' is missing; apt-get install -y tshark tcpdump nftables iproute2" >&2
        exit 1
    fi
done

TAG="tlfx$$"          # namespaces: ${TAG}c (client), ${TAG}s (server), ${TAG}r (router)
NS_C="${TAG}c"; NS_S="${TAG}s"; NS_R="${TAG}r"
WORK=$(mktemp -d /tmp/tcplab-fixtures.XXXXXX)
PIDS=()

log() { printf '\n== %s\n' "$*" >&2; }

cleanup() {
    local rc=$?
    for pid in "${PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    for ns in "$NS_C" "$NS_S" "$NS_R"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

inns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

del_namespaces() {
    for ns in "$NS_C" "$NS_S" "$NS_R"; do ip netns del "$ns" 2>/dev/null || true; done
}

quiet_ns() {  # no IPv6 router solicitations / DAD delays; fixed TCP defaults
    local ns=$1
    inns "$ns" ip link set lo up
    for k in all default; do
        inns "$ns" sysctl -qw net.ipv6.conf.$k.accept_dad=0 net.ipv6.conf.$k.router_solicitations=0 \
            net.ipv6.conf.$k.accept_ra=0
    done
}

# Two namespaces joined by a veth pair: client c0 10.55.0.2 / fd55::2, server s0 10.55.0.1 / fd55::1.
setup_pair() {
    del_namespaces
    ip netns add "$NS_C"; ip netns add "$NS_S"
    quiet_ns "$NS_C"; quiet_ns "$NS_S"
    ip link add c0 netns "$NS_C" address 02:55:00:00:00:02 type veth \
        peer name s0 netns "$NS_S" address 02:55:00:00:00:01
    inns "$NS_C" ip addr add 10.55.0.2/24 dev c0
    inns "$NS_S" ip addr add 10.55.0.1/24 dev s0
    inns "$NS_C" ip -6 addr add fd55::2/64 dev c0 nodad
    inns "$NS_S" ip -6 addr add fd55::1/64 dev s0 nodad
    inns "$NS_C" ip link set c0 up
    inns "$NS_S" ip link set s0 up
    sleep 0.2   # let link-up chatter (MLD reports) pass before any capture starts
    # Warm-up (not captured): one refused connection per family proves both ends answer (once the
    # first IPv6 neighbour solicitation went unanswered and was repeated 1 s later), then forget
    # the neighbours again so the fixtures still show ARP / neighbour discovery from scratch.
    client "$NS_C" --connect 10.55.0.1 --port 5051 --expect-refused --timeout 3 2>/dev/null || true
    client "$NS_C" --connect fd55::1 --port 5051 --expect-refused --timeout 3 2>/dev/null || true
    inns "$NS_C" ip neigh flush dev c0
    inns "$NS_S" ip neigh flush dev s0
}

# Client - router - server: c0 10.55.1.2 <-> r0 10.55.1.1 | r1 10.55.0.254 <-> s0 10.55.0.1
setup_routed() {
    del_namespaces
    ip netns add "$NS_C"; ip netns add "$NS_S"; ip netns add "$NS_R"
    quiet_ns "$NS_C"; quiet_ns "$NS_S"; quiet_ns "$NS_R"
    ip link add c0 netns "$NS_C" address 02:55:01:00:00:02 type veth \
        peer name r0 netns "$NS_R" address 02:55:01:00:00:01
    ip link add r1 netns "$NS_R" address 02:55:00:00:00:fe type veth \
        peer name s0 netns "$NS_S" address 02:55:00:00:00:01
    inns "$NS_C" ip addr add 10.55.1.2/24 dev c0
    inns "$NS_R" ip addr add 10.55.1.1/24 dev r0
    inns "$NS_R" ip addr add 10.55.0.254/24 dev r1
    inns "$NS_S" ip addr add 10.55.0.1/24 dev s0
    for l in "$NS_C c0" "$NS_R r0" "$NS_R r1" "$NS_S s0"; do
        set -- $l; inns "$1" ip link set "$2" up
    done
    inns "$NS_C" ip route add default via 10.55.1.1
    inns "$NS_S" ip route add default via 10.55.0.254
    inns "$NS_R" sysctl -qw net.ipv4.ip_forward=1
    sleep 0.2
}

# capture_start NS FILE tcpdump-args... : start tcpdump and wait until it listens.
CAP_PID=""
capture_start() {
    local ns=$1 file=$2; shift 2
    local err="$WORK/tcpdump.$RANDOM.err"
    ip netns exec "$ns" tcpdump -U --immediate-mode -Z root -w "$file" "$@" 2>"$err" &
    CAP_PID=$!; PIDS+=("$CAP_PID")
    for _ in $(seq 1 100); do
        grep -q "listening on" "$err" 2>/dev/null && return 0
        kill -0 "$CAP_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$err" >&2; echo "tcpdump did not start" >&2; return 1
}
capture_stop() {
    sleep 0.3
    kill -INT "$CAP_PID" 2>/dev/null || true
    wait "$CAP_PID" 2>/dev/null || true
}

# server_start NS peers-server-args... : start the python server, wait until it listens.
SRV_PID=""
server_start() {
    local ns=$1; shift
    local ready="$WORK/ready.$RANDOM"
    ip netns exec "$ns" timeout 30 python3 "$PEERS" server --ready-file "$ready" "$@" &
    SRV_PID=$!; PIDS+=("$SRV_PID")
    for _ in $(seq 1 100); do
        [ -e "$ready" ] && return 0
        sleep 0.05
    done
    echo "server did not start" >&2; return 1
}
server_wait() { wait "$SRV_PID" || echo "(server exited with $?)" >&2; }

client() { local ns=$1; shift; ip netns exec "$ns" timeout 30 python3 "$PEERS" client "$@"; }

# finish NAME TMPFILE: move a capture into place and say what it holds.
finish() {
    local name=$1 tmp=$2
    mv -f "$tmp" "$OUT/$name"
    chmod 644 "$OUT/$name"
    printf '   %s: %s frames\n' "$name" "$(tshark -r "$OUT/$name" 2>/dev/null | wc -l)" >&2
}

FILTER="tcp port 5050"

# ------------------------------------------------------------------------------------------------
# the fixtures

fx_handshake_readings_fin() {
    log "handshake-readings-fin.pcap: IPv4 over veth, with the ARP exchange before the SYN"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER or arp"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 5
    server_wait; capture_stop
    finish handshake-readings-fin.pcap "$f"
}

fx_loopback_ethernet() {
    log "loopback-ethernet.pcap: the same over lo (DLT_EN10MB with zero MACs)"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i lo "$FILTER"
    server_start "$NS_S" --bind 127.0.0.1
    client "$NS_S" --connect 127.0.0.1 --count 5
    server_wait; capture_stop
    finish loopback-ethernet.pcap "$f"
}

fx_ipv6() {
    log "ipv6.pcap: IPv6 over veth, with neighbour solicitation/advertisement before the SYN"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER or (icmp6 and (ip6[40] == 135 or ip6[40] == 136))"
    server_start "$NS_S" --bind fd55::1
    client "$NS_C" --connect fd55::1 --count 5
    server_wait; capture_stop
    finish ipv6.pcap "$f"
}

fx_refused() {
    log "refused.pcap: SYN to a closed port, answered by RST-ACK"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_C" "$f" -i c0 "$FILTER"
    client "$NS_C" --connect 10.55.0.1 --expect-refused
    capture_stop
    finish refused.pcap "$f"
}

fx_rst_abort() {
    log "rst-abort.pcap: HELLO + 3 readings, then close() with SO_LINGER 0 (RST)"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 5 --abort-after 3 --before-close 0.1
    server_wait; capture_stop
    finish rst-abort.pcap "$f"
}

fx_cooked_any() {
    # tcpdump 4.99 + libpcap 1.10 write LINUX_SLL2 for "-i any" unless told otherwise: -y LINUX_SLL.
    log "cooked-any.pcap: -i any -y LINUX_SLL (Linux cooked v1, DLT_LINUX_SLL)"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i any -y LINUX_SLL "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 5
    server_wait; capture_stop
    finish cooked-any.pcap "$f"
}

fx_cooked_v2() {
    log "cooked-v2.pcap: -i any -y LINUX_SLL2 (Linux cooked v2)"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i any -y LINUX_SLL2 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 5
    server_wait; capture_stop
    finish cooked-v2.pcap "$f"
}

fx_snaplen_60() {
    log "snaplen-60.pcap: -s 60 (TCP options and payload cut off)"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 -s 60 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 5
    server_wait; capture_stop
    finish snaplen-60.pcap "$f"
}

fx_readings_pcapng() {
    log "readings.pcapng: written by dumpcap (pcapng)"
    setup_pair
    local f="$WORK/a.pcapng" err="$WORK/dumpcap.err"
    ip netns exec "$NS_S" dumpcap -q -i s0 -f "$FILTER" -w "$f" 2>"$err" &
    CAP_PID=$!; PIDS+=("$CAP_PID")
    for _ in $(seq 1 100); do
        grep -q "Capturing on" "$err" 2>/dev/null && break
        sleep 0.05
    done
    grep -q "Capturing on" "$err" || { cat "$err" >&2; echo "dumpcap did not start" >&2; return 1; }
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 6
    server_wait; capture_stop
    finish readings.pcapng "$f"
}

fx_mid_connection() {
    log "mid-connection.pcap: capture starts after the handshake, HELLO and reading 0"
    setup_pair
    local f="$WORK/a.pcap" mark="$WORK/mark" go="$WORK/go"
    rm -f "$mark" "$go"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 5 --mark-after 1 --mark-file "$mark" --go-file "$go" &
    local cpid=$!; PIDS+=("$cpid")
    for _ in $(seq 1 100); do [ -e "$mark" ] && break; sleep 0.05; done
    sleep 0.2   # the ACK of reading 0 has been sent: the capture starts on an idle connection
    capture_start "$NS_S" "$f" -i s0 "$FILTER"
    touch "$go"
    wait "$cpid" || true
    server_wait; capture_stop
    finish mid-connection.pcap "$f"
}

# vlan.pcap: this kernel has no 8021q module (no `ip link add ... type vlan`), so both veth ends
# get two tiny eBPF programs (fixture_peers.py vlan-tag): egress pushes tag 55, ingress pops it.
# The tag is on the wire between them; tcpdump on s0 shows it (libpcap re-inserts the tag the
# kernel keeps out of band). If the programs cannot be attached, the fixture is skipped.
fx_vlan() {
    log "vlan.pcap: 802.1Q tag 55 on the veth (pushed/popped by eBPF at tcx egress/ingress)"
    setup_pair
    if ! inns "$NS_C" python3 "$PEERS" vlan-tag --dev c0 --vid 55 ||
       ! inns "$NS_S" python3 "$PEERS" vlan-tag --dev s0 --vid 55; then
        echo "   vlan.pcap: SKIPPED (cannot attach eBPF vlan programs here; needs Linux >= 6.6)" >&2
        rm -f "$OUT/vlan.pcap" "$OUT/vlan.tshark.tsv"
        return 0
    fi
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER or arp or (vlan and ($FILTER or arp))"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 3
    server_wait; capture_stop
    finish vlan.pcap "$f"
}

# loss.pcap: the nftables rule drops some data segments in the RECEIVER's input hook. The capture
# runs on the receiver's veth, which sees each packet before the input hook: every dropped segment
# is on the wire (and in the file), followed later by its retransmission. The set "drops" (size 4)
# caps the number of drops: once it is full the "add" fails and the rule no longer matches.
fx_loss() {
    log "loss.pcap: nftables drops data segments on the server's input hook"
    setup_pair
    inns "$NS_S" nft -f - <<'EOF'
table inet tlfx {
    set drops { typeof tcp sequence; size 4; flags dynamic; }
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport 5050 ip length > 60 numgen inc mod 7 == 2 add @drops { tcp sequence } counter drop
    }
}
EOF
    inns "$NS_C" ip link set c0 gso_max_segs 1
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 160 --batch 40 --interval 0.05 --maxseg 200
    server_wait; capture_stop
    inns "$NS_S" nft list ruleset | grep -E "counter|elements" >&2 || true
    finish loss.pcap "$f"
}

# loss-router.pcap: the same kind of drop, but in a router's forward hook, captured on the router's
# interface towards the server (after the drop): now the trace itself has holes, so tshark sees
# "previous segment not captured", ACKs of unseen segments, and the retransmissions filling holes.
fx_loss_router() {
    log "loss-router.pcap: drops in a router between the two, capture downstream of the drop"
    setup_routed
    inns "$NS_R" nft -f - <<'EOF'
table inet tlfx {
    set drops { typeof tcp sequence; size 4; flags dynamic; }
    chain forward {
        type filter hook forward priority 0; policy accept;
        tcp dport 5050 ip length > 60 numgen inc mod 7 == 2 add @drops { tcp sequence } counter drop
    }
}
EOF
    inns "$NS_C" ip link set c0 gso_max_segs 1
    local f="$WORK/a.pcap"
    capture_start "$NS_R" "$f" -i r1 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 160 --batch 40 --interval 0.05 --maxseg 200
    server_wait; capture_stop
    inns "$NS_R" nft list ruleset | grep -E "counter|elements" >&2 || true
    finish loss-router.pcap "$f"
}

# spurious.pcap: the CLIENT's input hook drops the third pure ACK from the server (the ACK of
# reading 1). The capture on the server's veth sees that ACK on the wire; the client never gets
# it, so ~200 ms later its tail-loss probe sends reading 1 again: data the server has already
# acknowledged (tshark: spurious retransmission), answered by a duplicate ACK with a D-SACK block.
fx_spurious() {
    log "spurious.pcap: one ACK lost on its way to the client; the client retransmits acked data"
    setup_pair
    inns "$NS_C" nft -f - <<'EOF'
table inet tlfx {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp sport 5050 tcp flags == ack numgen inc mod 1000 == 2 counter drop
    }
}
EOF
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 4 --interval 0.4
    server_wait; capture_stop
    inns "$NS_C" nft list ruleset | grep -E "counter" >&2 || true
    finish spurious.pcap "$f"
}

# lwip-like.pcap: the client namespace switches off timestamps, SACK and window scaling and the
# client announces MSS 536, as lwIP on the ESP8266 does by default: 20-byte TCP headers after the
# handshake, and tshark's window scale factor is -2 ("no window scaling used").
fx_lwip_like() {
    log "lwip-like.pcap: client without timestamps/SACK/window scaling, MSS 536 (like the board)"
    setup_pair
    inns "$NS_C" sysctl -qw net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0 net.ipv4.tcp_window_scaling=0
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 5 --maxseg 536
    server_wait; capture_stop
    finish lwip-like.pcap "$f"
}

fx_zero_window() {
    log "zero-window.pcap: server with a tiny SO_RCVBUF stops reading; the client keeps writing"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1 --rcvbuf 2048 --recv-size 512 \
        --stop-after-bytes 1 --stop-reading-for 2.5
    client "$NS_C" --connect 10.55.0.1 --count 400 --batch 20 --interval 0 --sndbuf 4096
    server_wait; capture_stop
    finish zero-window.pcap "$f"
}

fx_keepalive() {
    log "keepalive.pcap: idle connection, keepalive after 1 s, every 1 s"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1
    client "$NS_C" --connect 10.55.0.1 --count 2 --keepalive-idle 1 --keepalive-intvl 1 \
        --idle-after 1 --idle 3.5
    server_wait; capture_stop
    finish keepalive.pcap "$f"
}

fx_half_close() {
    log "half-close.pcap: client shutdown(SHUT_WR), server replies after the FIN, then closes"
    setup_pair
    local f="$WORK/a.pcap"
    capture_start "$NS_S" "$f" -i s0 "$FILTER"
    server_start "$NS_S" --bind 10.55.0.1 --reply "OK {lines} lines" --reply-delay 0.1 --close-delay 0.1
    client "$NS_C" --connect 10.55.0.1 --count 3 --half-close
    server_wait; capture_stop
    finish half-close.pcap "$f"
}

# bulk-bottleneck.pcap, bulk-bottleneck-2.pcap: `tcplab device --bulk` uploads as fast as TCP
# allows through a token-bucket bottleneck (tc tbf: rate, burst, a small queue) on the router's
# interface towards the server. The bottleneck must be on a router: a tbf on the sender's own
# interface drops inside the sender's stack (TCP sees "local congestion", enters CWR and sends
# the segment again later as new data), so nothing is lost on the wire. Here the queue overflows
# in slow start, the router drops, the server's SACKed duplicate ACKs come back and the sender
# retransmits. Captured at the sender's c0 (before the drop: every segment and its
# retransmission are in the file), -s 96 (headers and 30 bytes of payload) to keep the file
# small. bulk-bottleneck-2 goes to labs/ (for the graders: its table, no goldens). The sender records TCP_INFO every 10 ms (--tcp-info) into NAME.tcpinfo.csv, on the same
# clock as the capture. Losses vary from run to run: up to 5 tries until tshark finds at least
# one fast retransmission and duplicate ACKs.
TCPLAB=${TCPLAB:-$ROOT/.build/debug/tcplab}
bulk_through_tbf() {  # NAME RATE BURST LIMIT BYTES (NAME may start with labs/)
    local name=$1 rate=$2 burst=$3 limit=$4 bytes=$5
    [ -x "$TCPLAB" ] || { echo "$name: needs tcplab built ($TCPLAB): run swift build first" >&2; return 1; }
    local f="$WORK/a.pcap" info="$WORK/a.tcpinfo.csv"
    for attempt in 1 2 3 4 5; do
        setup_routed
        inns "$NS_C" ip link set c0 gso_max_segs 1   # MSS-sized segments on the wire, not GSO blocks
        inns "$NS_R" tc qdisc add dev r1 root tbf rate "$rate" burst "$burst" limit "$limit"
        capture_start "$NS_C" "$f" -i c0 -s 96 "$FILTER"
        server_start "$NS_S" --bind 10.55.0.1
        inns "$NS_C" timeout 30 "$TCPLAB" device --host 10.55.0.1 --name nodemcu-01 --seed 5 \
            --bulk "$bytes" --tcp-info "$info" >&2
        server_wait; capture_stop
        inns "$NS_R" tc -s qdisc show dev r1 | grep -E "dropped" >&2 || true
        local fast dup
        fast=$(tshark -r "$f" -Y tcp.analysis.fast_retransmission 2>/dev/null | wc -l)
        dup=$(tshark -r "$f" -Y tcp.analysis.duplicate_ack 2>/dev/null | wc -l)
        echo "   try $attempt: $fast fast retransmissions, $dup duplicate ACKs" >&2
        [ "$fast" -ge 1 ] && [ "$dup" -ge 2 ] && break
        [ "$attempt" -lt 5 ] || { echo "$name: no fast retransmission in 5 tries" >&2; return 1; }
    done
    finish "$name.pcap" "$f"
    mv -f "$info" "$OUT/$name.tcpinfo.csv"
    chmod 644 "$OUT/$name.tcpinfo.csv"
}

fx_bulk_bottleneck() {
    log "bulk-bottleneck.pcap: 300 kB upload through tbf 4mbit, burst 8kb, queue 12kb"
    bulk_through_tbf bulk-bottleneck 4mbit 8kb 12kb 300k
}

fx_bulk_bottleneck_2() {
    log "labs/bulk-bottleneck-2.pcap: 600 kB upload through tbf 8mbit, burst 16kb, queue 24kb"
    bulk_through_tbf labs/bulk-bottleneck-2 8mbit 16kb 24kb 600k
    "$HERE/tshark-reference.sh" "$OUT/labs/bulk-bottleneck-2.pcap"
}

ALL=(handshake_readings_fin loopback_ethernet ipv6 refused rst_abort cooked_any cooked_v2 snaplen_60
     readings_pcapng mid_connection vlan lwip_like loss loss_router spurious zero_window keepalive
     half_close bulk_bottleneck bulk_bottleneck_2)

mkdir -p "$OUT"
started=$SECONDS
if [ $# -gt 0 ]; then
    todo=()
    for n in "$@"; do n=${n%.pcap}; n=${n%.pcapng}; todo+=("${n//-/_}"); done
else
    todo=("${ALL[@]}")
fi
for n in "${todo[@]}"; do
    declare -F "fx_$n" >/dev/null || { echo "unknown fixture: $n (known: ${ALL[*]})" >&2; exit 2; }
    "fx_$n"
done
del_namespaces

log "tshark reference tables"
"$HERE/tshark-reference.sh" "$OUT"
log "done in $((SECONDS - started)) s"

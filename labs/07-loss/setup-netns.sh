#!/bin/sh
# Lab 7: two network namespaces joined by a veth pair, and an nftables rule that drops a share
# of the TCP segments arriving at the server (the receiver's input hook), so that TCP has to
# retransmit. Needs root. Idempotent: running it again rebuilds everything from scratch.
#
#   sudo labs/07-loss/setup-netns.sh [LOSS_PERCENT] [--modern]   default 10 (0-90; 0 = no drop rule)
#   sudo labs/07-loss/teardown-netns.sh                            removes it all again
#
# By default the board's namespace uses classic loss recovery (RFC 5681: fast retransmit after
# three duplicate ACKs): SACK, RACK and early retransmit off. On a link with almost no delay,
# Linux's modern recovery resends after one duplicate ACK, so quickly that Wireshark and tcplab
# can only call the resent segment "out of order". --modern keeps Linux's defaults. These
# sysctls belong to the namespace: the rest of the machine is not touched.
#
#   tcplab-server  10.77.0.1/24  veth tl-srv   (runs tcplab serve; the drop rule lives here)
#   tcplab-board   10.77.0.2/24  veth tl-brd   (runs the board: tcplab device or virtual-nodemcu)
set -eu

LOSS=10
MODERN=no
for arg in "$@"; do
    case $arg in
        --modern) MODERN=yes ;;
        *) LOSS=$arg ;;
    esac
done
case $LOSS in
    ''|*[!0-9]*) echo "setup-netns.sh: LOSS_PERCENT must be a whole number 0-90, not '$LOSS'" >&2; exit 2 ;;
esac
if [ "$LOSS" -gt 90 ]; then
    echo "setup-netns.sh: LOSS_PERCENT must be 0-90, not $LOSS" >&2; exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "setup-netns.sh: needs root (network namespaces and nftables): sudo $0 $LOSS" >&2; exit 1
fi
for tool in ip nft; do
    command -v "$tool" >/dev/null || { echo "setup-netns.sh: '$tool' not found (apt-get install iproute2 nftables)" >&2; exit 1; }
done

# Start clean, so a half-finished earlier run cannot get in the way.
"$(dirname "$0")/teardown-netns.sh" --quiet

ip netns add tcplab-server
ip netns add tcplab-board
ip link add tl-srv netns tcplab-server type veth peer name tl-brd netns tcplab-board
ip -n tcplab-server addr add 10.77.0.1/24 dev tl-srv
ip -n tcplab-board  addr add 10.77.0.2/24 dev tl-brd
for ns in tcplab-server tcplab-board; do
    ip -n "$ns" link set lo up
done
ip -n tcplab-server link set tl-srv up
ip -n tcplab-board  link set tl-brd up

if [ "$MODERN" = no ]; then
    ip netns exec tcplab-board sysctl -q -w net.ipv4.tcp_sack=0 net.ipv4.tcp_recovery=0 net.ipv4.tcp_early_retrans=0
fi

# The drop rule: on the server's input hook, so the capture on tl-srv (libpcap sees a packet
# before netfilter does) shows every segment the board sent, and the server's TCP never gets
# the dropped ones. Only segments carrying data are dropped (no SYN, FIN or RST; longer than a
# bare 20-byte IP + 32-byte TCP header with timestamps): a lost SYN only delays the start by a
# second, and lost control segments make the lab about something else.
[ "$LOSS" -gt 0 ] && ip netns exec tcplab-server nft -f - <<NFT
table inet tcplab_loss {
    chain input {
        type filter hook input priority filter; policy accept;
        tcp dport 5050 tcp flags & (fin | syn | rst) == 0 ip length > 52 numgen random mod 100 < $LOSS counter drop
    }
}
NFT

# Wait (bounded) until both ends report carrier (veth is usually up at once).
tries=0
until ip -n tcplab-board link show tl-brd | grep -q LOWER_UP && ip -n tcplab-server link show tl-srv | grep -q LOWER_UP; do
    tries=$((tries + 1))
    if [ "$tries" -ge 5 ]; then
        echo "setup-netns.sh: the veth pair did not come up; see 'ip -n tcplab-board link'" >&2
        exit 1
    fi
    sleep 1
done

cat <<TXT
Ready: server namespace tcplab-server (10.77.0.1), board namespace tcplab-board (10.77.0.2).
$( [ "$LOSS" -gt 0 ] && echo "nftables drops about $LOSS % of the data segments arriving at the server on port 5050." || echo "No drop rule (LOSS_PERCENT 0): the link loses nothing.")
Loss recovery on the board: $( [ "$MODERN" = yes ] && echo "Linux's defaults (SACK, RACK)" || echo "classic (no SACK): fast retransmit after 3 duplicate ACKs")
  counter:  sudo ip netns exec tcplab-server nft list table inet tcplab_loss
  remove:   sudo $(dirname "$0")/teardown-netns.sh
TXT

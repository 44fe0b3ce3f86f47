#!/bin/sh
# Lab 7: removes what setup-netns.sh made. Safe to run any number of times: what is not there
# is skipped. Deleting a namespace also deletes its veth end (and so the pair) and its nftables.
#   sudo labs/07-loss/teardown-netns.sh [--quiet]
set -eu

quiet=no
[ "${1:-}" = "--quiet" ] && quiet=yes
if [ "$(id -u)" -ne 0 ]; then
    echo "teardown-netns.sh: needs root: sudo $0" >&2; exit 1
fi
removed=""
for ns in tcplab-server tcplab-board; do
    if ip netns list | grep -qw "^$ns"; then
        # Programs still running inside keep the namespace alive after 'ip netns del'; end them.
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        if [ -n "$pids" ]; then
            # shellcheck disable=SC2086  # one pid per word
            kill $pids 2>/dev/null || true
        fi
        ip netns del "$ns"
        removed="$removed $ns"
    fi
done
if [ "$quiet" = no ]; then
    if [ -n "$removed" ]; then echo "removed:$removed"; else echo "nothing to remove"; fi
fi

#!/usr/bin/env bash
# Installs the system packages tcplab builds against, when they are missing.
# Usage: scripts/ensure-deps.sh [extra-debian-package ...]
# Always checks libpcap's headers; extra packages (e.g. tshark for the benchmarks) are checked by
# the command they provide: "pkg:command".
set -euo pipefail

missing=()
if ! { [ -f /usr/include/pcap/pcap.h ] || [ -f /usr/local/include/pcap/pcap.h ]; }; then
    missing+=(libpcap-dev)
fi
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
for spec in "$@"; do
    pkg=${spec%%:*}; cmd=${spec#*:}
    # /usr/sbin is not on an ordinary user's PATH on Debian (setcap lives there).
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || [ -x "/sbin/$cmd" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "tcplab: installing missing system packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
    run=()
elif command -v sudo >/dev/null 2>&1; then
    run=(sudo)
else
    echo "tcplab: cannot install ${missing[*]}: not root and no sudo." >&2
    echo "        Ask an administrator to run: apt-get install ${missing[*]}" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "tcplab: no apt-get here; install ${missing[*]} with your system's package manager." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq >/dev/null || true
"${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "tcplab: installed ${missing[*]}" >&2

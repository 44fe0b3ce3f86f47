#!/usr/bin/env bash
# `make install`: tcplab, its lab texts, the manual and shell completions under PREFIX, and the
# capture capabilities on the binary so neither the labs nor the student need sudo to capture.
#
# Usage: scripts/install.sh BINARY          (PREFIX, default /usr/local; DESTDIR for packaging)
#        scripts/install.sh --uninstall
# Into a folder you cannot write, only the copying runs through sudo: the build stays yours.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${PREFIX:-/usr/local}
root=${DESTDIR:-}$prefix
bin=$root/bin/tcplab
share=$root/share/tcplab
man=$root/share/man/man1/tcplab.1
bash_completion=$root/share/bash-completion/completions/tcplab
zsh_completion=$root/share/zsh/site-functions/_tcplab
fish_completion=$root/share/fish/vendor_completions.d/tcplab.fish

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    probe=$root
    while [ ! -e "$probe" ]; do probe=$(dirname "$probe"); done
    if [ ! -w "$probe" ] || { [ -e "$root/bin" ] && [ ! -w "$root/bin" ]; }; then
        command -v sudo >/dev/null || { echo "tcplab install: cannot write $root and there is no sudo; try PREFIX=\$HOME/.local make install" >&2; exit 1; }
        as_root=(sudo)
        echo "tcplab install: $root is not yours to write: copying with sudo" >&2
    fi
fi
run() { "${as_root[@]}" "$@"; }

if [ "${1:-}" = --uninstall ]; then
    run rm -f "$bin" "$man" "$bash_completion" "$zsh_completion" "$fish_completion"
    run rm -rf "$share"
    echo "tcplab: removed from $root"
    exit 0
fi

binary=${1:?usage: scripts/install.sh BINARY}
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT

# The manual, one page for every subcommand, made by swift-argument-parser's generate-manual
# (TCPLAB_MANUAL=0 skips it: the tests, which run inside `swift test`, cannot start SwiftPM again).
if [ "${TCPLAB_MANUAL:-1}" = 0 ]; then
    have_manual=0
elif swift package --allow-writing-to-package-directory generate-manual --output-directory "$staging" \
        >"$staging/manual.log" 2>&1 && [ -f "$staging/tcplab.1" ]; then
    have_manual=1
else
    have_manual=0
    echo "tcplab install: the manual could not be generated (see below); everything else is installed" >&2
    tail -3 "$staging/manual.log" >&2
fi
for shell in bash zsh fish; do
    "$binary" --generate-completion-script "$shell" >"$staging/completion.$shell"
done

run install -D -m 0755 "$binary" "$bin"
# The lab texts and committed captures, for `tcplab lab show N` and the demo from any folder.
run mkdir -p "$share"
run rm -rf "$share/labs"
run cp -R labs "$share/labs"
run chmod -R a+rX "$share"
[ "$have_manual" = 1 ] && run install -D -m 0644 "$staging/tcplab.1" "$man"
run install -D -m 0644 "$staging/completion.bash" "$bash_completion"
run install -D -m 0644 "$staging/completion.zsh" "$zsh_completion"
run install -D -m 0644 "$staging/completion.fish" "$fish_completion"

echo "tcplab: installed $bin ($("$bin" --version))"
manual_note=""; [ "$have_manual" = 1 ] && manual_note=", manual $man (man tcplab)"
echo "        lab texts in $share/labs$manual_note, completions for bash, zsh and fish"

# Capture without sudo: tcplab gives the capabilities up as soon as the capture is open.
if [ -n "${DESTDIR:-}" ]; then
    echo "        DESTDIR set: no capabilities set (run: setcap cap_net_raw,cap_net_admin=eip $prefix/bin/tcplab)"
elif command -v setcap >/dev/null || [ -x /usr/sbin/setcap ] || [ -x /sbin/setcap ]; then
    setcap=$(command -v setcap || echo /usr/sbin/setcap)
    if run "$setcap" cap_net_raw,cap_net_admin=eip "$bin"; then
        echo "        capture capabilities set: \`tcplab capture\` works without sudo (and with it)"
    else
        echo "        could not set capabilities (a file system without them?): capture with sudo" >&2
    fi
else
    echo "        setcap not found (apt-get install libcap2-bin): capture with sudo until it is" >&2
fi
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "        note: $prefix/bin is not on your PATH; add it: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac

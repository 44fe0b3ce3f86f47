#!/usr/bin/env bash
# Writes the commit `tcplab --version` names into Sources/BuildInfo/include/BuildCommit.h (ignored
# by git), only when it changed, so a build of the same commit is not redone. The make targets run
# it before every build; a plain `swift build` without it says "commit unknown".
set -euo pipefail
cd "$(dirname "$0")/.."
header=Sources/BuildInfo/include/BuildCommit.h
if commit=$(git rev-parse --short=12 HEAD 2>/dev/null); then
    git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || commit="$commit + uncommitted changes"
else
    commit="unknown (not built from a git checkout)"
fi
line="#define TCPLAB_COMMIT \"$commit\""
if [ "$(cat "$header" 2>/dev/null)" != "$line" ]; then
    echo "$line" >"$header"
    # The header may be new to the compiler's dependency list: make it look at BuildInfo.c again.
    touch Sources/BuildInfo/BuildInfo.c
fi

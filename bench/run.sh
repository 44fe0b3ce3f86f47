#!/usr/bin/env bash
# `make bench`: runs every bench/*-bench.sh in turn (each writes its own section of
# docs/performance.md). Expects the release build that `make bench` makes first.
set -euo pipefail
cd "$(dirname "$0")"
for script in ./*-bench.sh; do
    echo "== $script" >&2
    "$script"
done

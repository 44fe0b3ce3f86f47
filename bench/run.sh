#!/usr/bin/env bash
# `make bench`: every benchmark, each writing its figures into docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/capture-bench.sh
if [ -x bench/server-bench.sh ]; then bench/server-bench.sh; fi
echo "bench: results in docs/performance.md"

#!/usr/bin/env bash
# Runs each libFuzzer target for FUZZ_SECONDS (default 60) on its seed corpus and prints one line
# per target: executions, executions per second, corpus size, coverage, and any crash it wrote.
# The fuzzers must be built first (`make fuzz` does both). Exit status 1 if any target crashed.
# FUZZ_TARGETS (space-separated names) picks some of them.
set -u
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
bin="${FUZZ_BIN:-.build-fuzz/release}"
out="fuzz/out"
mkdir -p "$out/artifacts" "$out/logs"
status=0
printf '%-18s %10s %9s %8s %6s  %s\n' target executions "exec/s" corpus cov result
# name  product  max_len
while read -r name product max_len; do
    # FUZZ_TARGETS="read-capture sensor-line" runs only those.
    if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
    mkdir -p "$out/corpus/$name"
    log="$out/logs/$name.log"
    # -timeout: one input running longer than 10 s is a hang; -rss_limit_mb: unbounded memory is a bug.
    "$bin/$product" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$out/artifacts/$name-" \
        "$out/corpus/$name" "$out/seeds/$name" >"$log" 2>&1
    code=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    corpus=$(ls "$out/corpus/$name" | wc -l)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    if [ "$code" -eq 0 ]; then result="no crash"; else
        result="FAILED (exit $code): $(ls -t "$out/artifacts/$name-"* 2>/dev/null | head -1) — see $log"; status=1
    fi
    printf '%-18s %10s %9s %8s %6s  %s\n' "$name" "${runs:-?}" "${rate:-?}" "$corpus" "${cov:-?}" "$result"
done <<'TARGETS'
decode-packet FuzzDecodePacket 4096
read-capture FuzzReadCapture 16384
sensor-line FuzzSensorLine 256
TARGETS
exit $status

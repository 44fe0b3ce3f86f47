#!/usr/bin/env bash
# Loopback integration check: virtual-nodemcu against a real TCP server; every line must arrive.
#
#   VIRTUAL_NODEMCU  the binary to test (default: firmware/build/virtual-nodemcu)
#   READINGS         how many readings to send (default 20)
#   SERVER_CMD       optional: use this server instead of the built-in python3 one. It is run
#                    with PORT (a free loopback port) and LINES_FILE set; it must listen on
#                    127.0.0.1:$PORT, and by the time the client has closed and SERVER_CMD has
#                    exited, LINES_FILE must hold the received lines, one per line (terminators
#                    may be normalised). A wrapper around `tcplab serve` fits here.
#
# Everything is bounded by `timeout`; only loopback is used. Ends with "N passed, M failed".
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bin="${VIRTUAL_NODEMCU:-$here/../build/virtual-nodemcu}"
readings="${READINGS:-20}"
name="itest-01"
work="$(mktemp -d)"
server_pid=""
passed=0
failed=0

cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "ok    integration: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL  integration: $1"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

listening() {  # is anything listening on loopback TCP port $1? (reads /proc, Linux only)
  python3 - "$1" <<'PY'
import sys
port = "%04X" % int(sys.argv[1])
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        rows = open(table).read().splitlines()[1:]
    except OSError:
        continue
    if any(r.split()[1].endswith(":" + port) and r.split()[3] == "0A" for r in rows):
        sys.exit(0)
sys.exit(1)
PY
}

if [ ! -x "$bin" ]; then
  echo "integration: $bin not built (make -C firmware host)" >&2
  exit 1
fi

# 1. All readings arrive, HELLO first, in order, canonical, with CRLF.
lines_file="$work/received"
if [ -n "${SERVER_CMD:-}" ]; then
  port="$(free_port)"
  PORT="$port" LINES_FILE="$lines_file" timeout 60 bash -c "$SERVER_CMD" &
  server_pid=$!
  # Wait for the listening socket without connecting to it (a probe would count as a client).
  for _ in $(seq 50); do
    listening "$port" && break
    sleep 0.1
  done
  crlf=""
else
  timeout 30 python3 "$here/line_server.py" --port-file "$work/port" --out "$lines_file" &
  server_pid=$!
  for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
  port="$(cat "$work/port" 2>/dev/null || echo 0)"
  crlf="--crlf"
fi

if timeout 30 "$bin" --host 127.0.0.1 --port "$port" --readings "$readings" \
    --interval-ms 10 --allow-fast --name "$name" --seed 1 2>"$work/stderr"; then
  pass "virtual-nodemcu wrote $readings readings and exited 0"
else
  fail "virtual-nodemcu exited $? (stderr below)"
  sed 's/^/      /' "$work/stderr"
fi
wait "$server_pid" 2>/dev/null
server_pid=""
if python3 "$here/check_lines.py" "$lines_file" "$name" "$readings" $crlf; then
  pass "server received HELLO $name + $readings readings, seq 0..$((readings - 1))${crlf:+, all CRLF}"
else
  fail "server did not receive exactly what was sent"
fi

# 2. An unreachable server: a clear message and a non-zero exit, not a hang.
dead_port="$(free_port)"
timeout 20 "$bin" --port "$dead_port" --readings 1 --max-failures 2 2>"$work/dead"
status=$?
if [ "$status" -eq 1 ] && grep -q "gave up after 2 failed connections" "$work/dead"; then
  pass "unreachable server: exit 1 with 'gave up' after 2 attempts"
else
  fail "unreachable server: exit $status"
  sed 's/^/      /' "$work/dead"
fi

# 3. The DHT11 floor is not lowered by accident.
timeout 5 "$bin" --port 5050 --interval-ms 10 2>"$work/fast"
status=$?
if [ "$status" -eq 2 ] && grep -q -- "--allow-fast" "$work/fast"; then
  pass "--interval-ms below 2000 without --allow-fast is refused (exit 2)"
else
  fail "--interval-ms 10 without --allow-fast: exit $status"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

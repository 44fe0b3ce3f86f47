#!/usr/bin/env python3
"""Checks what a server received from virtual-nodemcu: HELLO <name> first, then exactly N
readings numbered 0..N-1 in the canonical format. With --crlf, every line must end in \\r\\n."""
import re
import sys

READING = re.compile(rb"^(\d+),(\d+),(-?\d+\.\d),(\d+\.\d)$")


def main() -> int:
    path, name, count = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
    crlf = "--crlf" in sys.argv[4:]
    data = open(path, "rb").read()
    if not data.endswith(b"\n"):
        return fail(f"data does not end with a newline: {data[-40:]!r}")
    lines = data[:-1].split(b"\n")
    if crlf:
        bad = [line for line in lines if not line.endswith(b"\r")]
        if bad:
            return fail(f"{len(bad)} line(s) without \\r\\n, first: {bad[0]!r}")
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    if lines[0] != b"HELLO " + name:
        return fail(f"first line is {lines[0]!r}, expected HELLO {name.decode()}")
    readings = lines[1:]
    if len(readings) != count:
        return fail(f"{len(readings)} readings arrived, expected {count}")
    last_millis = -1
    for expected_seq, line in enumerate(readings):
        match = READING.match(line)
        if not match:
            return fail(f"not a canonical reading: {line!r}")
        seq, millis = int(match[1]), int(match[2])
        t, h = float(match[3]), float(match[4])
        if seq != expected_seq:
            return fail(f"seq {seq} where {expected_seq} was expected")
        if millis < last_millis:
            return fail(f"millis went backwards at seq {seq}")
        if not (-40.0 <= t <= 80.0 and 0.0 <= h <= 100.0):
            return fail(f"value out of sensor range: {line!r}")
        last_millis = millis
    return 0


def fail(message: str) -> int:
    print(f"check_lines: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

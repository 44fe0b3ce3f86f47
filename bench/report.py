#!/usr/bin/env python3
"""Writes a benchmark's figures into docs/performance.md, between its own markers."""
import json
import pathlib
import platform
import subprocess
import sys

DOC = pathlib.Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def replace_section(name, body):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    section = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text)


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()} cores, {platform.system()}"


def capture(results_path, packets, packets2, rss1, rss2):
    results = json.load(open(results_path))["results"]
    medians = {r["command"]: r["median"] for r in results}
    base = medians["tcpdump -nn -r F"]
    rows = ["| command | median (s) | packets/s | time ÷ `tcpdump -nn -r` |", "|---|---:|---:|---:|"]
    for r in results:
        rows.append(f"| `{r['command']}` | {r['median']:.3f} | {int(packets) / r['median']:,.0f} | {r['median'] / base:.2f}× |")
    json_ratio = medians["tcplab read F --format json"] / base
    tshark_ratio = medians["tshark -r F -T json"] / medians["tcplab read F --format json"]
    body = f"""## Decoding a capture: `tcplab read` next to tcpdump and tshark

Made by `make bench` (`bench/capture-bench.sh`): real loopback traffic of simulated boards
(`bench/traffic.py`: connect, HELLO, 20 readings with TCP_NODELAY, close) recorded with tcpdump in a
network namespace, {int(packets):,} packets; each command timed by hyperfine (1 warm-up, 7 runs,
output to /dev/null) on {machine()}.

{chr(10).join(rows)}

- `tcplab read --format json` takes **{json_ratio:.2f}×** the time of `tcpdump -nn -r` (target: at most 1×),
  and tshark's JSON takes **{tshark_ratio:.0f}×** the time of tcplab's.
- Memory (max RSS of `tcplab read --format json`): {int(rss1) / 1024:.1f} MiB for {int(packets):,} packets,
  {int(rss2) / 1024:.1f} MiB for {int(packets2):,} packets: it follows the open connections, not the packets
  (finished connections leave the table; JSON keeps no per-connection history).
"""
    replace_section("capture-bench", body)


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    {"capture": capture}[kind](*args)

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


def capture_rate(results_path, seconds, rates):
    """The capture-rate-bench section: highest packet rate each capture keeps with no kernel drops."""
    rows = [json.loads(line) for line in open(results_path) if line.strip()]
    steps = [int(float(r)) for r in rates.split()]
    modes = [("text", "printing the annotated text", "`tcplab capture -i lo > /dev/null`",
              "`tcpdump -i lo -nn -X tcp port 5050 > /dev/null`"),
             ("json", "printing JSON", "`tcplab capture -i lo --format json > /dev/null`", None),
             ("file", "writing a file only", "`tcplab capture -i lo -q -w F`",
              "`tcpdump -i lo -w F tcp port 5050`")]

    def runs(tool, mode):
        return [r for r in rows if r["tool"] == tool and r["mode"] == mode]

    def best(tool, mode):
        found = runs(tool, mode)
        if not found:
            return "—"
        clean = [r for r in found if r["clean"]]
        last = found[-1]
        figure = f"**{max(r['achieved'] for r in clean):,}**" if clean else "**0**"
        if clean:
            figure += f" (CPU {max(clean, key=lambda r: r['achieved'])['cpu'] * 100:.0f} %)"
        if not last["clean"]:
            why = (f"{last['dropped'] // 2:,} dropped" if last["dropped"]
                   else f"{last['missing']:,} not read by the end")
            figure += f"; at {last['achieved']:,}: {why}"
        elif not last["reached"]:
            figure = "≥ " + figure + "; no drops up to the generator's limit"
        else:
            figure = "≥ " + figure + "; no drops at any step"
        return figure

    table = ["| mode | tcplab: highest packets/s with no drops | tcpdump: the same |", "|---|---|---|"]
    for mode, words, ours, theirs in modes:
        table.append(f"| {words}: {ours} vs {theirs or 'no tcpdump equivalent'} | {best('tcplab', mode)} | "
                     f"{best('tcpdump', mode) if theirs else '—'} |")

    detail = ["| capture | " + " | ".join(f"{r // 1000}k" for r in steps) + " |",
              "|---|" + "---:|" * len(steps)]
    for tool, mode, words in [("tcplab", "text", "tcplab text"), ("tcplab", "json", "tcplab JSON"),
                              ("tcplab", "file", "tcplab -q -w"), ("tcpdump", "text", "tcpdump -nn -X"),
                              ("tcpdump", "file", "tcpdump -w")]:
        cells = []
        for rate in steps:
            r = next((r for r in runs(tool, mode) if int(r["target"]) == rate), None)
            if r is None:
                cells.append("")
            elif r["clean"]:
                cells.append(f"{r['achieved']:,} · {r['cpu'] * 100:.0f} %")
            else:
                cells.append(f"{r['achieved']:,} · {r['dropped'] // 2:,} dropped" if r["dropped"]
                             else f"{r['achieved']:,} · {r['missing']:,} unread")
        detail.append(f"| {words} | " + " | ".join(cells) + " |")

    doubled = [r for r in rows if r["captured"] and r["dropped"] == 0]
    ratio = (sum(r["received"] for r in doubled) / sum(r["captured"] for r in doubled)) if doubled else 0
    body = f"""## Live capture: the highest packet rate with no kernel drops

Made by `make bench` (which runs every `bench/*-bench.sh`), or alone by
`sudo bench/capture-rate-bench.sh` (`TCPLAB=path` picks the binary). In a network namespace of its
own, `bench/rate_traffic.py` sends sensor readings (`12,1234567,28.3,65.2\\r\\n`, one per write,
TCP_NODELAY, 8 boards) to a drain server on 127.0.0.1:5050 at a target rate in *packets* as tcpdump
counts them (data segments and ACKs; the loopback counter keeps it on the line). For each capture
the rate steps up, {seconds} s a step, and stops at the first step with drops, with packets left unread,
or that the generator could not reach; a step is clean when "dropped by kernel" is 0 and "captured"
equals the packets the namespace's loopback sent. On {machine()}; the generator, its server and
the capture share the two cores, so the generator's own limit is part of the picture.

{chr(10).join(table)}

Packets/s achieved at each step (target on top) and the capture's CPU, as a share of one core:

{chr(10).join(detail)}

Until commit 0144655, `tcplab capture` opened libpcap in immediate mode, which on Linux falls back
from TPACKET_V3 to TPACKET_V2: a ring of fixed slots, each sized for the 262,144-byte snapshot
length, so libpcap's default 2 MiB ring held about seven packets, and 30 boards × 20 readings lost
262 of 2,880 packets (now 0). It now uses TPACKET_V3, whose blocks hold packets of any size, with a
32 MiB ring (tcpdump's default is 2 MiB); a block is handed over when full or after 50 ms, and the
output is flushed every 20 ms, so a person watching still sees each packet at once. `-B KiB` sets
that ring, as tcpdump's `-B` does: it is how far tcplab may fall behind in a burst before the kernel
drops; the sustained rate depends on how fast tcplab prints. On loopback "packets received by
filter" (and "dropped by kernel") count every packet twice (here {ratio:.2f}× "captured"): the
packet leaves and arrives through the same interface, the kernel hands the capture socket both
the outgoing and the incoming copy and counts both, and libpcap discards the outgoing copy on
loopback, so each packet is shown once; the drop counts in the tables are halved to packets.
"""
    doc = DOC.read_text() if DOC.exists() else "# Performance\n"
    begin, anchor = "<!-- capture-rate-bench:begin -->", "<!-- capture-bench:end -->"
    if begin not in doc and anchor in doc:   # first run: the section goes right after capture-bench
        at = doc.index(anchor) + len(anchor)
        DOC.write_text(doc[:at] + "\n\n" + begin + "\n<!-- capture-rate-bench:end -->" + doc[at:])
    replace_section("capture-rate-bench", body)


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    {"capture": capture, "capture-rate": capture_rate}[kind](*args)

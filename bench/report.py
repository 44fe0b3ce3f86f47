#!/usr/bin/env python3
"""Writes a benchmark's figures into docs/performance.md, between its own markers."""
import json
import pathlib
import platform
import subprocess
import sys
import textwrap

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


def capture(results_path, packets, packets2, rss1, rss2, streams_path, spackets, sbytes, srss):
    def table(path, count):
        results = json.load(open(path))["results"]
        medians = {r["command"]: r["median"] for r in results}
        base = medians["tcpdump -nn -r F"]
        rows = ["| command | median (s) | packets/s | time ÷ `tcpdump -nn -r` | time ÷ `tcpdump -nn -X -r` |",
                "|---|---:|---:|---:|---:|"]
        for r in results:
            rows.append(f"| `{r['command']}` | {r['median']:.3f} | {int(count) / r['median']:,.0f} | "
                        f"{r['median'] / base:.2f}× | {r['median'] / medians['tcpdump -nn -X -r F']:.2f}× |")
        return medians, "\n".join(rows)

    medians, rows = table(results_path, packets)
    smedians, srows = table(streams_path, spackets)
    ratio = lambda m, a, b: m[a] / m[b]
    body = f"""## Decoding a capture: `tcplab read` next to tcpdump and tshark

Made by `make bench` (`bench/capture-bench.sh`) on {machine()}: real loopback traffic recorded
with tcpdump in a network namespace; each command timed by hyperfine (1 warm-up, 7 runs, output
to /dev/null).

**Many short connections** (`bench/traffic.py`: boards connect, HELLO, 20 readings with
TCP_NODELAY, close), {int(packets):,} packets:

{rows}

**Long streams of readings** (`bench/traffic.py --streams 8 --readings 100000`: 8 boards stream
as fast as loopback takes them, several readings a segment), {int(spackets):,} packets,
{int(sbytes) / 1e6:.0f} MB:

{srows}

- `tcplab read --format json` ÷ `tcpdump -nn -r`: **{ratio(medians, "tcplab read F --format json", "tcpdump -nn -r F"):.2f}×**
  and **{ratio(smedians, "tcplab read F --format json", "tcpdump -nn -r F"):.2f}×** (target: at most 1×);
  the annotated text ÷ `tcpdump -nn -X -r`: **{ratio(medians, "tcplab read F", "tcpdump -nn -X -r F"):.2f}×** and
  **{ratio(smedians, "tcplab read F", "tcpdump -nn -X -r F"):.2f}×** (target: at most 1×; tcpdump prints less).
  `tcplab graph --svg --csv` (the busiest connection's five graphs and their data, after reading
  the whole capture) ÷ `tcplab read --format json`: **{ratio(medians, "tcplab graph F --svg --csv", "tcplab read F --format json"):.2f}×**
  and **{ratio(smedians, "tcplab graph F --svg --csv", "tcplab read F --format json"):.2f}×** (target: at most 1.5×).
  tshark's JSON takes **{ratio(medians, "tshark -r F -T json", "tcplab read F --format json"):.0f}×** the time of tcplab's.
- The ceiling: reading the file (`cat`) takes {smedians["cat F (reading the file)"]:.3f} s, and writing the
  output to /dev/null costs almost nothing, so the time is the work per packet.
- Memory (max RSS of `tcplab read --format json`): {int(rss1) / 1024:.1f} MiB for {int(packets):,} packets,
  {int(rss2) / 1024:.1f} MiB for {int(packets2):,} packets, {int(srss) / 1024:.1f} MiB for the {int(spackets):,} of the
  long streams: it follows the open connections, not the packets (finished connections leave the
  table; JSON keeps no per-connection history).
"""
    replace_section("capture-bench", body)

def analysis(results_path, packets, streams_path, spackets):
    def table(path, count):
        results = json.load(open(path))["results"]
        base = next(r["median"] for r in results if r["command"] == "tcplab read F --format json")
        rows = ["| command | median (s) | packets/s | time ÷ `tcplab read --format json` |", "|---|---:|---:|---:|"]
        worst = 0.0
        for r in results:
            rows.append(f"| `{r['command']}` | {r['median']:.3f} | {int(count) / r['median']:,.0f} | {r['median'] / base:.2f}× |")
            if r["command"] != "tcplab read F --format json":
                worst = max(worst, r["median"] / base)
        return "\n".join(rows), worst

    rows, worst = table(results_path, packets)
    srows, sworst = table(streams_path, spackets)
    body = f"""## TCP over time: the per-connection summary next to the JSON

Made by `make bench` (`bench/capture-bench.sh`, `time_analysis`) on {machine()}, on the same two
captures as above; target: at most 1.5× the time of `tcplab read --format json`.

Many short connections, {int(packets):,} packets:

{rows}

Long streams of readings, {int(spackets):,} packets:

{srows}

- The summary takes at most **{worst:.2f}×** and **{sworst:.2f}×** the JSON's time (target: at most 1.5×); the
  graphs' ratios are in the tables above (`tcplab graph F --svg --csv`).
"""
    replace_section("capture-analysis", body)


def capture_rate(results_path, seconds, rates):
    """The capture-rate-bench section: the highest packet rate each live capture keeps with no drops."""
    rows = [json.loads(line) for line in open(results_path) if line.strip()]
    meta = next((r for r in rows if r["tool"] == "meta"), None)
    rows = [r for r in rows if r["tool"] != "meta"]
    steps = [int(float(r)) for r in rates.split()]
    load = (f" (load average {meta['load_before']:.2f} before the run, {meta['load_after']:.2f} after)"
            if meta else "")

    def runs(tool, mode):
        return [r for r in rows if r["tool"] == tool and r["mode"] == mode]

    def wrap(text):   # lines of at most 100 characters, never broken inside a `code span`
        pieces = text.split("`")
        kept = "`".join(p.replace(" ", "\u00a0") if i % 2 else p for i, p in enumerate(pieces))
        return textwrap.fill(kept, 100, break_on_hyphens=False, break_long_words=False).replace("\u00a0", " ")

    def best(tool, mode):
        found = runs(tool, mode)
        if not found:
            return "—"
        clean = [r for r in found if r["clean"]]
        last = found[-1]
        if not clean:
            figure = "**0**"
        else:
            top = max(clean, key=lambda r: r["achieved"])
            figure = f"**{top['achieved']:,}** ({top['cpu'] * 100:.0f} % of a core, {top['us_per_packet']:.1f} µs a packet)"
        if not last["clean"]:
            lost = (f"{last['dropped'] // 2:,} dropped" if last["dropped"]
                    else f"{last['missing']:,} still unread at the end")
            return figure + f"; at {last['achieved']:,}/s: {lost}"
        if not last["reached"]:
            return "≥ " + figure + ", no drops; the generator's limit"
        return "≥ " + figure + ", no drops at any step"

    table = ["| mode | tcplab: highest packets/s with no drops | tcpdump: the same |", "|---|---|---|"]
    table.append("| printing the annotated text: `tcplab capture -i lo > /dev/null`; "
                 f"`tcpdump -i lo -nn -X tcp port 5050 > /dev/null` | {best('tcplab', 'text')} | {best('tcpdump', 'text')} |")
    table.append("| printing JSON: `tcplab capture -i lo --format json > /dev/null` (tcpdump has none) | "
                 f"{best('tcplab', 'json')} | — |")
    table.append("| writing a file only: `tcplab capture -i lo -q -w F`; `tcpdump -i lo -w F tcp port 5050` | "
                 f"{best('tcplab', 'file')} | {best('tcpdump', 'file')} |")

    detail = ["| capture | " + " | ".join(f"{r // 1000}k" for r in steps) + " |", "|---|" + "---:|" * len(steps)]
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
            elif r["dropped"]:
                cells.append(f"{r['achieved']:,} · **{r['dropped'] // 2:,} dropped**")
            else:
                cells.append(f"{r['achieved']:,} · **{r['missing']:,} unread**")
        detail.append(f"| {words} | " + " | ".join(cells) + " |")

    stepped = [r for r in rows if r["mode"] != "stall"]

    def ceiling(tool, mode):
        clean = [r for r in runs(tool, mode) if r["clean"] and r["us_per_packet"] > 0]
        return f"{1e6 / max(clean, key=lambda r: r['achieved'])['us_per_packet']:,.0f}/s" if clean else "?"

    if all(r["clean"] for r in stepped):
        verdict = ("No capture dropped a packet at any step: each stops where the generator could not go faster "
                   "(it shares the two cores with the capture and the kernel's loopback work, and where it stops "
                   "varies from run to run when other jobs share the machine), so these are lower bounds. With a "
                   "core to itself a printing capture would keep up to about 1,000,000 ÷ its µs a "
                   f"packet: tcplab's text {ceiling('tcplab', 'text')}, its JSON {ceiling('tcplab', 'json')}, "
                   f"tcpdump -nn -X {ceiling('tcpdump', 'text')} (the kernel's own work, copying each packet into "
                   "the ring, is not in these figures).")
    else:
        verdict = ("A capture stops at the first step where the kernel dropped packets (or packets were still "
                   "unread a moment after the traffic ended); the others stop where the generator could not go "
                   "faster, sharing the two cores with the capture, so those figures are lower bounds.")
    verdict = wrap(verdict)

    stalls = {(r["tool"], int(r["target"])): r for r in rows if r["mode"] == "stall"}
    ring = ""
    slow, fast = (min(k[1] for k in stalls), max(k[1] for k in stalls)) if stalls else (0, 0)
    if {("tcplab", slow), ("tcplab", fast), ("tcpdump", slow), ("tcpdump", fast)} <= stalls.keys() and slow < fast:
        held = {k: r["captured"] for k, r in stalls.items()}
        ring = "\n\n" + wrap(
            "What the ring holds when tcplab is stopped whole (Ctrl-Z, SIGSTOP) while traffic arrives: "
            f"tcplab's ring held {held['tcplab', fast]:,} packets at {fast:,}/s ({held['tcplab', fast] / fast:.1f} s) "
            f"but only {held['tcplab', slow]:,} at {slow:,}/s ({held['tcplab', slow] / slow:.1f} s); tcpdump's "
            f"held {held['tcpdump', fast]:,} and {held['tcpdump', slow]:,} ({held['tcpdump', slow] / slow:.1f} s). "
            "A block is handed over after 50 ms however little it holds (tcpdump: 8 blocks,\u00a01\u00a0s), so at a "
            "class's rates the ring lasts 128 blocks × 50 ms whatever its bytes, and `-B` buys time through "
            "more blocks: `-B 131072` makes 512, about 25 s. A slow or stalled output (a pager nobody reads, a "
            "slow terminal) no longer holds the ring up at all: a thread of its own takes every packet off the ring "
            "into a queue in memory (`--queue-size`, 256 MiB by default) while the main thread decodes and prints, "
            "and only when both are full does the kernel drop (tested in LiveCaptureTests: a 2 MiB ring and a "
            "reader that stops for 1.5 s lose 1,621 packets without the queue, none with it).")
    doubled = [r for r in stepped if r["captured"] and r["dropped"] == 0]
    ratio = sum(r["received"] for r in doubled) / sum(r["captured"] for r in doubled) if doubled else 2

    why = wrap(
        "Until commit 0144655 `tcplab capture` asked libpcap for immediate mode, which on Linux falls back from "
        "TPACKET_V3 to TPACKET_V2, a ring of fixed slots each sized for the 262,144-byte snapshot length: "
        "libpcap's default 2 MiB ring held about seven packets, and 30 boards × 20 readings lost 262 of 2,880 "
        "packets (0 now). TPACKET_V3 packs packets of any size into 256 KiB blocks, handed over when full or "
        "after 50 ms, and tcplab flushes its output every 20 ms, so packets still show at once. `-B KiB` sets "
        "the ring (32 MiB, 128 blocks, by default; tcpdump's is 2 MiB): how far tcplab may fall behind, in a "
        "burst or a stall, before the kernel drops, while the rate it can keep up is set by its CPU time a "
        "packet. On loopback \"received by filter\" and \"dropped by kernel\" count every packet twice "
        f"({ratio:.2f}× \"captured\" here): the packet leaves and arrives through lo, the kernel hands the "
        "capture both the outgoing and the incoming copy and counts both, and libpcap discards the outgoing "
        "copy on loopback so each packet is shown once (the drops above are halved to packets).") + ring

    intro = wrap(
        "Made by `make bench` (which runs every `bench/*-bench.sh`), or alone by `sudo bench/capture-rate-bench.sh` "
        f"(`TCPLAB=path` picks the binary), on {machine()}{load}. In a network namespace of its own, "
        "`bench/rate_traffic.py` sends sensor readings such as `12,1234567,28.3,65.2\\r\\n` (one per write, "
        "TCP_NODELAY, 8 boards) to a drain server on 127.0.0.1:5050, paced in packets as tcpdump counts them "
        "(data segments and ACKs, read from the loopback counter). For each capture the rate steps up, "
        f"{seconds} s a step, and stops at the first step with drops or that the generator could not reach; "
        "a step counts when \"dropped by kernel\" is 0 and \"captured\" equals every packet loopback carried.")

    body = f"""## Live capture: the highest packet rate with no kernel drops

{intro}

{chr(10).join(table)}

{verdict}

Packets/s reached at each target, and the capture's CPU as a share of one core:

{chr(10).join(detail)}

{why}
"""
    doc = DOC.read_text() if DOC.exists() else "# Performance\n"
    begin, anchor = "<!-- capture-rate-bench:begin -->", "<!-- capture-bench:end -->"
    if begin not in doc and anchor in doc:   # first run: the section goes right after capture-bench
        at = doc.index(anchor) + len(anchor)
        DOC.write_text(doc[:at] + "\n\n" + begin + "\n<!-- capture-rate-bench:end -->" + doc[at:])
    replace_section("capture-rate-bench", body)

def server(out_dir, doc):
    """The server-bench section: throughput at each connection count, latency, idle memory."""
    import os
    import statistics
    out = pathlib.Path(out_dir)
    global DOC
    DOC = pathlib.Path(doc)

    def values(path):
        return dict(line.split("=", 1) for line in path.read_text().split() if "=" in line) if path.exists() else None

    def spread(numbers, fmt):
        if not numbers:
            return "—"
        middle = fmt(statistics.median(numbers))
        return middle if len(numbers) == 1 else f"{middle} ({fmt(min(numbers))}–{fmt(max(numbers))})"

    def mega(x):
        return f"{x / 1e6:.2f} M"

    def times(x):
        return f"{x:.1f}×"

    def percent(x):
        return f"{x * 100:.0f} %"

    names = {"swift": "tcplab serve", "python": "python_server.py", "drain": "drain (ceiling)"}
    runs = [json.loads(line) for line in (out / "throughput.runs").read_text().splitlines() if line.strip()] \
        if (out / "throughput.runs").exists() else []
    for r in runs:
        r["rate"] = r["logged"] / r["seconds"]
        r["per_cpu"] = r["logged"] / r["cpu"] if r["cpu"] > 0 else 0
    counts = sorted({r["connections"] for r in runs})
    parts = []
    if runs:
        table = ["| connections | server | readings/s | server CPU s | readings per CPU s | logged |",
                 "| ---: | --- | ---: | ---: | ---: | --- |"]
        ratios = ["| connections | tcplab ÷ Python, readings/s | tcplab ÷ Python, per CPU s | tcplab ÷ drain, readings/s |",
                  "| ---: | ---: | ---: | ---: |"]
        for n in counts:
            for name in ("swift", "python", "drain"):
                rows = [r for r in runs if r["connections"] == n and r["server"] == name]
                if not rows:
                    continue
                lost = sum(r["sent"] - r["logged"] for r in rows)
                logged = ("counts lines only" if name == "drain" else
                          f"all, each run" if lost == 0 else f"**{lost:,} NOT logged**")
                label = f"**{names[name]}**" if name == "swift" else names[name]
                table.append(f"| {n} | {label} | {spread([r['rate'] for r in rows], mega)} | "
                             f"{spread([r['cpu'] for r in rows], lambda x: f'{x:.2f}')} | "
                             f"{spread([r['per_cpu'] for r in rows], mega)} | {logged} |")

            def paired(a, b, key):  # same run: both servers measured under the same neighbours
                pairs = {}
                for r in runs:
                    if r["connections"] == n and r["server"] in (a, b):
                        pairs.setdefault(r["run"], {})[r["server"]] = r[key]
                return [p[a] / p[b] for p in pairs.values() if a in p and b in p and p[b] > 0]

            ratios.append(f"| {n} | **{spread(paired('swift', 'python', 'rate'), times)}** | "
                          f"**{spread(paired('swift', 'python', 'per_cpu'), times)}** | "
                          f"{spread(paired('swift', 'drain', 'rate'), percent)} |")
        def sent(name):
            return max((r["sent"] for r in runs if r["server"] == name), default=0)

        per_run = max(len([r for r in runs if r["connections"] == n and r["server"] == "swift"]) for n in counts)
        parts.append(f"""### Throughput, every reading logged: 1, 8 and 100 connections

Load: `bench/loadgen.py flood`: N connections each send `HELLO` and then readings as fast as the
server takes them (pre-built 64 KiB blocks, so the generator costs little), every reading counted
being a line in the server's JSONL log. Time runs from the first connection until the log stops
growing (so it includes up to one 0.05 s flush interval). Servers: `tcplab serve --log F.jsonl --quiet`
(release build), `python_server.py --log F.jsonl`, and `bench/drain_server.py`, which only counts
the newlines it receives: what the same generator reaches when the server does nothing, the
ceiling of this machine. Each configuration ran {per_run} times, the three servers one after the
other in each run; figures are the median and (in brackets) the range. CPU seconds are the
server's user + system time, which the shared machine disturbs less than wall time. tcplab gets
{sent('swift'):,} readings a run, Python {sent('python'):,} (its run stays short; the rate is what is
compared), the drain {sent('drain'):,}.

{chr(10).join(table)}

Ratios, each from the servers of one run, then the median and range over the runs (target:
tcplab ≥ 10× Python in readings/s and in readings per CPU second):

{chr(10).join(ratios)}
""")
    paced = {name: values(out / f"{name}.paced") for name in ("swift", "python")}
    if all(paced.values()):
        d = paced["swift"]
        devices, rate = int(d["devices"]), float(d["rate_per_device"])

        def row(label, v):
            return (f"| {label} | {v['sent']} | {v['logged']} | {v.get('received_p50_ms')} / {v.get('received_p99_ms')} / "
                    f"{v.get('received_max_ms')} | {v.get('logged_p50_ms')} / {v.get('logged_p99_ms')} / {v.get('logged_max_ms')} |")
        parts.append(f"""### Latency with {devices} devices

`bench/loadgen.py paced`: {devices} devices each send a reading every {1 / rate:g} s
({devices * rate:,.0f} readings/s in all). *Received* is send → the server's `received` stamp
(its clock is read to the millisecond and truncated, hence values near 0 or just below);
*in the log* is send → the line is in the log file, which both servers write in batches at
least every 0.05 s, so that figure is mostly the flush interval.

| server | sent | logged | received p50 / p99 / max (ms) | in the log p50 / p99 / max (ms) |
| --- | ---: | ---: | ---: | ---: |
{row("tcplab serve", paced["swift"])}
{row("python_server.py", paced["python"])}
""")
    idle = {name: values(out / f"{name}.idle") for name in ("swift", "python")}
    if all(idle.values()):
        def row(label, v, bold):
            per = f"**{v['per_idle_connection_bytes']} B**" if bold else f"{v['per_idle_connection_bytes']} B"
            return (f"| {label} | {v['rss_before_kib']} KiB | {v['rss_idle_kib']} KiB | {per} | "
                    f"{v['per_connection_after_reading_bytes']} B | {v['readings_logged']} |")
        parts.append(f"""### Memory per idle connection, {int(idle["swift"]["connections"]):,} at once

`bench/loadgen.py idle`: {idle['swift']['connections']} connections open at once (from source addresses 127.0.0.2–9,
so ephemeral ports do not run out), RSS read from `/proc/PID/status`; then each sends a HELLO and
one reading, all of which must reach the log.

| server | RSS before | RSS with all idle | per idle connection | after one reading each | readings logged |
| --- | ---: | ---: | ---: | ---: | ---: |
{row("tcplab serve", idle["swift"], True)}
{row("python_server.py", idle["python"], False)}

Target: at most 16 KiB (16384 B) per idle connection. RSS is the server process's own memory;
the kernel's socket buffers are not in it.
""")
    import datetime
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = f"""## Sensor server

`tcplab serve` against `bench/python_server.py`, the server a user would otherwise write (Python
asyncio, standard library: `StreamReader.readline` framing with a line limit, strict parsing,
`json.dumps` to the log, flushed every 0.05 s like tcplab's writer). Measured {when}
on {os.environ.get('MACHINE', machine())} shared with other jobs (load average {os.environ.get('LOAD', '?')}
at the end), loopback, by

    swift build -c release && bench/server-bench.sh
    # {os.environ.get('COMMAND', '')}

""" + "\n".join(parts)
    replace_section("server-bench", body)
    print(body)


if __name__ == "__main__":
    kind, *args = sys.argv[1:]
    {"capture": capture, "analysis": analysis, "capture-rate": capture_rate, "server": server}[kind](*args)

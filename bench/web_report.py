#!/usr/bin/env python3
"""Writes web-bench.sh's figures between the web-bench markers of docs/performance.md."""
import json, os, pathlib, statistics, sys

runs = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
doc = pathlib.Path(sys.argv[2])

def figures(variant, phase, key):
    return [r[key] for r in runs if r["variant"] == variant and r["phase"] == phase and key in r]

def cell(values, unit="", scale=1.0, digits=1):
    if not values:
        return "—"
    med = statistics.median(values) * scale
    return f"{med:.{digits}f}{unit} ({min(values) * scale:.{digits}f}–{max(values) * scale:.{digits}f})"

def change(key, phase, per=None):
    plain, web = figures("plain", phase, key), figures("web", phase, key)
    if not plain or not web:
        return "—"
    a, b = statistics.median(plain), statistics.median(web)
    return f"{(b - a) / a * 100:+.1f} %" if a else "—"

for r in runs:
    if r["phase"] == "flood":
        r["rate"] = r["logged"] / r["seconds"]
        r["per_cpu"] = r["logged"] / r["cpu"] if r["cpu"] else 0

rows = [
    ("flood, readings/s", "flood", "rate", " M", 1e-6, 2),
    ("flood, readings per server CPU s", "flood", "per_cpu", " M", 1e-6, 2),
    ("1,000 boards: received p50 (ms)", "paced", "received_p50_ms", "", 1, 1),
    ("1,000 boards: received p99 (ms)", "paced", "received_p99_ms", "", 1, 1),
    ("1,000 boards: in the log p50 (ms)", "paced", "logged_p50_ms", "", 1, 1),
    ("1,000 boards: in the log p99 (ms)", "paced", "logged_p99_ms", "", 1, 1),
    ("1,000 boards: server CPU s", "paced", "cpu", "", 1, 2),
]
lost = [r.get("missing", 0) for r in runs if r["phase"] == "paced"]
body = [
    "### The live page (`serve --web`) and the hot path",
    "",
    f"`{os.environ.get('COMMAND', 'bench/web-bench.sh')}` on {os.environ.get('MACHINE', '?')}, load average before: "
    f"{os.environ.get('LOAD', '?')}. The same release binary without and with `--web 127.0.0.1:PORT` and five "
    "browsers on `/events` (four `curl -N`, one stalled: it asks and never reads), alternating; median "
    "(range) over the runs. The loads are the server bench's: a flood on 8 connections, every reading logged, "
    "and 1,000 boards at 10 readings/s (received: send → the server's stamp; in the log: send → the line is in the file).",
    "",
    "| figure | without --web | with --web, 5 browsers | change (medians) |",
    "| --- | ---: | ---: | ---: |",
]
for label, phase, key, unit, scale, digits in rows:
    body.append(f"| {label} | {cell(figures('plain', phase, key), unit, scale, digits)} | "
                f"{cell(figures('web', phase, key), unit, scale, digits)} | {change(key, phase)} |")
body.append("")
body.append(f"Readings not in the log at the end of a paced run, over all runs: {int(sum(lost))}.")
text = doc.read_text() if doc.exists() else "# Performance\n"
begin, end = "<!-- web-bench:begin -->", "<!-- web-bench:end -->"
section = begin + "\n" + "\n".join(body) + "\n" + end
if begin in text and end in text:
    text = text[: text.index(begin)] + section + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + "\n\n" + section + "\n"
doc.write_text(text)
print("\n".join(body))

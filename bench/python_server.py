#!/usr/bin/env python3
"""The sensor server a user would otherwise write: Python asyncio, standard library only.

Same job as `tcplab serve --log FILE.jsonl --quiet`: accept many boards, frame the byte stream on
newlines (StreamReader.readline), parse `<seq>,<millis>,<temperature>,<humidity>`, accept
`HELLO <name>`, drop invalid lines, and append every valid reading as a JSON line to the log.
It is the reference for bench/server-bench.sh, written plainly and correctly, not slowed down.

    python3 bench/python_server.py --port 5051 --log readings.jsonl
"""
import argparse
import asyncio
import json
import re
import signal
import sys
from datetime import datetime, timezone

NAME = re.compile(r"[A-Za-z0-9_.\-]{1,32}")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def parse(text):
    """Returns ("hello", name), ("reading", (seq, millis, t, h)) or None for an invalid line."""
    if text.startswith("HELLO"):
        name = text[6:]
        return ("hello", name) if text[5:6] == " " and NAME.fullmatch(name) else None
    parts = text.split(",")
    if len(parts) != 4:
        return None
    seq, millis, temperature, humidity = parts
    if not (seq.isdigit() and millis.isdigit()):
        return None
    if not (NUMBER.fullmatch(temperature) and NUMBER.fullmatch(humidity)):
        return None
    seq, millis, t, h = int(seq), int(millis), float(temperature), float(humidity)
    if seq >= 2**32 or millis >= 2**32 or not (-40.0 <= t <= 80.0) or not (0.0 <= h <= 100.0):
        return None
    return ("reading", (seq, millis, t, h))


class Server:
    def __init__(self, log_path, max_line):
        self.log = open(log_path, "a", encoding="utf-8")
        self.max_line = max_line
        self.readings = 0
        self.rejected = 0

    async def handle(self, reader, writer):
        host, port = writer.get_extra_info("peername")[:2]
        peer = f"{host}:{port}"
        device = peer
        try:
            while True:
                try:
                    line = await reader.readline()
                except ValueError:  # longer than the limit: StreamReader drops it
                    self.rejected += 1
                    continue
                if not line:
                    break
                if not line.endswith(b"\n"):  # partial line at EOF
                    self.rejected += 1
                    break
                try:
                    text = line.rstrip(b"\n").removesuffix(b"\r").decode("ascii")
                except UnicodeDecodeError:
                    self.rejected += 1
                    continue
                parsed = parse(text)
                if parsed is None:
                    self.rejected += 1
                elif parsed[0] == "hello":
                    device = parsed[1]
                else:
                    seq, millis, t, h = parsed[1]
                    received = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
                    self.log.write(json.dumps({
                        "received": received, "peer": peer, "device": device, "seq": seq,
                        "millis": millis, "temperature": t, "humidity": h,
                    }) + "\n")
                    self.readings += 1
        except ConnectionError:
            pass
        finally:
            writer.close()


async def main():
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--host", default="0.0.0.0")
    options.add_argument("--port", type=int, default=5051)
    options.add_argument("--log", required=True)
    options.add_argument("--max-line", type=int, default=256)
    arguments = options.parse_args()

    server = Server(arguments.log, arguments.max_line)
    listener = await asyncio.start_server(
        server.handle, arguments.host, arguments.port, limit=arguments.max_line + 2, backlog=4096)
    stop = asyncio.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(number, stop.set)
    print(f"listening on {arguments.host}:{arguments.port}", file=sys.stderr, flush=True)

    async def flush_log():  # like tcplab's writer: readings reach the file within 0.05 s
        while True:
            await asyncio.sleep(0.05)
            server.log.flush()

    flusher = asyncio.create_task(flush_log())
    await stop.wait()
    flusher.cancel()
    listener.close()
    server.log.close()
    print(f"readings {server.readings} rejected {server.rejected}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())

#!/usr/bin/env python3
"""The machine's ceiling for bench/server-bench.sh: a server that only reads and counts lines.

It frames nothing and parses nothing: each recv's newlines are counted and the bytes dropped. The
count goes to --log every 0.05 s (one line `total` when it changed), so bench/loadgen.py sees the
"log" grow while data arrives and the bench reads the last line as the number of lines received.
What it reaches with the same load generator is the most any server could take on this machine.

    python3 bench/drain_server.py --port 5052 --log drain.count
"""
import argparse
import asyncio
import signal
import sys


class Drain(asyncio.BufferedProtocol):
    total = 0

    def __init__(self):
        self.buffer = bytearray(256 * 1024)

    def get_buffer(self, _size_hint):
        return self.buffer

    def buffer_updated(self, count):
        Drain.total += self.buffer.count(b"\n", 0, count)


async def main():
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--host", default="127.0.0.1")
    options.add_argument("--port", type=int, required=True)
    options.add_argument("--log", required=True, help="file that receives the line count")
    arguments = options.parse_args()

    loop = asyncio.get_running_loop()
    listener = await loop.create_server(Drain, arguments.host, arguments.port, backlog=4096)
    stop = asyncio.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    with open(arguments.log, "a") as log:
        written = -1
        while not stop.is_set():
            if Drain.total != written:
                written = Drain.total
                log.write(f"{written}\n")
                log.flush()
            try:
                await asyncio.wait_for(stop.wait(), 0.05)
            except asyncio.TimeoutError:
                pass
    listener.close()
    print(f"lines {Drain.total}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())

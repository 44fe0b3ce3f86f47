#!/usr/bin/env python3
"""Hostile clients for `make soak` (loopback only; bounded in count and time).

For --duration seconds, at once:
  slowloris  N connections each trickling one byte a second of a reading that never ends
  garbage    connections flooding random bytes and junk text lines as fast as the server reads
  longlines  connections sending lines of 1-64 KiB (far over --max-line), as fast as it reads
  vanish     connections that send HELLO and half a reading, then disappear without FIN or RST
             (TCP_REPAIR makes close() silent, like a board that lost power), several a second
The well-behaved board is run beside this by bench/soak.sh (`loadgen.py paced`, its own process,
so this one's busy loop cannot delay its clock). Prints `key=value` counts of what was done.
"""
import argparse
import asyncio
import os
import random
import socket
import sys
import time

HOST = "127.0.0.1"
TCP_REPAIR = 19  # linux/tcp.h


def source(group, index):
    """Each kind of client has its own source addresses (127.0.1.x, 127.0.2.x, ...)."""
    return (f"127.0.{group}.{1 + index % 250}", 0)


def garbage_block(rng, size=64 * 1024):
    """Binary noise with newlines now and then, plus junk that looks almost like readings."""
    parts = []
    while sum(map(len, parts)) < size:
        kind = rng.randrange(4)
        if kind == 0:
            parts.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 120))) + b"\n")
        elif kind == 1:
            parts.append(rng.choice([b"12,abc,28.3,65.2\r\n", b"1,2,3\n", b"-1,5,20.0,50.0\n", b"7,8,nan,50.0\n",
                                     b"9,10,20.0,150.0\n", b"\r\n", b"HELLO \n", b",,,\n", b"1,2,3,4,5\n"]))
        elif kind == 2:
            parts.append(b"\x00\xff\xfe" * rng.randrange(1, 30) + b"\r\n")
        else:
            parts.append(bytes(rng.randrange(0x20, 0x7F) for _ in range(rng.randrange(1, 200))) + b"\n")
    return b"".join(parts)


class Counts:
    def __init__(self):
        self.values = {}

    def add(self, key, amount=1):
        self.values[key] = self.values.get(key, 0) + amount


async def open_from(port, group, index):
    return await asyncio.open_connection(HOST, port, local_addr=source(group, index))


async def slowloris(port, index, stop_at, counts):
    try:
        _, writer = await open_from(port, 1, index)
    except OSError:
        counts.add("slowloris_connect_errors")
        return
    counts.add("slowloris_connected")
    payload = b"1,2003,21.5,4" + b"0" * 10_000  # a reading whose last field never ends
    await asyncio.sleep(index % 100 / 100)  # spread the trickle over the second
    position = 0
    try:
        while time.time() < stop_at:
            writer.write(payload[position % len(payload):position % len(payload) + 1])
            await writer.drain()
            counts.add("slowloris_bytes")
            position += 1
            await asyncio.sleep(1.0)
    except OSError:
        counts.add("slowloris_closed_by_server")
    writer.close()


async def flood(port, group, index, block, stop_at, counts, name):
    try:
        _, writer = await open_from(port, group, index)
    except OSError:
        counts.add(f"{name}_connect_errors")
        return
    try:
        while time.time() < stop_at:
            writer.write(block)
            await writer.drain()
            counts.add(f"{name}_bytes", len(block))
    except OSError:
        counts.add(f"{name}_closed_by_server")
    writer.close()


async def vanish_one(port, index, counts):
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        sock.bind(source(4, index))
        await loop.sock_connect(sock, (HOST, port))
        await loop.sock_sendall(sock, f"HELLO ghost-{index}\r\n17,9200".encode())
        await asyncio.sleep(0.05)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)  # close() now sends neither FIN nor RST
            counts.add("vanished_silently")
        except OSError:
            counts.add("vanished_with_fin")  # no CAP_NET_ADMIN: an ordinary close
    except OSError:
        counts.add("vanish_connect_errors")
    finally:
        sock.close()


async def vanishers(port, rate, stop_at, counts):
    index, tasks = 0, []
    while time.time() < stop_at:
        tasks.append(asyncio.create_task(vanish_one(port, index, counts)))
        index += 1
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*tasks)


async def main(options):
    rng = random.Random(7)
    counts = Counts()
    stop_at = time.time() + options.duration
    garbage = garbage_block(rng)
    long_lines = b"".join(b"L" * rng.randrange(1024, 64 * 1024) + b"\n" for _ in range(16))
    tasks = []
    for start in range(0, options.slowloris, 500):  # connect in batches, not 2,000 SYNs at once
        batch = [asyncio.create_task(slowloris(options.port, i, stop_at, counts))
                 for i in range(start, min(start + 500, options.slowloris))]
        tasks += batch
        await asyncio.sleep(0.05)
    tasks += [asyncio.create_task(flood(options.port, 2, i, garbage, stop_at, counts, "garbage"))
              for i in range(options.garbage)]
    tasks += [asyncio.create_task(flood(options.port, 3, i, long_lines, stop_at, counts, "longlines"))
              for i in range(options.longlines)]
    tasks.append(asyncio.create_task(vanishers(options.port, options.vanish_rate, stop_at, counts)))
    await asyncio.wait_for(asyncio.gather(*tasks), options.duration + 30)
    for key in sorted(counts.values):
        print(f"{key}={counts.values[key]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--slowloris", type=int, default=2000)
    parser.add_argument("--garbage", type=int, default=8)
    parser.add_argument("--longlines", type=int, default=8)
    parser.add_argument("--vanish-rate", type=float, default=20, help="vanishing clients per second")
    sys.exit(asyncio.run(main(parser.parse_args())))

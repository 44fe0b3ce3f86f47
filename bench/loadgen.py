#!/usr/bin/env python3
"""Load generator for the sensor servers (loopback only; every loop bounded in count and time).

  flood  many connections each send `HELLO load-N` and then readings as fast as the server takes
         them (pre-built 64 KiB blocks of `seq,millis,t,h\\r\\n`, so Python's own cost per reading is
         nil and the server is what is measured), then close. `--rounds N` sends the blocks N times
         over (seq starts again: only for bench/drain_server.py, which counts lines). Afterwards it watches the server's
         log until it stops growing and prints when that happened.
  idle   opens many connections that send nothing, and reports the server's RSS before and after
         (memory per idle connection); then each sends one reading, to show they all work.
  paced  N devices each send a reading every 1/rate s for a while; it tails the server's log and
         reports latency per reading: send -> the server's `received` stamp, and send -> the line
         is in the log file (what a user tailing the log waits). Also used by bench/soak.py.

Connections are spread over several source addresses 127.0.0.2... so that tens of
thousands of them, and the TIME_WAITs of earlier runs, do not run out of ephemeral ports.

Output: `key=value` lines for bench/server-bench.sh.
"""
import argparse
import asyncio
import json
import os
import sys
import time
from datetime import datetime

HOST = "127.0.0.1"
SOURCES = 8  # source addresses 127.0.0.2 ... 127.0.0.(1 + SOURCES)


def source(index):
    """A local address for connection `index`: each source address has its own ephemeral ports."""
    return (f"127.0.0.{2 + index % SOURCES}", 0)


async def connect(port, index):
    return await asyncio.open_connection(HOST, port, local_addr=source(index))


def reading_block_chunks(readings, chunk_bytes=64 * 1024):
    """Readings seq 0..readings-1 as (bytes, count) chunks cut at line boundaries."""
    chunks, lines, size = [], [], 0
    for seq in range(readings):
        line = f"{seq},{2003 + seq * 2000 % 4_000_000_000},{20 + seq % 100 / 10:.1f},{40 + seq % 500 / 10:.1f}\r\n"
        lines.append(line)
        size += len(line)
        if size >= chunk_bytes:
            chunks.append(("".join(lines).encode(), len(lines)))
            lines, size = [], 0
    if lines:
        chunks.append(("".join(lines).encode(), len(lines)))
    return chunks


def wait_until_settled(path, settle, timeout):
    """Time of the log's last growth, once it has not grown for `settle` seconds."""
    last_size, last_change = -1, time.time()
    deadline = time.time() + timeout
    while time.time() < deadline:
        size = os.stat(path).st_size if os.path.exists(path) else 0
        if size != last_size:
            last_size, last_change = size, time.time()
        elif time.time() - last_change >= settle:
            break
        time.sleep(0.02)
    return last_change


async def flood(options):
    chunks = reading_block_chunks(options.readings)
    start = time.time()
    deadline = start + options.duration

    async def one(index):
        _, writer = await connect(options.port, index)
        writer.write(f"HELLO load-{index}\r\n".encode())
        sent = 0
        for chunk, count in (pair for _ in range(options.rounds) for pair in chunks):
            if time.time() > deadline:
                break
            writer.write(chunk)
            await writer.drain()
            sent += count
        writer.close()
        await writer.wait_closed()
        return sent

    sent = sum(await asyncio.gather(*(one(index) for index in range(options.connections))))
    sent_at = time.time()
    settled_at = await asyncio.to_thread(wait_until_settled, options.log, options.settle, options.duration + 120)
    print(f"connections={options.connections}")
    print(f"sent={sent}")
    print(f"start={start:.6f}")
    print(f"sent_seconds={sent_at - start:.3f}")
    print(f"logged_at={settled_at:.6f}")
    print(f"elapsed={settled_at - start:.3f}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def open_descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def count_lines(path):
    count = 0
    with open(path, "rb") as log:
        while block := log.read(1 << 20):
            count += block.count(b"\n")
    return count


async def wait_for(condition, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def idle(options):
    pid = options.pid
    fds_before = open_descriptors(pid)
    rss_before = rss_kib(pid)
    writers = []
    for batch_start in range(0, options.connections, 500):
        batch = range(batch_start, min(batch_start + 500, options.connections))
        results = await asyncio.gather(*(connect(options.port, index) for index in batch))
        writers.extend(writer for _, writer in results)
    accepted = await wait_for(lambda: open_descriptors(pid) - fds_before >= options.connections, 60)
    await asyncio.sleep(1.0)
    rss_idle = rss_kib(pid)
    print(f"connections={len(writers)}")
    print(f"all_accepted={int(accepted)}")
    print(f"rss_before_kib={rss_before}")
    print(f"rss_idle_kib={rss_idle}")
    print(f"per_idle_connection_bytes={(rss_idle - rss_before) * 1024 // max(1, len(writers))}")

    # Every connection now sends a HELLO and one reading: all of them must reach the log.
    lines_before = count_lines(options.log) if os.path.exists(options.log) else 0
    for index, writer in enumerate(writers):
        writer.write(f"HELLO idle-{index}\r\n{index},2003,21.0,40.0\r\n".encode())
    await asyncio.gather(*(writer.drain() for writer in writers))
    delivered = await wait_for(lambda: count_lines(options.log) - lines_before >= len(writers), 60)
    await asyncio.sleep(1.0)
    print(f"readings_logged={count_lines(options.log) - lines_before}")
    print(f"all_delivered={int(delivered)}")
    print(f"rss_after_one_reading_kib={rss_kib(pid)}")
    print(f"per_connection_after_reading_bytes={(rss_kib(pid) - rss_before) * 1024 // max(1, len(writers))}")
    for writer in writers:
        writer.close()
    await asyncio.sleep(0.5)


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))]


class LogTail:
    """Follows a JSONL reading log as it grows; calls `seen(device, seq, received_epoch, now)`."""

    def __init__(self, path, seen, prefix):
        self.path, self.seen, self.prefix = path, seen, prefix.encode()
        self.offset, self.rest = 0, b""

    def poll(self):
        try:
            with open(self.path, "rb") as log:
                log.seek(self.offset)
                data = log.read()
        except FileNotFoundError:
            return
        now = time.time()
        self.offset += len(data)
        lines = (self.rest + data).split(b"\n")
        self.rest = lines.pop()
        for line in lines:
            if self.prefix not in line:
                continue
            record = json.loads(line)
            received = datetime.fromisoformat(record["received"].replace("Z", "+00:00")).timestamp()
            self.seen(record["device"], record["seq"], received, now)


async def paced_devices(port, log, devices, rate, duration, prefix="paced", first_index=0):
    """`devices` boards each sending `rate` readings/s for `duration` s; returns a latency report.

    Bounded: sending stops after `duration`; waiting for the log stops 5 s later."""
    sent, received_latency, logged_latency = {}, [], []

    def seen(device, seq, received, now):
        start = sent.pop((device, seq), None)
        if start is not None:
            received_latency.append(received - start)
            logged_latency.append(now - start)

    tail = LogTail(log, seen, f'{prefix}-')  # both servers' JSON spacing
    stop_at = time.time() + duration
    errors = 0

    async def board(index):
        nonlocal errors
        name = f"{prefix}-{index}"
        try:
            _, writer = await connect(port, first_index + index)
            writer.write(f"HELLO {name}\r\n".encode())
            await asyncio.sleep(index % 100 / 100 / rate)  # spread the boards over the period
            began, seq = time.time(), 0
            while time.time() < stop_at:
                sent[(name, seq)] = time.time()
                writer.write(f"{seq},{int((time.time() - began) * 1000)},{20 + seq % 100 / 10:.1f},55.0\r\n".encode())
                await writer.drain()
                seq += 1
                await asyncio.sleep(max(0.0, began + seq / rate - time.time()))
            writer.close()
        except OSError:
            errors += 1

    async def follow():
        while time.time() < stop_at + 5 and (time.time() < stop_at or sent):
            tail.poll()
            await asyncio.sleep(0.005)
        tail.poll()

    follower = asyncio.create_task(follow())
    await asyncio.gather(*(board(index) for index in range(devices)))
    await follower
    count = len(received_latency)
    report = {"devices": devices, "rate_per_device": rate, "sent": count + len(sent), "logged": count,
              "missing": len(sent), "connect_errors": errors}
    for name, values in (("received", received_latency), ("logged", logged_latency)):
        if values:
            report[f"{name}_p50_ms"] = round(percentile(values, 0.50) * 1000, 1)
            report[f"{name}_p99_ms"] = round(percentile(values, 0.99) * 1000, 1)
            report[f"{name}_max_ms"] = round(max(values) * 1000, 1)
    return report


async def paced(options):
    report = await paced_devices(options.port, options.log, options.connections, options.rate, options.duration)
    for key, value in report.items():
        print(f"{key}={value}")


def main():
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("mode", choices=["flood", "idle", "paced"])
    options.add_argument("--port", type=int, required=True)
    options.add_argument("--connections", type=int, default=100)
    options.add_argument("--readings", type=int, default=10_000, help="readings per connection (flood)")
    options.add_argument("--rounds", type=int, default=1, help="send the readings this many times (flood)")
    options.add_argument("--duration", type=float, default=60, help="stop sending after this many seconds")
    options.add_argument("--settle", type=float, default=1.0, help="log quiet this long = server done")
    options.add_argument("--log", required=True, help="the server's reading log")
    options.add_argument("--pid", type=int, help="server process (idle mode)")
    options.add_argument("--rate", type=float, default=10, help="readings/s per device (paced)")
    arguments = options.parse_args()
    asyncio.run({"flood": flood, "idle": idle, "paced": paced}[arguments.mode](arguments))


if __name__ == "__main__":
    sys.exit(main())

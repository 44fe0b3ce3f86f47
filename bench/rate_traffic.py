#!/usr/bin/env python3
"""Sensor-like TCP traffic at a chosen packet rate, for bench/capture-rate-bench.sh.

A drain server on 127.0.0.1:PORT (a child process that reads and discards) and --connections
boards (TCP_NODELAY, as the firmware does) that each say HELLO and then send one reading per
write, e.g. `12,1234567,28.3,65.2\\r\\n`. Each write becomes a data segment, and the server's ACKs
come on top, so the pace is set in *packets*, as tcpdump counts them: the loopback interface's own
counter (/sys/class/net/lo/statistics/tx_packets; every packet on lo is sent once) is read about
every millisecond and the boards write just enough to keep the packets on the target line.
Run it inside a network namespace of its own, so that counter holds this traffic only.

Bounded: the paced phase lasts --seconds, the whole run at most --seconds + 10 s, and the drain
server exits on its own by then too. Prints one JSON line on stdout: target, packets and seconds
of the paced phase, the achieved rate, the writes, and the packets of the whole run.
"""
import argparse
import json
import os
import selectors
import signal
import socket
import time

COUNTER = "/sys/class/net/lo/statistics/tx_packets"


def read_counter(fd):
    return int(os.pread(fd, 64, 0))


def drain_server(listener, deadline):
    """Accepts every board and reads until it closes; returns at the deadline or when told to stop."""
    selector = selectors.DefaultSelector()
    listener.setblocking(False)
    selector.register(listener, selectors.EVENT_READ)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    while not stop and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.1):
            if key.fileobj is listener:
                try:
                    conn, _ = listener.accept()
                except BlockingIOError:
                    continue
                conn.setblocking(False)
                selector.register(conn, selectors.EVENT_READ)
            else:
                try:
                    data = key.fileobj.recv(1 << 18)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()


def reading(seq, board):
    return b"%d,%d,%.1f,%.1f\r\n" % (board, 1_000_000 + 2000 * seq, 20 + seq % 100 / 10, 40 + seq % 300 / 10)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=5050)
    parser.add_argument("--rate", type=float, required=True, help="target packets per second (as tcpdump counts them)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the paced phase (at most 60)")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    seconds = min(args.seconds, 60.0)
    hard_deadline = time.monotonic() + seconds + 10

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(128)
    server = os.fork()
    if server == 0:
        try:
            drain_server(listener, hard_deadline + 2)
        finally:
            os._exit(0)
    listener.close()

    counter = os.open(COUNTER, os.O_RDONLY)
    start_all = read_counter(counter)
    boards = []
    try:
        for index in range(args.connections):
            sock = socket.create_connection(("127.0.0.1", args.port), timeout=5)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(b"HELLO rate-%d\r\n" % index)
            boards.append(sock)
        time.sleep(0.1)

        # Paced phase: keep the packets counted on lo on the line rate × elapsed.
        per_write = 2.0           # packets per write, learned as it goes (data segment + ACK)
        writes = 0
        seq = 0
        start = time.monotonic()
        first = read_counter(counter)
        end = start + seconds
        while True:
            now = time.monotonic()
            if now >= end or now >= hard_deadline:
                break
            sent = read_counter(counter) - first
            if writes >= 200:
                # Never below 1.5: when writes start to share segments (the stack falls behind),
                # writing faster would only fill socket buffers; the rate then falls short instead.
                per_write = min(3.0, max(1.5, sent / writes))
            due = int((args.rate * (now - start) - sent) / per_write)
            # At most ~2 ms of writes in one go, spread over the boards in turn.
            for _ in range(min(due, int(args.rate * 0.002 / per_write) + 1)):
                sock = boards[seq % len(boards)]
                sock.sendall(reading(seq // len(boards), seq % len(boards)))
                seq += 1
                writes += 1
            if due <= 0:
                time.sleep(0.0005)
        elapsed = time.monotonic() - start
        paced = read_counter(counter) - first
    finally:
        for sock in boards:
            sock.close()
        time.sleep(0.2)
        os.kill(server, signal.SIGTERM)
        os.waitpid(server, 0)
    total = read_counter(counter) - start_all
    print(json.dumps({"target": args.rate, "seconds": round(elapsed, 3), "packets": paced,
                      "rate": round(paced / elapsed), "writes": writes,
                      "packets_per_write": round(paced / writes, 3) if writes else None,
                      "all_packets": total}), flush=True)


if __name__ == "__main__":
    main()

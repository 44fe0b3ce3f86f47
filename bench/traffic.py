#!/usr/bin/env python3
"""Real sensor-like TCP traffic on loopback for the benchmarks: a line server and many boards.

Each board connects, says HELLO, sends readings with TCP_NODELAY (as the firmware does) and closes,
so the capture holds every part of TCP's life: handshakes, data, ACKs and teardowns.
Bounded: stops after --connections boards or --seconds, whichever comes first.

With --streams N, N boards instead send their --readings all at once, in parallel and without
pauses, as fast as loopback takes them: a payload-heavy capture (long streams of readings, several
readings per segment), where the cost of showing payload bytes dominates.
"""
import argparse
import socket
import threading
import time


def serve(listener):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=drain, args=(conn,), daemon=True).start()


def drain(conn):
    with conn:
        while conn.recv(65536):
            pass


def board(port, index, readings, pauses=True, deadline=None):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(b"HELLO bench-%d\r\n" % index)
        for seq in range(readings):
            sock.sendall(b"%d,%d,%.1f,%.1f\r\n" % (seq, 2000 * seq, 20 + seq % 10 / 10, 40 + seq % 7))
            if pauses and seq % 4 == 3:
                time.sleep(0.0005)   # let the ACKs through, as a real board's pauses do
            if deadline and seq % 1000 == 0 and time.monotonic() > deadline:
                return


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5050)
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--readings", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--streams", type=int, default=0,
                        help="this many boards stream their readings in parallel, without pauses")
    args = parser.parse_args()

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(512)
    threading.Thread(target=serve, args=(listener,), daemon=True).start()

    deadline = time.monotonic() + args.seconds
    if args.streams:
        boards = [threading.Thread(target=board, args=(args.port, i, args.readings, False, deadline))
                  for i in range(args.streams)]
        for thread in boards: thread.start()
        for thread in boards: thread.join()
    for index in range(0 if args.streams else args.connections):
        if time.monotonic() > deadline:
            break
        board(args.port, index, args.readings)
    time.sleep(0.2)
    listener.close()


if __name__ == "__main__":
    main()

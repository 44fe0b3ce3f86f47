#!/usr/bin/env python3
"""Lab 6: a deliberately slow sensor server, to watch TCP flow control.

It accepts ONE board on TCP port 5050 with a tiny receive buffer, then reads only a few bytes
at a time and sleeps in between. The board sends faster than this reads, so the kernel's
receive buffer fills, the advertised window shrinks to zero, the board's TCP stops and probes,
and every read that frees enough room makes the kernel announce a window update.

After --seconds it stops being slow: it reads whatever is left at full speed (the window opens
again), closes, and exits. It never runs longer than --seconds plus a few seconds.

    python3 labs/06-flow-control/slow_reader.py                      # defaults below
    python3 labs/06-flow-control/slow_reader.py --rcvbuf 1024 --chunk 32 --delay 0.5

Only the standard library; Python 3.8 or later.
"""

import argparse
import socket
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description="A slow sensor server for the flow-control lab.")
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=5050, help="TCP port (default 5050)")
    parser.add_argument("--rcvbuf", type=int, default=2048,
                        help="SO_RCVBUF in bytes, set before listen() so the handshake already "
                             "announces a small window (Linux doubles it; default 2048)")
    parser.add_argument("--chunk", type=int, default=64, help="bytes per recv() (default 64)")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds of sleep after each recv() (default 0.2)")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="how long to stay slow before draining and exiting (default 20)")
    parser.add_argument("--accept-timeout", type=float, default=60.0,
                        help="give up if no board connects within this many seconds (default 60)")
    args = parser.parse_args()
    if args.chunk < 1 or args.delay < 0 or args.seconds <= 0 or args.rcvbuf < 1:
        parser.error("--chunk and --rcvbuf must be at least 1, --delay at least 0, --seconds more than 0")

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # The accepted socket inherits the listener's buffer size; setting it here, before listen(),
    # also fixes the window scale the SYN-ACK offers.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, args.rcvbuf)
    try:
        listener.bind((args.host, args.port))
    except OSError as error:
        print(f"slow_reader: cannot listen on {args.host}:{args.port}: {error} "
              f"(is tcplab serve still running?)", file=sys.stderr)
        return 1
    listener.listen(1)
    listener.settimeout(args.accept_timeout)
    actual = listener.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    print(f"slow_reader: listening on {args.host}:{args.port}, SO_RCVBUF {actual} bytes "
          f"(asked {args.rcvbuf}); reading {args.chunk} B every {args.delay} s for {args.seconds} s",
          flush=True)
    try:
        conn, peer = listener.accept()
    except socket.timeout:
        print(f"slow_reader: no board connected within {args.accept_timeout} s", file=sys.stderr)
        return 1
    finally:
        listener.close()
    print(f"slow_reader: {peer[0]}:{peer[1]} connected", flush=True)

    received = 0
    reads = 0
    deadline = time.monotonic() + args.seconds
    closed_by_board = False
    with conn:
        conn.settimeout(max(args.delay, 0.1) + 5)
        while time.monotonic() < deadline:
            try:
                data = conn.recv(args.chunk)
            except socket.timeout:
                continue
            except ConnectionResetError:
                print("slow_reader: the board reset the connection (RST)", file=sys.stderr)
                return 1
            if not data:  # recv() returns b"" once the board's FIN has been read
                closed_by_board = True
                break
            received += len(data)
            reads += 1
            time.sleep(args.delay)
        print(f"slow_reader: slow phase over: {received} bytes in {reads} reads; draining", flush=True)
        # Drain at full speed (bounded), so the window opens again and the board can finish.
        drain_deadline = time.monotonic() + 5
        conn.settimeout(0.5)
        while not closed_by_board and time.monotonic() < drain_deadline:
            try:
                data = conn.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                break
            if not data:
                closed_by_board = True
                break
            received += len(data)
    print(f"slow_reader: {received} bytes in all; "
          f"{'the board closed first' if closed_by_board else 'closing now'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Minimal TCP sink for the integration check: accept one client on 127.0.0.1, record every
byte it sends until it closes, then exit. Binds an ephemeral port and writes it to --port-file
only once listening, so the caller never races the bind."""
import argparse
import os
import socket
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--out", required=True, help="where the received bytes go, verbatim")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(args.timeout)
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(server.getsockname()[1]))
        # rename: the reader sees the whole port number or nothing
        os.replace(args.port_file + ".tmp", args.port_file)
        try:
            client, _ = server.accept()
        except socket.timeout:
            print("line_server: no client connected", file=sys.stderr)
            return 1
        received = bytearray()
        with client:
            client.settimeout(args.timeout)
            while True:
                chunk = client.recv(4096)
                if not chunk:
                    break  # the client's FIN: closing our side answers it
                received += chunk
    with open(args.out, "wb") as f:
        f.write(received)
    return 0


if __name__ == "__main__":
    sys.exit(main())

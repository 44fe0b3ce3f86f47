#!/usr/bin/env python3
"""Peers for scripts/make-fixtures.sh: a tiny sensor server and a client that behaves like the
ESP8266 board (TCP_NODELAY, optional `HELLO <name>\\r\\n`, then `seq,millis,t,h\\r\\n` lines).

Every loop here is bounded in count and in time; every socket has a timeout. Nothing here
chooses addresses: the caller passes them (they live inside network namespaces the caller made).

    fixture_peers.py server --bind 10.55.0.1 [--rcvbuf N] [--stop-reading-for S] ...
    fixture_peers.py client --connect 10.55.0.1 [--count N] [--abort-after K] ...
"""
import argparse
import os
import socket
import struct
import sys
import time

PORT = 5050
HARD_LIMIT_S = 30.0  # no peer ever lives longer than this


def log(role, msg):
    print(f"[{role}] {msg}", file=sys.stderr, flush=True)


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def reading(seq):
    """Deterministic readings: the same bytes on every run, so golden outputs stay stable."""
    millis = 1234567 + seq * 2003
    temp = 28.3 + (seq % 5) * 0.1
    hum = 65.2 - (seq % 3) * 0.4
    return f"{seq},{millis},{temp:.1f},{hum:.1f}\r\n".encode()


def wait_for_file(path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            return True
        time.sleep(0.02)
    return False


def touch(path):
    if path:
        with open(path, "w") as f:
            f.write("1\n")


# --------------------------------------------------------------------------------------------
# server


def run_server(a):
    started = time.monotonic()
    fam = family_of(a.bind)
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.rcvbuf:
        # Set on the listener so the accepted socket inherits it and the SYN-ACK already
        # advertises the small window / small window-scale shift.
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
    ls.bind((a.bind, a.port))
    ls.listen(4)
    ls.settimeout(a.accept_timeout)
    touch(a.ready_file)
    log("server", f"listening on {a.bind}:{a.port} rcvbuf={ls.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}")
    for n in range(a.connections):
        try:
            conn, peer = ls.accept()
        except socket.timeout:
            log("server", "no connection before timeout")
            return 1
        conn.settimeout(5.0)
        log("server", f"connection {n} from {peer[0]} rcvbuf={conn.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)}")
        if a.keepalive:
            set_keepalive(conn)
        serve_one(conn, a, started)
    ls.close()
    return 0


def serve_one(conn, a, started):
    buf = b""
    lines = 0
    total = 0
    paused = False
    eof = False
    for _ in range(100000):  # bounded
        if time.monotonic() - started > HARD_LIMIT_S:
            log("server", "hard time limit")
            break
        if a.stop_reading_for and not paused and total >= a.stop_after_bytes:
            paused = True
            log("server", f"stop reading for {a.stop_reading_for}s after {total} bytes")
            time.sleep(a.stop_reading_for)
        try:
            data = conn.recv(a.recv_size)
        except ConnectionResetError:
            log("server", f"connection reset by peer after {lines} lines")
            break
        except socket.timeout:
            log("server", "recv timeout")
            break
        if not data:
            eof = True
            break
        total += len(data)
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            lines += 1
            if a.verbose:
                text = line.rstrip(b"\r").decode(errors="replace")
                log("server", f"line {text}")
        if a.read_delay:
            time.sleep(a.read_delay)
    log("server", f"{lines} lines, {total} bytes, eof={eof}")
    if eof and a.reply:
        time.sleep(a.reply_delay)
        msg = a.reply.replace("{lines}", str(lines)).encode() + b"\r\n"
        try:
            conn.sendall(msg)
            log("server", f"sent reply after peer's FIN: {msg!r}")
        except OSError as e:
            log("server", f"reply failed: {e}")
    if eof and a.close_delay:
        time.sleep(a.close_delay)
    conn.close()


# --------------------------------------------------------------------------------------------
# client


def set_keepalive(s, idle=1, intvl=1, cnt=5):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)


def run_client(a):
    fam = family_of(a.connect)
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # the board's WiFiClient does this
    if a.sndbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, a.sndbuf)
    if a.maxseg:
        # announced in the SYN's MSS option; big writes then leave as several small segments
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, a.maxseg)
    if a.keepalive_idle:
        set_keepalive(s, a.keepalive_idle, a.keepalive_intvl, 5)
    s.settimeout(a.timeout)
    try:
        s.connect((a.connect, a.port))
    except ConnectionRefusedError:
        log("client", f"connection to {a.connect}:{a.port} refused (RST) - as intended" if a.expect_refused
            else "connection refused")
        return 0 if a.expect_refused else 1
    if a.expect_refused:
        log("client", "connected although refusal was expected")
        s.close()
        return 1
    log("client", f"connected to {a.connect}:{a.port}")

    sent = 0
    if a.hello:
        s.sendall(f"HELLO {a.hello}\r\n".encode())
    seq = 0
    writes = 0
    deadline = time.monotonic() + HARD_LIMIT_S
    while seq < a.count and time.monotonic() < deadline:
        if a.abort_after is not None and seq == a.abort_after:
            break
        n = min(a.batch, a.count - seq)
        payload = b"".join(reading(seq + i) for i in range(n))
        s.sendall(payload)
        sent += len(payload)
        seq += n
        writes += 1
        if a.mark_after is not None and seq == a.mark_after:
            touch(a.mark_file)
            log("client", f"sent {seq} readings; waiting for {a.go_file}")
            if a.go_file and not wait_for_file(a.go_file, 10.0):
                log("client", "go file never appeared; carrying on")
        if a.idle_after is not None and seq == a.idle_after:
            log("client", f"idle for {a.idle}s (keepalive probes expected)")
            time.sleep(a.idle)
        elif a.interval and seq < a.count and writes % a.burst == 0:
            time.sleep(a.interval)
    log("client", f"sent {seq} readings, {sent} bytes")

    if a.abort_after is not None:
        time.sleep(a.before_close)
        # SO_LINGER on with timeout 0: close() throws the connection away and sends RST.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        log("client", "aborted with RST (SO_LINGER 0)")
        return 0

    if a.half_close:
        time.sleep(a.before_close)
        s.shutdown(socket.SHUT_WR)
        log("client", "shutdown(SHUT_WR): FIN sent, still reading")
        got = b""
        for _ in range(100):
            try:
                d = s.recv(4096)
            except socket.timeout:
                log("client", "timeout waiting for the server's reply")
                break
            if not d:
                break
            got += d
        log("client", f"server said {got!r} then closed")
        s.close()
        return 0

    time.sleep(a.before_close)
    s.close()
    log("client", "closed")
    return 0


# --------------------------------------------------------------------------------------------
# vlan-tag: 802.1Q tagging without the 8021q module (this kernel has no CONFIG_VLAN_8021Q, so
# `ip link add ... type vlan` fails). Two tiny eBPF programs, attached with tcx to one device:
# egress pushes an 802.1Q tag (bpf_skb_vlan_push), ingress pops it (bpf_skb_vlan_pop) so the
# stack accepts the frame. The tag is real on the wire: packet sockets (tcpdump) on the device see
# it, after the push on transmit and before the pop on receive. Needs Linux >= 6.6 (tcx).

SYS_BPF = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine)
BPF_PROG_LOAD, BPF_PROG_ATTACH = 5, 8
BPF_PROG_TYPE_SCHED_CLS = 3
BPF_TCX_INGRESS, BPF_TCX_EGRESS = 46, 47
FUNC_SKB_VLAN_PUSH, FUNC_SKB_VLAN_POP = 18, 19


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


def bpf(cmd, attr):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    buf = ctypes.create_string_buffer(attr, 128)
    fd = libc.syscall(SYS_BPF, cmd, buf, 128)
    if fd < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return fd, buf


def load_prog(insns, name):
    import ctypes
    code = b"".join(insns)
    code_buf = ctypes.create_string_buffer(code, len(code))
    lic = ctypes.create_string_buffer(b"GPL")
    logbuf = ctypes.create_string_buffer(65536)
    attr = struct.pack("<IIQQIIQII16s", BPF_PROG_TYPE_SCHED_CLS, len(insns),
                       ctypes.addressof(code_buf), ctypes.addressof(lic),
                       1, len(logbuf), ctypes.addressof(logbuf), 0, 0, name.encode())
    try:
        fd, _ = bpf(BPF_PROG_LOAD, attr)
    except OSError:
        log("vlan", "verifier: " + logbuf.value.decode(errors="replace"))
        raise
    return fd


def run_vlan_tag(a):
    if SYS_BPF is None:
        log("vlan", "unknown architecture for the bpf syscall")
        return 1
    ifindex = socket.if_nametoindex(a.dev)
    mov_k = 0xb7  # BPF_ALU64 | BPF_MOV | BPF_K
    call, exit_ = 0x85, 0x95
    push = [insn(mov_k, dst=2, imm=socket.htons(0x8100)),   # r2 = vlan_proto (big endian)
            insn(mov_k, dst=3, imm=a.vid),                   # r3 = vlan_tci
            insn(call, imm=FUNC_SKB_VLAN_PUSH),              # r1 = skb (as entered)
            insn(mov_k, dst=0, imm=0),                       # TCX_PASS / TC_ACT_OK
            insn(exit_)]
    pop = [insn(call, imm=FUNC_SKB_VLAN_POP),
           insn(mov_k, dst=0, imm=0),
           insn(exit_)]
    for prog, where, name in ((push, BPF_TCX_EGRESS, "vlan_push"), (pop, BPF_TCX_INGRESS, "vlan_pop")):
        fd = load_prog(prog, name)
        # target_ifindex, attach_bpf_fd, attach_type, attach_flags, replace_fd, relative, revision
        bpf(BPF_PROG_ATTACH, struct.pack("<IIIIIIQ", ifindex, fd, where, 0, 0, 0, 0))
        os.close(fd)  # the attachment keeps the program; it goes away with the device
    log("vlan", f"{a.dev}: egress pushes 802.1Q tag {a.vid}, ingress pops it")
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="role", required=True)

    sv = sub.add_parser("server", help="accept connections and read sensor lines")
    sv.add_argument("--bind", required=True)
    sv.add_argument("--port", type=int, default=PORT)
    sv.add_argument("--connections", type=int, default=1, help="connections to serve, then exit")
    sv.add_argument("--accept-timeout", type=float, default=15.0)
    sv.add_argument("--ready-file", help="created once the socket listens")
    sv.add_argument("--rcvbuf", type=int, default=0, help="SO_RCVBUF (set before listen)")
    sv.add_argument("--recv-size", type=int, default=4096, help="bytes per recv()")
    sv.add_argument("--read-delay", type=float, default=0.0, help="sleep after each recv()")
    sv.add_argument("--stop-reading-for", type=float, default=0.0, help="stop reading this long ...")
    sv.add_argument("--stop-after-bytes", type=int, default=0, help="... once this many bytes were read")
    sv.add_argument("--reply", default="", help="text sent after the peer's FIN ({lines} = count)")
    sv.add_argument("--reply-delay", type=float, default=0.05)
    sv.add_argument("--close-delay", type=float, default=0.0, help="wait this long after EOF before close")
    sv.add_argument("--keepalive", action="store_true")
    sv.add_argument("--verbose", action="store_true")

    cl = sub.add_parser("client", help="behave like the ESP8266 board")
    cl.add_argument("--connect", required=True)
    cl.add_argument("--port", type=int, default=PORT)
    cl.add_argument("--hello", default="nodemcu-01", help="device name ('' for no HELLO line)")
    cl.add_argument("--count", type=int, default=5, help="readings to send")
    cl.add_argument("--interval", type=float, default=0.05, help="pause between writes")
    cl.add_argument("--batch", type=int, default=1, help="readings per write")
    cl.add_argument("--burst", type=int, default=1, help="writes back to back before each pause")
    cl.add_argument("--sndbuf", type=int, default=0)
    cl.add_argument("--maxseg", type=int, default=0, help="TCP_MAXSEG before connect")
    cl.add_argument("--timeout", type=float, default=10.0)
    cl.add_argument("--before-close", type=float, default=0.05)
    cl.add_argument("--expect-refused", action="store_true")
    cl.add_argument("--abort-after", type=int, help="after this many readings close with RST")
    cl.add_argument("--half-close", action="store_true", help="shutdown(SHUT_WR), then read the reply")
    cl.add_argument("--keepalive-idle", type=int, default=0, help="SO_KEEPALIVE with this TCP_KEEPIDLE")
    cl.add_argument("--keepalive-intvl", type=int, default=1)
    cl.add_argument("--idle-after", type=int, help="after this many readings stay idle ...")
    cl.add_argument("--idle", type=float, default=0.0, help="... for this many seconds")
    cl.add_argument("--mark-after", type=int, help="after this many readings create --mark-file ...")
    cl.add_argument("--mark-file")
    cl.add_argument("--go-file", help="... and wait (max 10 s) for this file before going on")

    vt = sub.add_parser("vlan-tag", help="802.1Q tag a device's traffic with eBPF (no 8021q module)")
    vt.add_argument("--dev", required=True)
    vt.add_argument("--vid", type=int, default=55)

    a = p.parse_args(argv)
    if a.role == "vlan-tag":
        return run_vlan_tag(a)
    if a.role == "server":
        return run_server(a)
    if a.role == "client" and a.hello == "":
        a.hello = None
    return run_client(a)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes the capture-file format fixtures in Tests/Fixtures/files/ from the real captures in
Tests/Fixtures: the same packets, laid out in the file formats and variants tcplab's reader must
know (see Tests/Fixtures/files/README.md). Then run scripts/tshark-reference.sh Tests/Fixtures/files
for their tshark tables.

Usage: scripts/make-file-fixtures.py        (needs mergecap and editcap, which come with tshark)
"""
import os, struct, subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Tests", "Fixtures")
OUT = os.path.join(FIXTURES, "files")


def records(name):
    """(seconds, microseconds, original length, bytes) of each record of a little-endian microsecond pcap."""
    data = open(os.path.join(FIXTURES, name), "rb").read()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4, name
    result, offset = [], 24
    while offset < len(data):
        seconds, micros, captured, original = struct.unpack("<IIII", data[offset:offset + 16])
        result.append((seconds, micros, original, data[offset + 16:offset + 16 + captured]))
        offset += 16 + captured
    return data[:24], result


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def big_endian_pcap():
    header, recs = records("handshake-readings-fin.pcap")
    magic, major, minor, zone, sigfigs, snaplen, linktype = struct.unpack("<IHHiIII", header)
    out = struct.pack(">IHHiIII", magic, major, minor, zone, sigfigs, snaplen, linktype)
    for seconds, micros, original, packet in recs:
        out += struct.pack(">IIII", seconds, micros, len(packet), original) + packet
    write("big-endian.pcap", out)


def longer_than_snaplen():
    """The file header's snapshot length says 60; most records hold more (tshark shows them whole)."""
    data = bytearray(open(os.path.join(FIXTURES, "handshake-readings-fin.pcap"), "rb").read())
    data[16:20] = struct.pack("<I", 60)
    write("longer-than-snaplen.pcap", bytes(data))


def modified_pcap():
    """Kuznetzov's "modified" pcap (magic a1 b2 cd 34): 24-byte record headers with ifindex,
    protocol and packet type after the usual four fields."""
    header, recs = records("handshake-readings-fin.pcap")
    out = struct.pack("<I", 0xA1B2CD34) + header[4:]
    for seconds, micros, original, packet in recs:
        ethertype = struct.unpack(">H", packet[12:14])[0]
        out += struct.pack("<IIIIIHBB", seconds, micros, len(packet), original, 2, ethertype, 0, 0) + packet
    write("modified.pcap", out)


def block(order, kind, body):
    body += b"\0" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack(order + "II", kind, length) + body + struct.pack(order + "I", length)


def option(order, code, value):
    return struct.pack(order + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def end_of_options(order):
    return struct.pack(order + "HH", 0, 0)


def section_header(order):
    return block(order, 0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1))


def sections_pcapng():
    """Two sections: little-endian with an Ethernet interface counting 2^-20 s from an if_tsoffset,
    EPBs and blocks to skip; big-endian with a Linux cooked interface counting 10^-7 s, obsolete
    Packet Blocks and EPBs. (No custom block: tshark shows one as a frame of its own.)"""
    _, ethernet = records("handshake-readings-fin.pcap")
    _, cooked = records("cooked-any.pcap")
    out = b""

    le = "<"
    base = 1_700_000_000
    out += section_header(le)
    out += block(le, 1, struct.pack(le + "HHI", 1, 0, 262144)
                 + option(le, 9, bytes([0x80 | 20])) + option(le, 14, struct.pack(le + "q", base)) + end_of_options(le))
    for index, (seconds, micros, original, packet) in enumerate(ethernet):
        ticks = ((seconds - base) << 20) + (micros << 20) // 1_000_000
        out += block(le, 6, struct.pack(le + "IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(packet), original) + packet)
        if index == 2:   # a Name Resolution Block: nothing to show
            out += block(le, 4, struct.pack(le + "HH", 0, 0))
    out += block(le, 5, struct.pack(le + "III", 0, 0, 0) + end_of_options(le))   # Interface Statistics

    be = ">"
    out += section_header(be)
    out += block(be, 1, struct.pack(be + "HHI", 113, 0, 262144) + option(be, 9, bytes([7])) + end_of_options(be))
    for index, (seconds, micros, original, packet) in enumerate(cooked):
        ticks = seconds * 10_000_000 + micros * 10
        if index % 2 == 0:
            out += block(be, 2, struct.pack(be + "HHIIII", 0, 0, ticks >> 32, ticks & 0xFFFFFFFF, len(packet), original) + packet)
        else:
            out += block(be, 6, struct.pack(be + "IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(packet), original) + packet)
    write("sections.pcapng", out)


def simple_packets_pcapng():
    """Simple Packet Blocks (no interface ID, no timestamp) on an interface with a snapshot length
    of 60: each holds at most 60 bytes of its packet. tshark gives them no time at all, so this
    file has no tshark table; the tests compare its bytes with the original's."""
    _, ethernet = records("handshake-readings-fin.pcap")
    le = "<"
    out = section_header(le) + block(le, 1, struct.pack(le + "HHI", 1, 0, 60) + end_of_options(le))
    for _, _, original, packet in ethernet:
        out += block(le, 3, struct.pack(le + "I", original) + packet[:60])
    write("simple-packets.pcapng", out)


def main():
    os.makedirs(OUT, exist_ok=True)
    big_endian_pcap()
    longer_than_snaplen()
    modified_pcap()
    sections_pcapng()
    simple_packets_pcapng()
    # Two interfaces of different kinds in one file: libpcap refuses it, tshark reads it.
    subprocess.run(["mergecap", "-F", "pcapng", "-w", os.path.join(OUT, "mixed-interfaces.pcapng"),
                    os.path.join(FIXTURES, "handshake-readings-fin.pcap"), os.path.join(FIXTURES, "cooked-any.pcap")],
                   check=True)
    # Nanosecond timestamps as dumpcap took them (readings.pcapng's interface counts nanoseconds).
    subprocess.run(["editcap", "-F", "nsecpcap", os.path.join(FIXTURES, "readings.pcapng"),
                    os.path.join(OUT, "nanosecond.pcap")], check=True)


if __name__ == "__main__":
    main()

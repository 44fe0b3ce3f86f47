#!/usr/bin/env python3
"""Seed corpora for the fuzzers, from the repository's own test data.

  decode-packet/  the bytes of every packet in the captures below (one file each)
  read-capture/   every capture whole: Tests/Fixtures (and its world/ and corpus/ folders: other
                  systems' traffic, link types, tunnels, broken files; files/: the same packets
                  in other file layouts, whole only) and labs/captures
  sensor-line/    every line of testdata/sensor_lines.tsv (escapes decoded, terminator added)

Usage: fuzz/make-seeds.py OUTPUT_DIR   (run from the repository root)
"""
import glob, hashlib, os, re, struct, sys

def pcap_packets(data):
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        return pcapng_packets(data)
    offset = 24
    while offset + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        yield data[offset + 16:offset + 16 + incl]
        offset += 16 + incl

def pcapng_packets(data):
    offset, endian = 0, "<"
    while offset + 12 <= len(data):
        block_type = struct.unpack(endian + "I", data[offset:offset + 4])[0]
        if block_type == 0x0A0D0D0A:
            endian = "<" if data[offset + 8:offset + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        length = struct.unpack(endian + "I", data[offset + 4:offset + 8])[0]
        if length < 12:
            return
        if block_type == 6:   # enhanced packet block
            captured = struct.unpack(endian + "I", data[offset + 20:offset + 24])[0]
            yield data[offset + 28:offset + 28 + captured]
        offset += length

def unescape(field):
    def replace(match):
        text = match.group(0)
        return {"\\r": "\r", "\\n": "\n", "\\t": "\t", "\\\\": "\\"}.get(text) or chr(int(text[2:], 16))
    return re.sub(r"\\x[0-9A-Fa-f]{2}|\\[rnt\\]", replace, field).encode("latin-1")

def save(directory, content):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, hashlib.sha1(content).hexdigest()), "wb") as out:
        out.write(content)

def main(output):
    captures = sorted(glob.glob("Tests/Fixtures/*.pcap*") + glob.glob("Tests/Fixtures/world/*.pcap*")
                      + glob.glob("Tests/Fixtures/corpus/*.pcap*") + glob.glob("Tests/Fixtures/corpus/*.cap")
                      + glob.glob("labs/captures/*.pcap"))
    for path in captures:
        data = open(path, "rb").read()
        save(os.path.join(output, "read-capture"), data)
        for packet in pcap_packets(data):
            save(os.path.join(output, "decode-packet"), packet)
    # The same packets in the other layouts the file reader knows (byte orders, sections, blocks).
    for path in sorted(glob.glob("Tests/Fixtures/files/*.pcap*")):
        save(os.path.join(output, "read-capture"), open(path, "rb").read())
    for row in open("testdata/sensor_lines.tsv", encoding="utf-8"):
        if row.startswith("#") or not row.strip():
            continue
        line = unescape(row.rstrip("\n").split("\t")[1])
        if line == b"-":
            line = b""
        save(os.path.join(output, "sensor-line"), line)
        save(os.path.join(output, "sensor-line"), line + b"\r")
    for name in ("decode-packet", "read-capture", "sensor-line"):
        print(f"{name}: {len(os.listdir(os.path.join(output, name)))} seeds")

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "fuzz/out/seeds")

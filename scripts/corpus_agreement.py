#!/usr/bin/env python3
"""tcplab's JSON against tshark's fields on a folder of other people's captures, field by field.

Usage: scripts/corpus_agreement.py TCPLAB REFERENCE_DIR CORPUS_DIR
  REFERENCE_DIR holds NAME.tshark.tsv made by scripts/tshark-reference.sh from CORPUS_DIR's
  captures (copy them to a writable folder first: the script writes beside each capture).
Prints, per field, how many of tshark's TCP frames agree, with examples of the differences; the
frames tshark decodes as TCP that tcplab does not show; JSON lines that do not parse. A measuring
tool for issue 12 (the world's captures), not a test: it asserts nothing.
"""
import subprocess, json, sys, os, collections, glob, re

B = sys.argv[1]; refdir = sys.argv[2]; corpus = sys.argv[3]
pairs = [("sport","tcp.srcport"),("dport","tcp.dstport"),("stream","tcp.stream"),("seq","tcp.seq"),("seq_raw","tcp.seq_raw"),
         ("ack","tcp.ack"),("ack_raw","tcp.ack_raw"),("next_seq","tcp.nxtseq"),("len","tcp.len"),("hdr_len","tcp.hdr_len"),
         ("win","tcp.window_size_value")]
names = ["retransmission","fast_retransmission","spurious_retransmission","out_of_order","lost_segment","ack_lost_segment","duplicate_ack","zero_window","zero_window_probe","zero_window_probe_ack","window_full","window_update","keep_alive","keep_alive_ack"]
tot = collections.Counter(); bad = collections.Counter(); ex = collections.defaultdict(list)
missing_by_file = collections.Counter(); frames_ts = 0; frames_missing = 0; badjson = 0; analysis_tot = 0; analysis_bad = 0
for tsv in sorted(glob.glob(refdir + "/*.tshark.tsv")):
    name = os.path.basename(tsv)[:-len(".tshark.tsv")]
    cap = [p for p in glob.glob(glob.escape(corpus + "/" + name) + ".*") if not p.endswith(".tsv")]
    if not cap: continue
    lines = open(tsv).read().split("\n")
    head = lines[0].split("\t"); rows = [dict(zip(head, l.split("\t"))) for l in lines[1:] if l]
    out = subprocess.run([B, "read", cap[0], "--format", "json"], capture_output=True, text=True).stdout
    mine = {}
    for l in out.splitlines():
        try: o = json.loads(l)
        except Exception: badjson += 1; continue
        mine[o["frame"]] = o
    for r in rows:
        if not r.get("tcp.srcport") or "," in r.get("tcp.srcport",""): continue
        frames_ts += 1
        fr = int(r["frame.number"]); m = mine.get(fr)
        if not r.get("tcp.stream") and "quoted" in (m or {}):
            # A TCP header quoted in an ICMP error: tshark shows it without a stream, tcplab as `quoted`.
            q = m["quoted"]
            tot["quoted"] += 1
            if [str(q.get("sport")), str(q.get("dport")), str(q.get("seq_raw"))] != [r["tcp.srcport"], r["tcp.dstport"], r.get("tcp.seq", "")]:
                bad["quoted"] += 1; ex["quoted"].append((name, fr)) if len(ex["quoted"]) < 3 else None
            continue
        if not m or "sport" not in m: frames_missing += 1; missing_by_file[name] += 1; ex["missing"].append((name, fr)) if len(ex["missing"]) < 5 else None; continue
        for k, t in pairs:
            mv = m.get(k); mv = "" if mv is None else str(mv); tv = r.get(t, "")
            tot[k] += 1
            if mv != tv:
                bad[k] += 1
                if len(ex[k]) < 3: ex[k].append((name, fr, mv, tv))
        sf = r.get("tcp.window_size_scalefactor", "")
        tot["win_scaled"] += 1
        ws = m.get("win_scaled")
        ok = (ws is None) if sf == "-1" else (str(ws) == r.get("tcp.window_size", ""))
        if not ok: bad["win_scaled"] += 1; ex["win_scaled"].append((name, fr, ws, r.get("tcp.window_size"))) if len(ex["win_scaled"]) < 3 else None
        tot["payload"] += 1
        if m.get("payload_hex", "") != r.get("tcp.payload", "").replace(":", ""):
            bad["payload"] += 1
            if len(ex["payload"]) < 3: ex["payload"].append((name, fr))
        analysis_tot += 1
        ts_flags = {n for n in names if r.get("tcp.analysis." + n, "")}
        if ts_flags != set(m.get("analysis", [])): analysis_bad += 1
print("tshark TCP frames", frames_ts, "missing in tcplab", frames_missing, "bad json lines", badjson)
for k in tot: print(f"{k:12s} {tot[k]-bad[k]}/{tot[k]} = {100*(tot[k]-bad[k])/tot[k]:.3f}%", ex.get(k, [])[:2])
print("analysis", analysis_tot - analysis_bad, "/", analysis_tot)
print("missing examples", ex["missing"])
print("missing by file", ", ".join(f"{n} {c}" for n, c in missing_by_file.most_common()))

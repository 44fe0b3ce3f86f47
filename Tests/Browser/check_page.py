#!/usr/bin/env python3
"""Loads the live classroom page of `tcplab serve --web` in headless Chromium and says what it saw.

Drives chromedriver over the W3C WebDriver protocol with Python's standard library only (no
selenium needed). Prints one JSON object on stdout; the Swift test (Tests/CLITests/BrowserTests.swift)
decides what must hold. Every wait is bounded.

    check_page.py URL [--rows N] [--seconds S] [--screenshot FILE] [--width W --height H]
"""
import argparse, base64, json, socket, subprocess, sys, time, urllib.error, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("--rows", type=int, default=1, help="wait until the table has this many boards")
parser.add_argument("--seconds", type=float, default=20, help="longest wait for each condition")
parser.add_argument("--screenshot")
parser.add_argument("--width", type=int, default=1400)
parser.add_argument("--height", type=int, default=1200)
parser.add_argument("--chromium", default="/usr/bin/chromium")
parser.add_argument("--chromedriver", default="chromedriver")
parser.add_argument("--open", help="then click this board's row and report its readings list")
parser.add_argument("--change-seconds", type=float, help="longest wait for the plot to move (default: --seconds)")
args = parser.parse_args()

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port

port = free_port()
driver = subprocess.Popen([args.chromedriver, "--port=%d" % port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = "http://127.0.0.1:%d" % port

def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())["value"]
    except urllib.error.HTTPError as error:
        return {"error": json.loads(error.read()).get("value", {})}

session = None
result = {"timing": {}}
began = time.time()
def mark(name): result["timing"][name] = round(time.time() - began, 2)
try:
    for _ in range(200):
        try:
            call("GET", "/status"); break
        except OSError:
            time.sleep(0.05)
    mark("driver")
    options = {"binary": args.chromium,
               "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=%d,%d" % (args.width, args.height)]}
    created = call("POST", "/session", {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}})
    if "sessionId" not in created:
        raise RuntimeError("chromedriver could not start chromium: %s" % json.dumps(created))
    session = created["sessionId"]
    mark("session")

    def run(script):
        return call("POST", "/session/%s/execute/sync" % session, {"script": script, "args": []})

    state_script = """
        const rows = Array.from(document.querySelectorAll('#boards tbody tr'));
        return {
          status: document.getElementById('status').textContent,
          rows: rows.map((r) => Array.from(r.children).map((c) => c.textContent)),
          devices: rows.map((r) => r.dataset.device),
          paths: Array.from(document.querySelectorAll('figure.plot')).map((f) =>
                   [f.dataset.device, (f.querySelector('path.temperature') || {getAttribute: () => ''}).getAttribute('d') || '']),
          counters: Array.from(document.querySelectorAll('.counter')).map((c) => c.textContent),
          events: document.querySelectorAll('#events li').length,
          scripts: Array.from(document.scripts).map((s) => s.src || 'inline'),
          pwned: window.__pwned === true
        };"""
    call("POST", "/session/%s/url" % session, {"url": args.url})
    deadline = time.time() + args.seconds
    first = run(state_script)
    while time.time() < deadline and (not isinstance(first, dict) or len(first.get("rows", [])) < args.rows
                                       or not any(d for _, d in first.get("paths", []))):
        time.sleep(0.2)
        first = run(state_script)
    result["first"] = first
    mark("rows")
    # The plot must move: wait until some board's temperature line is not what it was.
    before = dict(first.get("paths", []))
    later = first
    deadline = time.time() + (args.seconds if args.change_seconds is None else args.change_seconds)
    while time.time() < deadline:
        time.sleep(0.3)
        later = run(state_script)
        if any(before.get(name) != d for name, d in later.get("paths", [])):
            break
    result["later"] = later
    mark("plot")
    result["plotChanged"] = any(before.get(name) != d for name, d in later.get("paths", []))
    if args.open:
        run("const row = Array.from(document.querySelectorAll('#boards tbody tr')).find((r) => r.dataset.device === %s);"
            " if (row) row.click(); return !!row;" % json.dumps(args.open))
        details = None
        deadline = time.time() + args.seconds
        while time.time() < deadline:
            details = run("return {hidden: document.getElementById('details').hidden,"
                          " heading: document.getElementById('details-heading').textContent,"
                          " note: document.getElementById('details-note').textContent,"
                          " rows: Array.from(document.querySelectorAll('#readings tbody tr')).map((r) => Array.from(r.children).map((c) => c.textContent))};")
            if not details["hidden"] and details["rows"] and "(yet)" not in details["rows"][0][-1]:
                break
            time.sleep(0.3)
        result["details"] = details
        mark("details")
    alert = call("GET", "/session/%s/alert/text" % session)
    result["alertOpen"] = not (isinstance(alert, dict) and "error" in alert)
    if args.screenshot:
        with open(args.screenshot, "wb") as out:
            out.write(base64.b64decode(call("GET", "/session/%s/screenshot" % session)))
finally:
    if session:
        try: call("DELETE", "/session/%s" % session)
        except Exception: pass
    # chromedriver's own way out; a signal may be blocked in what started us (a test runner).
    try: urllib.request.urlopen(base + "/shutdown", timeout=5).read()
    except Exception: pass
    try: driver.wait(timeout=5)
    except subprocess.TimeoutExpired: driver.kill(); driver.wait()
print(json.dumps(result))

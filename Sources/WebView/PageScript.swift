extension PageAssets {
    /// The page's script. It reads the data as JSON and only ever puts text into the page with
    /// `textContent` and attribute values with `setAttribute`: nothing a board sends can become
    /// markup or script. Live, it follows `/events` (Server-Sent Events); from a log, the data
    /// is in the page itself (`#tcplab-snapshot`).
    public static let script = #"""
    "use strict";
    (function () {
      const SVG = "http://www.w3.org/2000/svg";
      const MAX_PLOTS = 48;
      const boards = new Map();   // name -> row as /api/boards gives it
      const history = new Map();  // name -> {points: [[time, temperature, humidity, seq]], markers: [[time, kind, text]]}
      let events = [];
      let counters = {};
      let windowMs = 600000;
      let serverNow = Date.now();
      let clientAtServerNow = Date.now();
      let live = false;
      let lostTotal = 0;
      let dirty = true;
      const $ = (id) => document.getElementById(id);

      function make(tag, text, className) {
        const node = document.createElement(tag);
        if (text !== undefined && text !== null) node.textContent = String(text);
        if (className) node.className = className;
        return node;
      }
      function svg(tag, attributes) {
        const node = document.createElementNS(SVG, tag);
        for (const name in attributes) node.setAttribute(name, String(attributes[name]));
        return node;
      }
      function now() { return live ? serverNow + (Date.now() - clientAtServerNow) : serverNow; }
      function clock(ms) {
        const d = new Date(ms);
        return [d.getHours(), d.getMinutes(), d.getSeconds()].map((v) => String(v).padStart(2, "0")).join(":");
      }
      function ago(ms) {
        const s = Math.max(0, Math.round((now() - ms) / 1000));
        if (s < 60) return s + " s ago";
        if (s < 3600) return Math.floor(s / 60) + " min ago";
        return Math.floor(s / 3600) + " h ago";
      }
      function fixed(v) { return v === null || v === undefined ? "–" : Number(v).toFixed(1); }
      function entry(name) {
        let h = history.get(name);
        if (!h) { h = {points: [], markers: []}; history.set(name, h); }
        return h;
      }
      function trim() {
        const cutoff = now() - windowMs;
        for (const h of history.values()) {
          let i = 0;
          while (i < h.points.length && h.points[i][0] < cutoff) i++;
          if (i > 0) h.points.splice(0, i);
          let j = 0;
          while (j < h.markers.length && h.markers[j][0] < cutoff) j++;
          if (j > 0) h.markers.splice(0, j);
        }
        for (const name of Array.from(history.keys())) if (!boards.has(name)) history.delete(name);
      }

      function applySnapshot(s) {
        boards.clear(); history.clear();
        for (const b of s.boards) boards.set(b.name, b);
        for (const h of s.history) history.set(h.device, {points: h.points, markers: h.markers});
        events = s.events.slice();
        counters = s.counters;
        windowMs = s.window * 1000;
        serverNow = s.now; clientAtServerNow = Date.now();
        if (s.title) { document.title = s.title; $("title").textContent = s.title; }
        dirty = true;
      }
      function applyUpdate(u) {
        for (const b of u.boards) boards.set(b.name, b);
        for (const h of u.history) {
          const e = entry(h.device);
          for (const p of h.points) e.points.push(p);
          for (const m of h.markers) e.markers.push(m);
        }
        for (const e of u.events) events.push(e);
        if (events.length > 300) events.splice(0, events.length - 300);
        counters = u.counters;
        serverNow = u.now; clientAtServerNow = Date.now();
        trim();
        dirty = true;
      }

      function renderCounters() {
        const list = $("counters");
        const items = [
          ["boards", boards.size], ["connections open", counters.open], ["connections in all", counters.accepted],
          ["readings", counters.readings], ["rejected lines", counters.rejected], ["gaps", counters.gaps],
          ["missing readings", counters.missing], ["restarts", counters.restarts], ["refused", counters.refused],
          ["idle timeouts", counters.idle_timeouts]
        ];
        list.replaceChildren();
        for (const [label, value] of items) {
          if (value === undefined) continue;
          const item = make("div", null, "counter");
          item.append(make("span", Number(value).toLocaleString("en"), "value"), make("span", label, "label"));
          list.append(item);
        }
      }

      function renderTable() {
        const body = $("boards").tBodies[0];
        // The rows are made anew: keep the keyboard's place.
        const focused = body.contains(document.activeElement) ? document.activeElement.dataset.device : undefined;
        const rows = Array.from(boards.values()).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
        body.replaceChildren();
        for (const b of rows) {
          const row = make("tr", null, b.connected ? "" : "disconnected");
          row.dataset.device = b.name;
          row.tabIndex = 0;
          if (b.name === selected) row.classList.add("selected");
          const name = make("th", b.name);
          name.scope = "row";
          if (!b.connected) name.append(make("span", " (disconnected)", "note"));
          row.append(name, make("td", b.peer, "mono"));
          row.append(make("td", b.since ? clock(b.since) : "–", "num"));
          row.append(make("td", Number(b.readings).toLocaleString("en"), "num"));
          const last = b.last;
          const cell = make("td", null, "last");
          cell.append(make("span", last ? fixed(last.temperature) + " °C · " + fixed(last.humidity) + " % · seq " + last.seq : "none yet", "value"));
          if (last) cell.append(" ", make("span", "· " + (live ? ago(last.time) : "at " + clock(last.time)), "note"));
          row.append(cell);
          const gaps = make("td", b.gaps ? b.gaps + " (" + b.missing + " lost)" : "0", b.gaps ? "num alert" : "num");
          row.append(gaps, make("td", b.restarts, b.restarts ? "num alert" : "num"), make("td", b.rejected, b.rejected ? "num alert" : "num"));
          body.append(row);
          if (b.name === focused) row.focus();
        }
        $("no-boards").hidden = rows.length > 0;
      }

      // One small chart per board: temperature above, humidity below, on the same time axis.
      function panel(group, points, index, y0, height, width, start, span, style) {
        let lo = Infinity, hi = -Infinity;
        for (const p of points) { const v = p[index]; if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
        if (lo === Infinity) { lo = 0; hi = 1; }
        if (hi - lo < 1) { const mid = (hi + lo) / 2; lo = mid - 0.5; hi = mid + 0.5; }
        const x = (t) => 44 + (t - start) / span * (width - 52);
        const y = (v) => y0 + 4 + (hi - v) / (hi - lo) * (height - 8);
        let d = "";
        let previousSeq = null;
        for (const p of points) {
          if (p[index] === null) continue;
          const restart = previousSeq !== null && p[3] < previousSeq;
          d += (d === "" || restart ? "M" : "L") + x(p[0]).toFixed(1) + " " + y(p[index]).toFixed(1);
          previousSeq = p[3];
        }
        group.append(svg("rect", {x: 44, y: y0, width: width - 52, height: height, class: "frame"}));
        const top = svg("text", {x: 40, y: y0 + 12, class: "tick", "text-anchor": "end"}); top.textContent = hi.toFixed(1);
        const bottom = svg("text", {x: 40, y: y0 + height - 2, class: "tick", "text-anchor": "end"}); bottom.textContent = lo.toFixed(1);
        group.append(top, bottom, svg("path", {d: d, class: style}));
        return x;
      }

      function renderPlots() {
        const container = $("plots");
        const filter = $("filter").value.trim().toLowerCase();
        const names = Array.from(boards.keys()).sort().filter((n) => n.toLowerCase().includes(filter));
        const shown = names.slice(0, MAX_PLOTS);
        $("plot-note").textContent = names.length > shown.length
          ? "Showing " + shown.length + " of " + names.length + " boards: type part of a name to choose." : "";
        // The axis starts at the oldest point kept (at most the window back), so a new run
        // fills the width rather than a sliver at its right end.
        const end = now();
        let oldest = end;
        for (const h of history.values()) if (h.points.length) oldest = Math.min(oldest, h.points[0][0]);
        const start = live ? Math.max(end - windowMs, Math.min(oldest, end - 60000)) : oldest, span = Math.max(1, end - start);
        container.replaceChildren();
        for (const name of shown) {
          const h = history.get(name) || {points: [], markers: []};
          const figure = make("figure", null, "plot");
          figure.dataset.device = name;
          const width = 320, height = 180;
          const picture = svg("svg", {viewBox: "0 0 " + width + " " + height, role: "img", class: "chart"});
          const title = svg("title", {}); title.textContent = name + ": temperature (°C, solid) and humidity (%, dashed) from " + clock(start) + " to " + clock(end);
          picture.append(title);
          const x = panel(picture, h.points, 1, 14, 70, width, start, span, "temperature");
          panel(picture, h.points, 2, 90, 70, width, start, span, "humidity");
          for (const m of h.markers) {
            const mx = x(m[0]).toFixed(1);
            const line = svg("line", {x1: mx, x2: mx, y1: 14, y2: 160, class: "marker " + m[1]});
            const tip = svg("title", {}); tip.textContent = clock(m[0]) + " " + m[2];
            line.append(tip);
            const label = svg("text", {x: mx, y: 11, class: "marker-label " + m[1], "text-anchor": "middle"});
            label.textContent = m[1] === "restart" ? "R" : "G";
            picture.append(line, label);
          }
          const axis = svg("text", {x: 44, y: 174, class: "tick"}); axis.textContent = clock(start);
          const axisEnd = svg("text", {x: width - 8, y: 174, class: "tick", "text-anchor": "end"}); axisEnd.textContent = clock(end);
          picture.append(axis, axisEnd);
          const caption = make("figcaption", name);
          const last = h.points.length ? h.points[h.points.length - 1] : null;
          if (last) caption.append(make("span", " " + fixed(last[1]) + " °C · " + fixed(last[2]) + " %", "note"));
          figure.append(caption, picture);
          container.append(figure);
        }
      }

      function renderEvents() {
        const list = $("events");
        list.replaceChildren();
        for (let i = events.length - 1; i >= 0 && i >= events.length - 100; i--) {
          const e = events[i];
          const item = make("li", null, "event " + e.kind);
          item.append(make("time", clock(e.time), "mono"), make("span", e.kind, "kind"));
          item.append(make("span", (e.device ? e.device + " " : "") + "(" + e.peer + ")", "who"), make("span", e.text));
          list.append(item);
        }
      }

      // The readings of the board that was opened, with their segments when a capture runs.
      let selected = null;
      let detailsAt = 0;
      let scrollToDetails = false;
      function openDetails(name) {
        selected = name;
        detailsAt = 0;
        scrollToDetails = true;
        refreshDetails();
      }
      function refreshDetails() {
        if (selected === null || Date.now() - detailsAt < 2000) return;
        detailsAt = Date.now();
        const name = selected;
        if (!live) {
          const h = history.get(name) || {points: []};
          showDetails(name, {readings: h.points.map((p) => ({time: p[0], temperature: p[1], humidity: p[2], seq: p[3]}))});
          return;
        }
        fetch("/api/readings?device=" + encodeURIComponent(name))
          .then((reply) => reply.ok ? reply.json() : null)
          .then((data) => { if (data && selected === name) showDetails(name, data); })
          .catch(() => {});
      }
      function segments(p) {
        if (!p) return "not in the capture (yet)";
        let text = (p.frames.length === 1 ? "frame " : "frames ") + p.frames.join(", ") + " · seq " + p.seq + "–" + p.next_seq;
        if (p.split) text += " · split over " + p.frames.length + " segments: one recv() could return part of it";
        if (p.coalesced) text += " · coalesced: its last segment ended " + p.completed_together + " readings";
        if (!p.split && !p.coalesced) text += " · one segment, this reading alone";
        return text;
      }
      function showDetails(name, data) {
        $("details").hidden = false;
        $("details-heading").textContent = "Readings of " + name;
        $("details-note").textContent = data.capture !== undefined
          ? "Segments from the capture on " + data.capture + " (frame numbers count from the start of the capture; seq is relative, as Wireshark shows it)."
          : (live ? "Start the server with --capture IFACE (root or the capture capabilities) to see the TCP segments that carried each reading." : "From a log: the log has no packets.");
        const body = $("readings").tBodies[0];
        body.replaceChildren();
        const readings = data.readings.slice(-10).reverse();
        for (const r of readings) {
          const row = make("tr");
          row.append(make("td", clock(r.time), "mono"), make("td", r.seq, "num"), make("td", fixed(r.temperature), "num"),
                     make("td", fixed(r.humidity), "num"), make("td", r.peer ? r.peer + ", line " + r.line : "–", "mono"),
                     make("td", data.capture !== undefined ? segments(r.packets) : "–", "segments"));
          body.append(row);
        }
        for (const row of $("boards").tBodies[0].rows) row.classList.toggle("selected", row.dataset.device === name);
        if (scrollToDetails) { scrollToDetails = false; $("details").scrollIntoView(); }
      }
      $("boards").tBodies[0].addEventListener("click", (e) => {
        const row = e.target.closest("tr");
        if (row && row.dataset.device !== undefined) openDetails(row.dataset.device);
      });
      $("boards").tBodies[0].addEventListener("keydown", (e) => {
        const row = e.target.closest("tr");
        if (e.key === "Enter" && row && row.dataset.device !== undefined) openDetails(row.dataset.device);
      });

      function render() {
        dirty = false;
        refreshDetails();
        renderCounters(); renderTable(); renderPlots(); renderEvents();
        if (counters.dropped > 0) {
          $("dropped").textContent = "The web view skipped " + counters.dropped + " server events (it fell behind; the server itself lost nothing and its counters above are exact).";
        }
      }

      function status(text, className) { const s = $("status"); s.textContent = text; s.className = className || ""; }

      const embedded = document.getElementById("tcplab-snapshot");
      if (embedded) {
        applySnapshot(JSON.parse(embedded.textContent));
        status("From a log: " + boards.size + " board" + (boards.size === 1 ? "" : "s") + ", up to " + clock(serverNow) + ".");
        render();
      } else {
        live = true;
        const source = new EventSource("/events");
        source.addEventListener("snapshot", (e) => {
          applySnapshot(JSON.parse(e.data));
          if (lostTotal === 0) status("Live.", "live");
          render();
        });
        source.addEventListener("update", (e) => { applyUpdate(JSON.parse(e.data)); });
        source.addEventListener("lost", (e) => {
          const info = JSON.parse(e.data);
          lostTotal = info.total;
          status("Live. This browser fell behind and missed " + lostTotal + " updates; the page was brought up to date from the server.", "warn");
        });
        source.addEventListener("full", () => { status("The server follows as many browsers as it will: close another page and reload.", "warn"); source.close(); });
        source.onerror = () => status("Connection to tcplab lost: trying again…", "warn");
        source.onopen = () => { if (lostTotal === 0) status("Live.", "live"); };
        setInterval(() => { if (dirty || live) render(); }, 1000);
        setInterval(() => { if (dirty) render(); }, 500);
      }
      $("filter").addEventListener("input", () => { dirty = true; render(); });
    })();
    """#
}

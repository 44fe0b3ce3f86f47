import LabReport

/// The classroom page: its HTML, style and script, compiled into the binary (nothing is fetched
/// from the network: classrooms are often offline). Live, `/` names `/app.css` and `/app.js`,
/// served by tcplab itself, and a strict Content-Security-Policy forbids any other source and any
/// inline script. From a log, the same style and script are inline, with the data beside them.
public enum PageAssets {
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The page `tcplab serve --web` serves at `/`.
    public static func livePage(title: String) -> String {
        self.page(title: title, head: "<link rel=\"stylesheet\" href=\"/app.css\">\n",
                  tail: "<script src=\"/app.js\"></script>\n")
    }

    /// The same page as one file, with its data (`ClassroomJSON.snapshot`, `live: false`) inside.
    public static func offlinePage(title: String, snapshotJSON: String) -> String {
        self.page(title: title, head: "<style>\n" + self.style + "</style>\n",
                  tail: "<script type=\"application/json\" id=\"tcplab-snapshot\">" + snapshotJSON + "</script>\n"
                      + "<script>\n" + self.script + "\n</script>\n")
    }

    private static func page(title: String, head: String, tail: String) -> String {
        let title = xmlEscape(title)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            \(head)</head>
            <body>
            <header>
            <h1 id="title">\(title)</h1>
            <p id="status" role="status">Connecting to tcplab…</p>
            <p id="dropped" class="warn-text"></p>
            </header>
            <section id="counters" aria-label="Server counters"></section>
            <section aria-labelledby="boards-heading">
            <h2 id="boards-heading">Boards</h2>
            <div class="scroll">
            <table id="boards">
            <thead><tr><th scope="col">Board</th><th scope="col">Address</th><th scope="col">Connected since</th><th scope="col">Readings</th><th scope="col">Last reading</th><th scope="col">Gaps</th><th scope="col">Restarts</th><th scope="col">Rejected</th></tr></thead>
            <tbody></tbody>
            </table>
            </div>
            <p id="no-boards">No board has sent anything yet.</p>
            <p class="hint">Click a board (or Tab to it and press Enter) to see its last readings and the TCP segments that carried them.</p>
            </section>
            <section aria-labelledby="plots-heading">
            <h2 id="plots-heading">Temperature and humidity</h2>
            <p class="legend"><span class="key temperature-key">━━ temperature °C</span> <span class="key humidity-key">╍╍ humidity %</span> <span class="key gap-key">┆ G: gap (readings lost)</span> <span class="key restart-key">│ R: restart</span></p>
            <p><label for="filter">Boards to plot: </label><input id="filter" type="search" placeholder="part of a name" autocomplete="off"> <span id="plot-note"></span></p>
            <div id="plots"></div>
            </section>
            <section id="details" aria-labelledby="details-heading" aria-live="polite" hidden>
            <h2 id="details-heading">Readings</h2>
            <p id="details-note"></p>
            <div class="scroll">
            <table id="readings">
            <thead><tr><th scope="col">Received</th><th scope="col">seq</th><th scope="col">°C</th><th scope="col">%</th><th scope="col">Connection, line</th><th scope="col">TCP segments</th></tr></thead>
            <tbody></tbody>
            </table>
            </div>
            </section>
            <section aria-labelledby="events-heading">
            <h2 id="events-heading">Connection events</h2>
            <ol id="events" reversed></ol>
            </section>
            \(tail)</body>
            </html>

            """
    }

    /// Large type for a projector, a single column on a phone; the Okabe–Ito colours, which stay
    /// apart for the common kinds of colour blindness, and every line also told by its dash.
    public static let style = """
        :root { --temperature: #D55E00; --humidity: #0072B2; --gap: #000000; --restart: #CC79A7; --warn: #E69F00;
                --ink: #111111; --muted: #555555; --paper: #ffffff; --rule: #cccccc; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; padding: 0.5em 1em 2em; max-width: 110em; font: 20px/1.4 system-ui, "DejaVu Sans", sans-serif;
               color: var(--ink); background: var(--paper); }
        h1 { font-size: 1.8em; margin: 0.2em 0; }
        h2 { font-size: 1.3em; margin: 1em 0 0.3em; }
        #status { font-weight: bold; margin: 0.2em 0; }
        #status.live::before { content: "● "; color: #009E73; }
        #status.warn, .warn-text { color: #8a4b00; }
        #counters { display: flex; flex-wrap: wrap; gap: 0.4em; }
        .counter { border: 2px solid var(--rule); border-radius: 0.4em; padding: 0.2em 0.6em; min-width: 7em; }
        .counter .value { display: block; font-size: 1.5em; font-weight: bold; font-variant-numeric: tabular-nums; }
        .counter .label { color: var(--muted); font-size: 0.85em; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 0.25em 0.45em; border-bottom: 1px solid var(--rule); white-space: nowrap; }
        td.last { white-space: normal; }
        td.last .value { white-space: nowrap; }
        thead th { border-bottom: 3px solid var(--ink); }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .mono, time { font-family: "DejaVu Sans Mono", monospace; font-size: 0.9em; }
        tr.disconnected { color: var(--muted); }
        #boards tbody tr { cursor: pointer; }
        #boards tbody tr:hover, #boards tbody tr:focus, #boards tbody tr.selected { outline: 3px solid var(--humidity); outline-offset: -3px; }
        #readings td.segments { white-space: normal; }
        td.alert { font-weight: bold; background: #fff1d6; }
        td.alert::before { content: "⚠ "; }
        .note { color: var(--muted); font-size: 0.85em; white-space: nowrap; }
        .hint { color: var(--muted); font-size: 0.85em; }
        #plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(17em, 1fr)); gap: 0.8em; }
        figure.plot { margin: 0; border: 2px solid var(--rule); border-radius: 0.4em; padding: 0.3em; }
        figcaption { font-weight: bold; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg .frame { fill: none; stroke: var(--rule); }
        svg .tick { font-size: 11px; fill: var(--muted); }
        svg path.temperature { fill: none; stroke: var(--temperature); stroke-width: 2.5; }
        svg path.humidity { fill: none; stroke: var(--humidity); stroke-width: 2.5; stroke-dasharray: 6 3; }
        svg .marker.gap { stroke: var(--gap); stroke-width: 1.5; stroke-dasharray: 2 2; }
        svg .marker.restart { stroke: var(--restart); stroke-width: 3; }
        svg .marker-label { font-size: 11px; font-weight: bold; }
        svg .marker-label.restart { fill: #8b3a6b; }
        .legend .key { margin-right: 1em; white-space: nowrap; font-weight: bold; }
        .temperature-key { color: var(--temperature); }
        .humidity-key { color: var(--humidity); }
        .restart-key { color: #8b3a6b; }
        input { font: inherit; padding: 0.1em 0.3em; }
        #events { list-style: none; padding: 0; max-height: 24em; overflow-y: auto; }
        #events li { padding: 0.15em 0; border-bottom: 1px solid var(--rule); }
        #events li > * { margin-right: 0.6em; }
        #events .kind { display: inline-block; min-width: 7.5em; font-weight: bold; }
        #events .reset .kind, #events .refused .kind, #events .restart .kind, #events .gap .kind,
        #events .idle-timeout .kind, #events .error .kind { color: #8a4b00; }
        #events .who { color: var(--muted); }
        @media (max-width: 40em) {
          body { font-size: 16px; padding: 0.3em; }
          .counter { min-width: 0; padding: 0.1em 0.4em; }
          .counter .value { font-size: 1.2em; }
          th:nth-child(2), td:nth-child(2), th:nth-child(3), td:nth-child(3) { display: none; }
        }

        """
}

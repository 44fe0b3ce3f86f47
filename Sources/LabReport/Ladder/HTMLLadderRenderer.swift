import SensorProtocol
import Foundation
import TCPAnalysis
import WireFormat

/// The ladder as one self-contained HTML page: the SVG picture, and beside it a panel that shows
/// the clicked segment's decoded fields, notes, explanation and hex dump.
///
/// Everything is inline (CSS, script, data): the page works offline, from a USB stick, with no
/// request to anywhere. The data for every packet is embedded as JSON in a
/// `<script type="application/json">` block; the script only ever sets `textContent`, so nothing
/// from a capture can become markup.
public struct HTMLLadderRenderer {
    public var svg: SVGLadderRenderer
    /// The capture's name, shown in the page title.
    public var captureName: String
    /// More of the page under the ladder (the connection's graphs, `tcplab graph --html`), and its styles.
    public var appendix = ""
    public var appendixStyle = ""

    public init(captureName: String, svg: SVGLadderRenderer = SVGLadderRenderer()) {
        self.captureName = captureName
        self.svg = svg
    }

    public func document(_ models: [LadderModel]) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>" + xmlEscape("tcplab ladder: \(captureName)") + "</title>\n"
        out += "<style>\n" + SVGLadderRenderer.styleSheet + "\n" + HTMLLadderRenderer.pageStyle + "\n" + appendixStyle + "\n</style>\n"
        out += "</head>\n<body>\n<header><h1>" + xmlEscape("Ladder diagram of \(captureName)") + "</h1>\n"
        out += "<p>" + xmlEscape(models.map { "\($0.title) — \(plural($0.rows.count, "segment"))" }.joined(separator: "; "))
        out += ". Click a segment (or focus it with Tab and press Enter; ↑ and ↓ step through them) to see its fields and bytes.</p>\n"
        out += eventList(models) + "</header>\n"
        out += "<div class=\"layout\">\n<main>\n" + svg.svg(models, standalone: false) + "</main>\n"
        out += "<aside id=\"details\" aria-live=\"polite\"><p class=\"hint\">No segment selected.</p></aside>\n</div>\n"
        out += appendix
        out += "<script type=\"application/json\" id=\"ladder-data\">" + dataJSON(models) + "</script>\n"
        out += "<script>\n" + HTMLLadderRenderer.script + "\n</script>\n"
        return out + "</body>\n</html>\n"
    }

    /// What went wrong or ended abruptly (expert flags, resets), each a link to its arrow.
    func eventList(_ models: [LadderModel]) -> String {
        var items: [String] = []
        for model in models {
            for row in model.rows {
                let texts = row.notes.filter { $0.kind == .analysis || $0.kind == .reset }.map(\.text)
                guard !texts.isEmpty else { continue }
                items.append("<li><a href=\"#frame-\(row.frame)\" data-frame=\"\(row.frame)\">frame \(row.frame)</a> "
                             + xmlEscape("· stream \(model.stream) · " + texts.joined(separator: ", ")) + "</li>")
            }
        }
        guard !items.isEmpty else {
            return "<nav id=\"events\" aria-label=\"Events\"><p>Events: no retransmission, duplicate ACK, zero window or reset in this capture.</p></nav>\n"
        }
        return "<nav id=\"events\" aria-label=\"Events\"><h2>Events (\(items.count))</h2><ul>\n" + items.joined(separator: "\n")
            + "\n</ul></nav>\n"
    }

    /// `{"3": {...}, ...}` keyed by frame: what the panel shows for each segment.
    func dataJSON(_ models: [LadderModel]) -> String {
        var entries: [String] = []
        for model in models {
            for row in model.rows {
                let direction = row.fromClient ? "client → server" : "server → client"
                var entry = "\"\(row.frame)\":{"
                entry += "\"stream\":\(model.stream)"
                entry += ",\"direction\":" + jsonString(direction)
                entry += ",\"label\":" + jsonString(row.label(absolute: model.absoluteNumbers))
                entry += ",\"notes\":[" + row.notes.map { "{\"kind\":\(jsonString($0.kind.rawValue)),\"text\":\(jsonString($0.text))}" }.joined(separator: ",") + "]"
                entry += ",\"explanations\":[" + row.explanations.map(jsonString).joined(separator: ",") + "]"
                entry += ",\"packet\":" + row.json
                entry += ",\"payload_offset\":\(row.payloadOffset)"
                entry += ",\"since_first\":" + String(format: "%.6f", row.time)
                entry += ",\"origin_frame\":\(model.timeOriginFrame)"
                entry += ",\"captured\":\(row.frameBytes.count)"
                let hex = row.frameBytes.withUnsafeBytes { HexDump.lines($0, indent: "") }
                entry += ",\"hex\":[" + hex.map(jsonString).joined(separator: ",") + "]"
                entries.append(entry + "}")
            }
        }
        // `<`, `>` and `&` only occur inside JSON strings, where \u escapes mean the same: so no
        // text can close the script element early.
        return scriptSafeJSON("{" + entries.joined(separator: ",\n") + "}")
    }

    static let pageStyle = """
        body { margin: 0; font-family: system-ui, sans-serif; color: #1f2328; background: #f6f8fa; }
        header { padding: 12px 20px 4px; }
        header h1 { font-size: 20px; margin: 0 0 6px; }
        header p { margin: 0 0 8px; color: #57606a; font-size: 14px; }
        .layout { display: flex; align-items: flex-start; gap: 16px; padding: 0 20px 20px; }
        main { flex: 1 1 auto; min-width: 0; overflow-x: auto; background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; }
        main svg { display: block; max-width: 100%; height: auto; }
        .ladder .arrow { cursor: pointer; outline: none; }
        .ladder .arrow:hover .hit { fill: #eaeef2; }
        .ladder .arrow:focus-visible .hit { fill: #ddf4ff; }
        .ladder .arrow.selected .hit { fill: #fff8c5; }
        .ladder .arrow.selected .label { stroke: #fff8c5; }
        aside { flex: 0 0 470px; position: sticky; top: 12px; max-height: calc(100vh - 24px); overflow: auto;
                background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; font-size: 13px; }
        aside h2 { font-size: 16px; margin: 0 0 4px; }
        nav#events h2 { font-size: 14px; margin: 4px 0; }
        nav#events ul { margin: 0 0 8px; padding-left: 18px; font-size: 13px; max-height: 9em; overflow: auto; }
        nav#events p { margin: 0 0 8px; color: #57606a; font-size: 13px; }
        aside p.bytes { margin: 2px 0; color: #57606a; }
        aside h3 { font-size: 13px; margin: 14px 0 4px; color: #57606a; text-transform: uppercase; letter-spacing: 0.04em; }
        aside .hint { color: #57606a; }
        aside .label { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; }
        aside ul.notes { padding-left: 18px; margin: 4px 0; }
        aside .note-handshake { color: #0a6b74; } aside .note-teardown { color: #b35900; }
        aside .note-reset { color: #cf222e; } aside .note-analysis { color: #8250df; font-weight: bold; }
        aside p.explanation { margin: 4px 0; line-height: 1.4; }
        aside table { border-collapse: collapse; width: 100%; }
        aside td { border-top: 1px solid #eaeef2; padding: 2px 6px 2px 0; vertical-align: top;
                   font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 12px; overflow-wrap: anywhere; }
        aside td:first-child { color: #57606a; white-space: nowrap; }
        aside pre { font-size: 10.5px; background: #f6f8fa; padding: 8px; border-radius: 4px; overflow-x: auto; margin: 4px 0; }
        @media (max-width: 900px) { .layout { flex-direction: column; } aside { position: static; flex-basis: auto; width: auto; max-height: none; } }
        """

    /// Selecting a segment fills the panel from the embedded data. Plain DOM calls, no library.
    static let script = """
        (function () {
          "use strict";
          var data = JSON.parse(document.getElementById("ladder-data").textContent);
          var panel = document.getElementById("details");
          var arrows = Array.prototype.slice.call(document.querySelectorAll(".ladder .arrow"));
          var skipped = { note: true, payload_hex: true };

          function element(tag, text, className) {
            var node = document.createElement(tag);
            if (text !== undefined && text !== null) node.textContent = text;
            if (className) node.className = className;
            return node;
          }
          function valueText(value) {
            if (value === null || value === undefined) return "\\u2014";
            if (Array.isArray(value)) return value.length ? value.map(valueText).join(", ") : "\\u2014";
            if (typeof value === "object") {
              return Object.keys(value).map(function (key) { return key + " " + valueText(value[key]); }).join(", ") || "\\u2014";
            }
            return String(value);
          }
          function show(frame) {
            var entry = data[frame];
            if (!entry) return;
            arrows.forEach(function (arrow) {
              arrow.classList.toggle("selected", arrow.getAttribute("data-frame") === String(frame));
            });
            panel.textContent = "";
            panel.appendChild(element("h2", "Frame " + frame + " \\u00b7 stream " + entry.stream + " \\u00b7 " + entry.direction));
            panel.appendChild(element("div", entry.label, "label"));
            if (entry.notes.length) {
              panel.appendChild(element("h3", "Notes"));
              var list = element("ul", null, "notes");
              entry.notes.forEach(function (note) { list.appendChild(element("li", note.text, "note-" + note.kind)); });
              panel.appendChild(list);
            }
            if (entry.explanations.length) {
              panel.appendChild(element("h3", "What happens"));
              entry.explanations.forEach(function (text) { panel.appendChild(element("p", text, "explanation")); });
            }
            panel.appendChild(element("p", "Time: " + entry.since_first.toFixed(6) + " s since frame " + entry.origin_frame +
              ", as in the diagram (capture time " + entry.packet.time + ", seconds since 1970)"));
            panel.appendChild(element("h3", "Decoded fields (tshark names)"));
            var table = element("table", null, "fields");
            Object.keys(entry.packet).forEach(function (key) {
              if (skipped[key]) return;
              var row = element("tr");
              row.appendChild(element("td", key));
              row.appendChild(element("td", valueText(entry.packet[key])));
              table.appendChild(row);
            });
            panel.appendChild(table);
            panel.appendChild(element("h3", "Bytes"));
            panel.appendChild(element("p", entry.captured + " captured; the TCP payload starts at byte " + entry.payload_offset +
              " (offset 0x" + entry.payload_offset.toString(16) + " in the dump)", "bytes"));
            panel.appendChild(element("pre", entry.hex.join("\\n"), "hex"));
          }
          function select(arrow) {
            if (!arrow) return;
            show(arrow.getAttribute("data-frame"));
            arrow.focus({ preventScroll: false });
          }
          arrows.forEach(function (arrow, index) {
            arrow.addEventListener("click", function () { select(arrow); });
            arrow.addEventListener("keydown", function (event) {
              if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(arrow); }
              else if (event.key === "ArrowDown" || event.key === "j") { event.preventDefault(); select(arrows[index + 1]); }
              else if (event.key === "ArrowUp" || event.key === "k") { event.preventDefault(); select(arrows[index - 1]); }
            });
          });
          // The list of events: each link selects its arrow.
          var events = document.getElementById("events");
          if (events && events.addEventListener) {
            events.addEventListener("click", function (event) {
              var frame = event.target && event.target.getAttribute && event.target.getAttribute("data-frame");
              if (!frame) return;
              event.preventDefault();
              select(arrows.filter(function (arrow) { return arrow.getAttribute("data-frame") === frame; })[0]);
            });
          }
          window.tcplabLadder = { data: data, show: show };
          var fromHash = /^#frame-(\\d+)$/.exec(window.location.hash);
          if (fromHash && data[fromHash[1]]) show(fromHash[1]);
        })();
        """
}

/// A JSON string literal (quotes included), escaped as the JSON output escapes it.
func jsonString(_ text: String) -> String {
    var out = OutputBuffer(capacity: text.utf8.count + 16)
    out.append(jsonString: text)
    return out.text
}

/// The graphs of one connection as a section of the ladder's self-contained HTML page
/// (`tcplab graph --html`): each graph inline as SVG, with a line on how to read it. Nothing is
/// loaded from anywhere; every text from the capture is escaped.
public struct HTMLGraphSection {
    public var svg: SVGGraphRenderer

    public init(svg: SVGGraphRenderer = SVGGraphRenderer()) { self.svg = svg }

    public func html(_ graphs: StreamGraphs, kinds: [GraphKind] = GraphKind.allCases) -> String {
        var out = "<section id=\"graphs\" aria-label=\"Graphs\">\n<h2>" + xmlEscape("Graphs · " + graphs.title) + "</h2>\n"
        out += "<p>" + xmlEscape("Data sent by the \(graphs.directionName); times in seconds since frame \(graphs.timeOriginFrame), "
            + "sequence numbers relative. The shaded phases are as tcplab reads them from the capture (the sender's congestion "
            + "window is not on the wire); docs/graphs.md gives the rules.") + "</p>\n"
        for kind in kinds {
            out += "<figure id=\"figure-\(kind.rawValue)\">\n" + svg.svg(graphs, kind: kind)
            out += "<figcaption>" + xmlEscape(Self.howToRead(kind)) + "</figcaption>\n</figure>\n"
        }
        return out + "</section>\n"
    }

    /// A connection's ladder goes on the page up to this many segments: beyond, its per-segment
    /// details (decoded fields, hex) make a page too big for a browser to open comfortably.
    public static let maximumLadderSegments = 5000

    /// A page with the graphs alone (for a connection whose ladder is left out), saying why.
    public func document(_ graphs: StreamGraphs, kinds: [GraphKind] = GraphKind.allCases, captureName: String,
                         note: String) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>" + xmlEscape("tcplab graph: \(captureName)") + "</title>\n"
        out += "<style>\nbody { margin: 0; font-family: system-ui, sans-serif; color: #1f2328; background: #f6f8fa; }\n"
        out += "header { padding: 12px 20px 4px; } header h1 { font-size: 20px; margin: 0 0 6px; }\n"
        out += "header p { margin: 0 0 8px; color: #57606a; font-size: 14px; }\n" + Self.style + "\n</style>\n"
        out += "</head>\n<body>\n<header><h1>" + xmlEscape("Graphs of \(captureName)") + "</h1>\n"
        out += "<p>" + xmlEscape(note) + "</p></header>\n"
        return out + html(graphs, kinds: kinds) + "</body>\n</html>\n"
    }

    /// The page's styles for the section (the graphs' own with them).
    public static var style: String {
        SVGGraphRenderer.styleSheet + """

            section#graphs { padding: 0 20px 20px; }
            section#graphs h2 { font-size: 18px; margin: 8px 0 4px; }
            section#graphs > p { margin: 0 0 8px; color: #57606a; font-size: 14px; }
            section#graphs figure { margin: 0 0 16px; background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; overflow-x: auto; }
            section#graphs figure svg { display: block; max-width: 100%; height: auto; }
            section#graphs figcaption { font-size: 13px; color: #57606a; margin-top: 4px; }
            """
    }

    public static func howToRead(_ kind: GraphKind) -> String {
        switch kind {
        case .timeSequence:
            "One mark per data segment at (time, first byte). A steady climb is the sender keeping its pipe full; "
                + "its slope is the rate. A mark below the line is a retransmission: the bytes went again."
        case .tcptrace:
            "Each segment a bar from its first byte to its last; the green line is what the receiver has acknowledged, "
                + "the orange line the edge of its window (ACK + window). Bars near the orange line: the window limits the sender."
        case .rtt:
            "Each ACK that ends a data segment gives a sample (tshark's ack_rtt); EstimatedRTT and TimeoutInterval "
                + "follow RFC 6298 (α = 1/8, β = 1/4). Hollow: skipped by Karn's rule, the bytes were sent twice."
        case .throughput:
            "Bits per second over a sliding window: throughput counts every data byte sent, goodput only new ones; "
                + "the gap between them is what retransmissions cost."
        case .window:
            "The receiver's advertised window (flow control) and the sender's bytes in flight. Flight at the window: "
                + "the receiver limits the sender; flight well below it: the congestion window or the application does."
        }
    }
}

import TCPAnalysis
import WireFormat

/// The ladder as an SVG picture: the same rows as the terminal ladder, with arrows that slope down
/// a little (time passes while a segment travels), coloured by kind, retransmissions dashed.
///
/// Every segment is one `<g class="arrow" data-frame="N">`, which the HTML page makes clickable.
/// Text is measured as monospace at 0.6 em per character, so nothing depends on the fonts installed.
public struct SVGLadderRenderer {
    public var previewLimit: Int

    public init(previewLimit: Int = 40) { self.previewLimit = previewLimit }

    // Geometry, in pixels.
    static let fontSize = 12.0
    static let charWidth = fontSize * 0.6
    static let lineHeight = 15.0
    static let margin = 16.0
    static let frameColumnRight = 44.0
    static let timeColumnRight = 122.0
    /// The client's lifeline, unless its heading needs more room (long IPv6 addresses).
    static let minimumClientX = 212.0
    static let slope = 10.0

    /// Colours by arrow style; shared with the HTML page.
    static let styleSheet = """
        .ladder text { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 12px; fill: #1f2328; }
        .ladder .title { font-size: 15px; font-weight: bold; }
        .ladder .summary, .ladder .frame, .ladder .time, .ladder .ending, .ladder .payload { fill: #57606a; }
        .ladder .heading { font-weight: bold; }
        .ladder .lifeline { stroke: #8c959f; stroke-width: 1.5; }
        .ladder .arrow line { stroke-width: 1.6; }
        .ladder .arrow .label { paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }
        .ladder .arrow.retransmission line { stroke-dasharray: 6 4; }
        .ladder .arrow .hit { fill: transparent; }
        .ladder .syn line, .ladder .syn polygon { stroke: #1a7f37; fill: #1a7f37; }
        .ladder .fin line, .ladder .fin polygon { stroke: #b35900; fill: #b35900; }
        .ladder .reset line, .ladder .reset polygon { stroke: #cf222e; fill: #cf222e; }
        .ladder .analysis line, .ladder .analysis polygon { stroke: #8250df; fill: #8250df; }
        .ladder .data line, .ladder .data polygon { stroke: #0550ae; fill: #0550ae; }
        .ladder .ack line, .ladder .ack polygon { stroke: #57606a; fill: #57606a; }
        .ladder .note-handshake { fill: #0a6b74; }
        .ladder .note-teardown { fill: #b35900; }
        .ladder .note-reset { fill: #cf222e; }
        .ladder .note-analysis { fill: #8250df; font-weight: bold; }
        """

    /// A complete SVG document (for `--svg FILE`).
    public func document(_ models: [LadderModel]) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg(models, standalone: true)
    }

    /// The `<svg>` element. Standalone it carries its namespace and style sheet; inside the HTML
    /// page the page holds the styles (HTML needs no namespace for inline SVG).
    public func svg(_ models: [LadderModel], standalone: Bool) -> String {
        let layouts = models.map { Layout($0, previewLimit: previewLimit) }
        let width = (layouts.map(\.width).max() ?? 400).rounded(.up)
        var body = ""
        var top = SVGLadderRenderer.margin
        for (index, layout) in layouts.enumerated() {
            if index > 0 { top += 24 }
            body += draw(layout, top: top, width: width)
            top += layout.height
        }
        let height = (top + SVGLadderRenderer.margin).rounded(.up)
        var out = "<svg"
        if standalone { out += " xmlns=\"http://www.w3.org/2000/svg\"" }
        out += " class=\"ladder\" width=\"\(number(width))\" height=\"\(number(height))\" viewBox=\"0 0 \(number(width)) \(number(height))\""
        // A picture on its own; in the page its arrows are controls, which role="img" would hide.
        out += standalone ? " role=\"img\">\n" : ">\n"
        out += "<title>" + xmlEscape(models.map(\.title).joined(separator: "; ")) + "</title>\n"
        if standalone {
            out += "<style>\n" + SVGLadderRenderer.styleSheet + "\n</style>\n"
            out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        }
        return out + body + "</svg>\n"
    }

    /// Where everything of one diagram goes: computed once, then drawn.
    struct Layout {
        var model: LadderModel
        var labels: [String]
        var sideLines: [[(text: String, className: String)]]
        var rowHeights: [Double]
        var clientX: Double
        var serverX: Double
        var width: Double
        var headerHeight: Double { 92 }
        var footerHeight: Double { 40 }
        var height: Double { headerHeight + rowHeights.reduce(0, +) + footerHeight }

        init(_ model: LadderModel, previewLimit: Int) {
            self.model = model
            labels = model.rows.map { $0.label(absolute: model.absoluteNumbers) }
            sideLines = model.rows.map { row in
                var lines = row.notes.map { (text: $0.text, className: "note-" + $0.kind.rawValue) }
                if let preview = row.payloadPreview(limit: previewLimit) { lines.append((preview, "payload")) }
                return lines
            }
            rowHeights = sideLines.map { max(32, Double($0.count) * SVGLadderRenderer.lineHeight + 14) }
            let charWidth = SVGLadderRenderer.charWidth
            let longestLabel = Double(labels.map(\.count).max() ?? 0) * charWidth
            // Headings are centred on their lifelines: keep them clear of the time column and of each other.
            let clientHeading = Double("client \(model.client)".count) * charWidth
            let serverHeading = Double("server \(model.server)".count) * charWidth
            clientX = max(SVGLadderRenderer.minimumClientX, SVGLadderRenderer.timeColumnRight + 16 + clientHeading / 2)
            let lane = max(340, longestLabel + 90, (clientHeading + serverHeading) / 2 + 24)
            serverX = clientX + lane
            let longestSide = Double(sideLines.flatMap { $0 }.map(\.text.count).max() ?? 0) * charWidth
            let heading = serverHeading / 2
            let texts = [model.title, model.summary, model.endingText].map { Double($0.count) * charWidth + SVGLadderRenderer.margin }
            width = max(serverX + 16 + max(longestSide, heading), texts.max() ?? 0) + SVGLadderRenderer.margin
        }
    }

    private func draw(_ layout: Layout, top: Double, width: Double) -> String {
        let model = layout.model
        let margin = SVGLadderRenderer.margin
        let clientX = layout.clientX, serverX = layout.serverX
        var out = "<g class=\"stream\" data-stream=\"\(model.stream)\">\n"
        out += text(model.title, x: margin, y: top + 14, className: "title")
        out += text(model.summary, x: margin, y: top + 34, className: "summary")
        let headingY = top + 66
        out += text("frame", x: SVGLadderRenderer.frameColumnRight, y: headingY, className: "heading", anchor: "end")
        out += text("time", x: SVGLadderRenderer.timeColumnRight, y: headingY, className: "heading", anchor: "end")
        out += text("client \(model.client)", x: clientX, y: headingY, className: "heading", anchor: "middle")
        out += text("server \(model.server)", x: serverX, y: headingY, className: "heading", anchor: "middle")

        let lifelineTop = headingY + 8
        let lifelineBottom = top + layout.headerHeight + layout.rowHeights.reduce(0, +) + 8
        for x in [clientX, serverX] {
            out += "<line class=\"lifeline\" x1=\"\(number(x))\" y1=\"\(number(lifelineTop))\" x2=\"\(number(x))\" y2=\"\(number(lifelineBottom))\"/>\n"
        }

        var y = top + layout.headerHeight
        for (index, row) in model.rows.enumerated() {
            out += drawRow(row, label: layout.labels[index], side: layout.sideLines[index], y: y,
                           height: layout.rowHeights[index], clientX: clientX, serverX: serverX, width: width)
            y += layout.rowHeights[index]
        }
        out += text(model.endingText, x: margin, y: lifelineBottom + 24, className: "ending")
        return out + "</g>\n"
    }

    private func drawRow(_ row: LadderRow, label: String, side: [(text: String, className: String)],
                         y: Double, height: Double, clientX: Double, serverX: Double, width: Double) -> String {
        var classes = "arrow " + row.style.rawValue
        if row.isRetransmission { classes += " retransmission" }
        let direction = row.fromClient ? "client to server" : "server to client"
        var out = "<g class=\"\(classes)\" id=\"frame-\(row.frame)\" data-frame=\"\(row.frame)\" tabindex=\"0\">\n"
        out += "<title>" + xmlEscape("frame \(row.frame), \(direction): \(label)") + "</title>\n"
        // A transparent band over the whole row, so a click anywhere on it selects the segment.
        out += "<rect class=\"hit\" x=\"0\" y=\"\(number(y))\" width=\"\(number(width))\" height=\"\(number(height))\"/>\n"
        let textY = y + 23
        out += text(String(row.frame), x: SVGLadderRenderer.frameColumnRight, y: textY, className: "frame", anchor: "end")
        out += text(fixed(row.time, decimals: 6), x: SVGLadderRenderer.timeColumnRight, y: textY, className: "time", anchor: "end")

        let startX = row.fromClient ? clientX : serverX
        let endX = row.fromClient ? serverX : clientX
        let startY = y + 15, endY = y + 15 + SVGLadderRenderer.slope
        // Stop the line where the head begins, so the dashes never poke through the tip.
        let headLength = 10.0, headHalfWidth = 4.5
        let dx = endX - startX, dy = endY - startY
        let length = (dx * dx + dy * dy).squareRoot()
        let ux = dx / length, uy = dy / length
        let baseX = endX - ux * headLength, baseY = endY - uy * headLength
        out += "<line x1=\"\(number(startX))\" y1=\"\(number(startY))\" x2=\"\(number(baseX))\" y2=\"\(number(baseY))\"/>\n"
        let left = (baseX - uy * headHalfWidth, baseY + ux * headHalfWidth)
        let right = (baseX + uy * headHalfWidth, baseY - ux * headHalfWidth)
        out += "<polygon points=\"\(number(endX)),\(number(endY)) \(number(left.0)),\(number(left.1)) \(number(right.0)),\(number(right.1))\"/>\n"
        // The label sits above the line, clear of it even at its left end where the line is highest.
        out += text(label, x: (clientX + serverX) / 2, y: y + 11,
                    className: "label", anchor: "middle")

        for (index, line) in side.enumerated() {
            out += text(line.text, x: serverX + 16, y: textY + Double(index) * SVGLadderRenderer.lineHeight,
                        className: line.className)
        }
        return out + "</g>\n"
    }

    private func text(_ content: String, x: Double, y: Double, className: String, anchor: String? = nil) -> String {
        var out = "<text class=\"\(className)\" x=\"\(number(x))\" y=\"\(number(y))\""
        if let anchor { out += " text-anchor=\"\(anchor)\"" }
        return out + ">" + xmlEscape(content) + "</text>\n"
    }
}

/// Coordinates with at most one decimal, without Foundation.
func number(_ value: Double) -> String {
    let text = fixed(value, decimals: 1)
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}

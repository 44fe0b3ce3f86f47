import TCPAnalysis
import WireFormat

/// The ladder in a terminal: the client's lifeline on the left, the server's on the right, one
/// horizontal arrow per segment between them, frame and time before it, notes after it.
///
///      frame      time  client 10.55.0.2:49246                 server 10.55.0.1:5050
///          3  0.000123  ├───────── [SYN] seq 0 len 0 ─────────▶│  handshake 1/3 (SYN)
///          4  0.000132  │◀──── [SYN, ACK] seq 0 ack 1 len 0 ───┤  handshake 2/3 (SYN-ACK)
///
/// Retransmissions are drawn dashed, RSTs heavy, so the picture says it without colour too.
/// `--ascii` draws the same with `|`, `-`, `.`, `=`, `<` and `>`.
public struct TextLadderRenderer {
    public var palette: Palette
    public var unicode: Bool
    /// Columns of payload shown beside a data arrow.
    public var previewLimit: Int

    public init(palette: Palette = Palette(enabled: false), unicode: Bool = true, previewLimit: Int = 40) {
        self.palette = palette
        self.unicode = unicode
        self.previewLimit = previewLimit
    }

    private struct Glyphs {
        var lifeline, startRight, startLeft, solid, dashed, heavy, headRight, headLeft: String
    }

    private var glyphs: Glyphs {
        unicode
            ? Glyphs(lifeline: "│", startRight: "├", startLeft: "┤", solid: "─", dashed: "╌", heavy: "━",
                     headRight: "▶", headLeft: "◀")
            : Glyphs(lifeline: "|", startRight: "|", startLeft: "|", solid: "-", dashed: ".", heavy: "=",
                     headRight: ">", headLeft: "<")
    }

    /// Every diagram, one after another, separated by a blank line.
    public func render(_ models: [LadderModel], into out: inout OutputBuffer) {
        for (index, model) in models.enumerated() {
            if index > 0 { out.append("\n") }
            render(model, into: &out)
        }
    }

    public func render(_ model: LadderModel, into out: inout OutputBuffer) {
        var text = ""
        render(model, into: &text)
        out.append(unicode ? text : TextLadderRenderer.asciiOnly(text))
    }

    /// `--ascii` means only ASCII, in the words too: arrows, dashes and ellipses spelled out.
    static func asciiOnly(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "→": out += "->"
            case "←": out += "<-"
            case "–", "—": out += "-"
            case "…": out += "..."
            case "×": out += "x"
            default: out.unicodeScalars.append(scalar.isASCII ? scalar : "?")
            }
        }
        return out
    }

    private func render(_ model: LadderModel, into out: inout String) {
        let g = glyphs
        let absolute = model.absoluteNumbers
        let labels = model.rows.map { $0.label(absolute: absolute) }
        let times = model.rows.map { fixed($0.time, decimals: 6) }
        let timeWidth = max(4, times.map(\.count).max() ?? 0)
        // Room for the longest label with at least four dashes on each side and the head.
        let lane = max(40, (labels.map(\.count).max() ?? 0) + 12)
        let gutter = String(repeating: " ", count: 6 + 2 + timeWidth + 2)
        let emptyLane = String(repeating: " ", count: lane)
        let lifelines = gutter + g.lifeline + emptyLane + g.lifeline

        out += palette.bold(model.title) + "\n"
        out += palette.dim(model.summary) + "\n\n"

        var clientHeading = "client \(model.client)"
        if clientHeading.count > lane { clientHeading = "client" }
        out += pad("frame", 6, right: true) + "  " + pad("time", timeWidth, right: true) + "  "
            + palette.bold(pad(clientHeading, lane + 1)) + palette.bold("server \(model.server)") + "\n"
        out += lifelines + "\n"

        for (index, row) in model.rows.enumerated() {
            let label = labels[index]
            let line: String = row.isRetransmission ? g.dashed : row.style == .reset ? g.heavy : g.solid
            // Centre the label; the head takes one column of the lane.
            let dashes = lane - 1 - (label.count + 2)
            let before = dashes / 2, after = dashes - dashes / 2
            let body = String(repeating: line, count: before) + " " + label + " " + String(repeating: line, count: after)
            let arrow = row.fromClient
                ? g.startRight + colour(body + g.headRight, row.style) + g.lifeline
                : g.lifeline + colour(g.headLeft + body, row.style) + g.startLeft

            var side: [String] = row.notes.map { noteColour($0) }
            if let preview = row.payloadPreview(limit: previewLimit) { side.append(palette.dim(preview)) }

            var first = pad(String(row.frame), 6, right: true) + "  " + pad(times[index], timeWidth, right: true)
            first += "  " + arrow
            if let note = side.first { first += "  " + note }
            out += first + "\n"
            for more in side.dropFirst() { out += lifelines + "  " + more + "\n" }
        }
        out += lifelines + "\n"
        out += gutter + model.endingText + "\n"
    }

    private func colour(_ text: String, _ style: LadderArrowStyle) -> String {
        switch style {
        case .syn: return palette.green(text)
        case .fin: return palette.yellow(text)
        case .reset: return palette.red(text)
        case .analysis: return palette.magenta(text)
        case .data: return palette.bold(text)
        case .ack: return text
        }
    }

    private func noteColour(_ note: LadderNote) -> String {
        switch note.kind {
        case .handshake: return palette.cyan(note.text)
        case .teardown: return palette.yellow(note.text)
        case .reset: return palette.red(note.text)
        case .analysis: return palette.magenta(note.text)
        }
    }
}

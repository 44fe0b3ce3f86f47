import LabReport
import SensorServer

/// Each board's temperature and humidity over time as one SVG picture, for a report: a pair of
/// charts per board on the same time axis (the whole log), gaps marked with a dotted line and
/// "G", restarts with a solid line and "R", each with its text as a tooltip. Colours are the
/// page's (Okabe–Ito), and the humidity line is also dashed, so print in grey still tells them apart.
public struct PlotSVGRenderer: Sendable {
    public var width = 960.0
    public init() {}

    public func document(_ classroom: Classroom, title: String) -> String {
        let boards = classroom.sortedBoards
        let points = boards.flatMap { classroom.points(of: $0.name) }
        let start = points.map(\.time).min() ?? 0
        let end = max(start + 1000, points.map(\.time).max() ?? 0)
        let panelHeight = 90.0, boardHeight = 2 * panelHeight + 60
        let height = 70 + Double(boards.count) * boardHeight + (boards.isEmpty ? 30 : 0)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(svgCoordinate(width))\" height=\"\(svgCoordinate(height))\" "
        out += "viewBox=\"0 0 \(svgCoordinate(width)) \(svgCoordinate(height))\" font-family=\"DejaVu Sans, sans-serif\">\n"
        out += "<title>" + xmlEscape(title) + "</title>\n"
        out += "<style>\n" + Self.style + "</style>\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        out += "<text x=\"10\" y=\"26\" class=\"heading\">" + xmlEscape(title) + "</text>\n"
        out += "<text x=\"10\" y=\"48\" class=\"legend\"><tspan class=\"t\">━━ temperature °C</tspan>   "
        out += "<tspan class=\"h\">╍╍ humidity %</tspan>   <tspan>┆ G: gap (readings lost)</tspan>   "
        out += "<tspan class=\"r\">│ R: restart</tspan>   (UTC, \(xmlEscape(Self.clock(start))) to \(xmlEscape(Self.clock(end))))</text>\n"
        if boards.isEmpty { out += "<text x=\"10\" y=\"80\">No readings in this log.</text>\n" }
        for (index, board) in boards.enumerated() {
            let top = 70 + Double(index) * boardHeight
            out += "<g class=\"board\" data-device=\"" + xmlEscape(board.name) + "\">\n"
            let summary = "\(board.readings) readings, \(board.gaps) gap\(board.gaps == 1 ? "" : "s") (\(board.missingReadings) lost), "
                + "\(board.restarts) restart\(board.restarts == 1 ? "" : "s")"
            out += "<text x=\"10\" y=\"\(svgCoordinate(top + 14))\" class=\"name\">" + xmlEscape(board.name)
                + "<tspan class=\"summary\"> " + xmlEscape(summary) + "</tspan></text>\n"
            let series = classroom.points(of: board.name)
            out += self.panel(series, value: \.temperature, className: "t", unit: "°C", top: top + 22, height: panelHeight, start: start, end: end)
            out += self.panel(series, value: \.humidity, className: "h", unit: "%", top: top + 26 + panelHeight, height: panelHeight, start: start, end: end)
            for marker in classroom.markers(of: board.name) {
                let x = svgCoordinate(self.x(marker.time, start: start, end: end))
                let kind = marker.kind == .restart ? "r" : "g"
                out += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(svgCoordinate(top + 22))\" y2=\"\(svgCoordinate(top + 26 + 2 * panelHeight))\" class=\"m\(kind)\">"
                out += "<title>" + xmlEscape(Self.clock(marker.time) + " " + marker.text) + "</title></line>\n"
                out += "<text x=\"\(x)\" y=\"\(svgCoordinate(top + 40 + 2 * panelHeight))\" text-anchor=\"middle\" class=\"l\(kind)\">"
                out += (marker.kind == .restart ? "R" : "G") + "</text>\n"
            }
            out += "</g>\n"
        }
        return out + "</svg>\n"
    }

    private func x(_ time: Int64, start: Int64, end: Int64) -> Double {
        70 + Double(time - start) / Double(end - start) * (self.width - 90)
    }

    private func panel(
        _ points: [PlotPoint], value: KeyPath<PlotPoint, Double>, className: String, unit: String, top: Double, height: Double,
        start: Int64, end: Int64
    ) -> String {
        let values = points.map { $0[keyPath: value] }.filter(\.isFinite)
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1 { let middle = (high + low) / 2; low = middle - 0.5; high = middle + 0.5 }
        var path = ""
        var previousSeq: UInt32?
        for point in points where point[keyPath: value].isFinite {
            let restart = previousSeq.map { point.seq < $0 } ?? false
            let x = self.x(point.time, start: start, end: end)
            let y = top + 4 + (high - point[keyPath: value]) / (high - low) * (height - 8)
            path += (path.isEmpty || restart ? "M" : "L") + svgCoordinate(x) + " " + svgCoordinate(y)
            previousSeq = point.seq
        }
        var out = "<rect x=\"70\" y=\"\(svgCoordinate(top))\" width=\"\(svgCoordinate(self.width - 90))\" height=\"\(svgCoordinate(height))\" class=\"frame\"/>\n"
        out += "<text x=\"64\" y=\"\(svgCoordinate(top + 12))\" text-anchor=\"end\" class=\"tick\">\(Self.oneDecimal(high)) \(unit)</text>\n"
        out += "<text x=\"64\" y=\"\(svgCoordinate(top + height - 2))\" text-anchor=\"end\" class=\"tick\">\(Self.oneDecimal(low)) \(unit)</text>\n"
        if !path.isEmpty { out += "<path d=\"\(path)\" class=\"\(className)\"/>\n" }
        return out
    }

    static let style = """
        .heading { font-size: 20px; font-weight: bold; }
        .legend, .tick, .summary { font-size: 12px; fill: #555555; }
        .legend .t { fill: #D55E00; } .legend .h { fill: #0072B2; } .legend .r { fill: #8b3a6b; }
        .name { font-size: 15px; font-weight: bold; }
        .frame { fill: none; stroke: #cccccc; }
        path.t { fill: none; stroke: #D55E00; stroke-width: 2; }
        path.h { fill: none; stroke: #0072B2; stroke-width: 2; stroke-dasharray: 6 3; }
        .mg { stroke: #000000; stroke-width: 1.2; stroke-dasharray: 2 2; }
        .mr { stroke: #CC79A7; stroke-width: 2.5; }
        .lg, .lr { font-size: 11px; font-weight: bold; } .lr { fill: #8b3a6b; }

        """

    /// `19:48:47` (UTC) of a time in milliseconds since 1970.
    static func clock(_ milliseconds: Int64) -> String {
        let seconds = ((milliseconds / 1000) % 86_400 + 86_400) % 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let sign = tenths < 0 ? "-" : ""
        let magnitude = Int64(abs(tenths))
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}

/// A coordinate with at most one decimal.
func svgCoordinate(_ value: Double) -> String {
    let tenths = Int64((value * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let magnitude = abs(tenths)
    return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
}

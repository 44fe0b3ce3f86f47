import Foundation

/// One x–y chart as SVG: axes with ticks, units and labels, phase bands, series, a legend. Pure
/// string building; the graph renderer decides what goes in, this draws it.
///
/// Colours are Okabe and Ito's palette, which reads the same with the common colour-vision
/// deficiencies, and series differ in shape or dash as well as in colour.
struct SVGChart {
    enum Colour: String {
        case orange = "#E69F00", skyBlue = "#56B4E9", green = "#009E73", yellow = "#F0E442"
        case blue = "#0072B2", vermillion = "#D55E00", purple = "#CC79A7", black = "#000000", grey = "#6E7781"
    }

    enum Shape { case circle, hollowCircle, cross, diamond, triangle, square }

    enum Layer {
        /// A mark per point.
        case marks([(x: Double, y: Double)], Shape, Colour)
        /// A vertical bar per point, from `low` to `high` with short ends (tcptrace's segments).
        case bars([(x: Double, low: Double, high: Double)], Colour)
        /// A line that holds each value until the next (an ACK number, a window).
        case steps([(x: Double, y: Double)], Colour, dashed: Bool)
        /// Straight lines between the points.
        case line([(x: Double, y: Double)], Colour, dashed: Bool)
    }

    enum LegendSwatch { case mark(Shape), bar, line(dashed: Bool), band }

    struct LegendEntry {
        var swatch: LegendSwatch
        var colour: Colour
        var text: String
    }

    /// A shaded stretch of time, labelled inside when it is wide enough.
    struct Band {
        var start: Double
        var end: Double
        var colour: Colour
        var label: String
        /// Bands that overlap others put their label one line lower.
        var labelLine = 0
    }

    /// A vertical line at a moment, labelled above the plot (a retransmission that starts a recovery).
    struct Marker {
        var x: Double
        var colour: Colour
        var label: String
    }

    /// A quantity and its unit; ticks get an SI prefix that keeps their numbers short.
    struct Axis {
        var quantity: String
        var unit: String
        var range: ClosedRange<Double>
    }

    var title: String
    var subtitle: String
    var x: Axis
    var y: Axis
    var layers: [Layer] = []
    var bands: [Band] = []
    /// A thin strip along the bottom of the plot (the kernel's congestion state), labelled at its left.
    var strip: [Band] = []
    var stripLabel = ""
    var markers: [Marker] = []
    var legend: [LegendEntry] = []
    /// Said in the middle of an empty plot.
    var emptyNote: String?

    // Geometry, in pixels.
    static let width = 900.0
    static let left = 84.0
    static let right = 24.0
    static let top = 92.0
    static let plotBottom = 420.0
    static let charWidth = 6.6

    static let styleSheet = """
        .graph text { font-family: system-ui, 'DejaVu Sans', Helvetica, Arial, sans-serif; font-size: 12px; fill: #1f2328; }
        .graph .title { font-size: 16px; font-weight: bold; }
        .graph .subtitle, .graph .tick { fill: #57606a; }
        .graph .tick { font-size: 11px; }
        .graph .axis { stroke: #1f2328; stroke-width: 1; fill: none; }
        .graph .grid { stroke: #d0d7de; stroke-width: 0.6; }
        .graph .band-label { font-size: 11px; fill: #24292f; }
        .graph .marker-label { font-size: 11px; }
        .graph .strip-label { font-size: 11px; fill: #24292f; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; stroke-linejoin: round; }
        .graph .note { fill: #57606a; font-style: italic; }
        """

    var plotWidth: Double { Self.width - Self.left - Self.right }
    var plotHeight: Double { Self.plotBottom - Self.top }

    func px(_ value: Double) -> Double {
        let span = x.range.upperBound - x.range.lowerBound
        return Self.left + (span > 0 ? (value - x.range.lowerBound) / span : 0.5) * plotWidth
    }

    func py(_ value: Double) -> Double {
        let span = y.range.upperBound - y.range.lowerBound
        return Self.plotBottom - (span > 0 ? (value - y.range.lowerBound) / span : 0.5) * plotHeight
    }

    /// The `<svg>` element; standalone it carries its namespace, style sheet and background.
    /// `id` names the picture in a page that holds several (and its clip path with it).
    func svg(standalone: Bool, id: String) -> String {
        let (legendPlaces, height) = legendLayout()
        let size = "width=\"\(number(Self.width))\" height=\"\(number(height))\" viewBox=\"0 0 \(number(Self.width)) \(number(height))\""
        var out = "<svg"
        if standalone { out += " xmlns=\"http://www.w3.org/2000/svg\"" }
        out += " id=\"\(xmlEscape(id))\""
        out += " class=\"graph\" \(size) role=\"img\">\n"
        out += "<title>" + xmlEscape(title + " — " + subtitle) + "</title>\n"
        if standalone {
            out += "<style>\n" + Self.styleSheet + "\n</style>\n"
            out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        }
        out += text(title, x: Self.left, y: 22, className: "title")
        out += text(subtitle, x: Self.left, y: 40, className: "subtitle")
        out += drawBands() + drawAxes() + drawMarkers()
        // Series stay inside the plot (a mark at the edge may overhang by its size only).
        out += "<clipPath id=\"\(xmlEscape(id))-plot\"><rect x=\"\(number(Self.left - 6))\" y=\"\(number(Self.top - 6))\" width=\"\(number(plotWidth + 12))\" height=\"\(number(plotHeight + 12))\"/></clipPath>\n"
        out += "<g clip-path=\"url(#\(xmlEscape(id))-plot)\">\n"
        for layer in layers { out += draw(layer) }
        out += "</g>\n" + drawStrip()
        if let emptyNote {
            out += text(emptyNote, x: Self.left + plotWidth / 2, y: Self.top + plotHeight / 2, className: "note", anchor: "middle")
        }
        out += drawLegend(legendPlaces)
        return out + "</svg>\n"
    }

    // MARK: Axes

    /// A step of 1, 2 or 5 times a power of ten giving about `count` ticks over `span`.
    static func tickStep(_ span: Double, count: Double = 7) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / count
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }

    /// The range from 0 (or `low`) to a little above `high`, ending on a tick.
    static func niceRange(low: Double = 0, high: Double) -> ClosedRange<Double> {
        guard high > low, high.isFinite else { return low...(low + 1) }
        let step = tickStep(high - low)
        return low...(ceil(high * 1.02 / step) * step)
    }

    static func ticks(_ range: ClosedRange<Double>) -> (values: [Double], step: Double) {
        let step = tickStep(range.upperBound - range.lowerBound)
        var values: [Double] = []
        var value = ceil(range.lowerBound / step - 1e-9) * step
        while value <= range.upperBound + step * 1e-9, values.count < 50 {
            values.append(value)
            value += step
        }
        return (values, step)
    }

    /// The prefix whose ticks read shortest. Time goes down to the largest unit not above the
    /// largest value (0.05 s in ms); bytes and bits go up while two digits stay (65 536 B in kB).
    static func prefix(for axis: Axis) -> (symbol: String, scale: Double) {
        let largest = max(abs(axis.range.lowerBound), abs(axis.range.upperBound))
        if axis.unit == "s" {
            for (symbol, scale) in [("", 1.0), ("m", 1e-3)] where largest >= scale { return (symbol, scale) }
            return ("µ", 1e-6)
        }
        var chosen = ("", 1.0)
        for (symbol, scale) in [("k", 1e3), ("M", 1e6), ("G", 1e9)] where largest >= scale * 10 { chosen = (symbol, scale) }
        return chosen
    }

    static func tickText(_ value: Double, step: Double, scale: Double) -> String {
        let scaledStep = step / scale
        let decimals = max(0, Int(-floor(log10(scaledStep) + 1e-9)))
        let text = fixed(value / scale, decimals: min(decimals, 9))
        return text == "-0" ? "0" : text
    }

    func drawAxes() -> String {
        var out = ""
        let (xTicks, xStep) = Self.ticks(x.range)
        for value in xTicks {
            let at = px(value)
            out += "<line class=\"grid\" x1=\"\(number(at))\" y1=\"\(number(Self.top))\" x2=\"\(number(at))\" y2=\"\(number(Self.plotBottom))\"/>\n"
            out += text(Self.tickText(value, step: xStep, scale: 1), x: at, y: Self.plotBottom + 16, className: "tick", anchor: "middle")
        }
        let yPrefix = Self.prefix(for: y)
        let (yTicks, yStep) = Self.ticks(y.range)
        for value in yTicks {
            let at = py(value)
            out += "<line class=\"grid\" x1=\"\(number(Self.left))\" y1=\"\(number(at))\" x2=\"\(number(Self.left + plotWidth))\" y2=\"\(number(at))\"/>\n"
            out += text(Self.tickText(value, step: yStep, scale: yPrefix.scale), x: Self.left - 6, y: at + 4, className: "tick", anchor: "end")
        }
        out += "<rect class=\"axis\" x=\"\(number(Self.left))\" y=\"\(number(Self.top))\" width=\"\(number(plotWidth))\" height=\"\(number(plotHeight))\"/>\n"
        out += text("\(x.quantity) (\(x.unit))", x: Self.left + plotWidth / 2, y: Self.plotBottom + 36, className: "axis-label", anchor: "middle")
        let yTitle = "\(y.quantity) (\(yPrefix.symbol)\(y.unit))"
        let middle = Self.top + plotHeight / 2
        out += "<text class=\"axis-label\" x=\"18\" y=\"\(number(middle))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(number(middle)))\">"
            + xmlEscape(yTitle) + "</text>\n"
        return out
    }

    // MARK: Phases

    func drawBands() -> String {
        var out = ""
        for band in bands {
            let start = max(Self.left, px(band.start))
            let end = min(Self.left + plotWidth, px(band.end))
            // A recovery of a few microseconds still shows.
            let width = max(end - start, 2)
            out += "<rect class=\"band\" x=\"\(number(start))\" y=\"\(number(Self.top))\" width=\"\(number(width))\" height=\"\(number(plotHeight))\" fill=\"\(band.colour.rawValue)\" fill-opacity=\"\(band.colour == .black ? "0.07" : "0.16")\"><title>"
                + xmlEscape(band.label) + "</title></rect>\n"
            if Double(band.label.count) * Self.charWidth * 0.95 + 8 < width {
                out += text(band.label, x: start + 4, y: Self.top + 14 + 14 * Double(band.labelLine), className: "band-label")
            }
        }
        return out
    }

    func drawStrip() -> String {
        guard !strip.isEmpty else { return "" }
        var out = ""
        for band in strip {
            let start = max(Self.left, px(band.start))
            let end = min(Self.left + plotWidth, px(band.end))
            out += "<rect x=\"\(number(start))\" y=\"\(number(Self.plotBottom - 10))\" width=\"\(number(max(end - start, 1)))\" height=\"10\" fill=\"\(band.colour.rawValue)\" fill-opacity=\"0.75\"><title>"
                + xmlEscape(band.label) + "</title></rect>\n"
        }
        return out + text(stripLabel, x: Self.left + 4, y: Self.plotBottom - 13, className: "strip-label")
    }

    /// Lines at the markers, their labels in three rows above the plot, each put in the first
    /// row where it does not run into the one before; a label with no room is left to the legend.
    func drawMarkers() -> String {
        var out = ""
        var rowEnds = [-Double.infinity, -Double.infinity, -Double.infinity]
        for marker in markers {
            let at = px(marker.x)
            out += "<line x1=\"\(number(at))\" y1=\"\(number(Self.top))\" x2=\"\(number(at))\" y2=\"\(number(Self.plotBottom))\" stroke=\"\(marker.colour.rawValue)\" stroke-width=\"1.2\" stroke-dasharray=\"4 3\"/>\n"
            let width = Double(marker.label.count) * Self.charWidth * 0.9
            let start = min(max(at - 2, Self.left), Self.width - Self.right - width)
            guard let row = rowEnds.indices.first(where: { rowEnds[$0] + 8 < start }) else { continue }
            rowEnds[row] = start + width
            let baseline = Self.top - 8 - Double(2 - row) * 14
            out += "<line x1=\"\(number(at))\" y1=\"\(number(baseline + 3))\" x2=\"\(number(at))\" y2=\"\(number(Self.top))\" stroke=\"\(marker.colour.rawValue)\" stroke-width=\"1\"/>\n"
            out += "<text class=\"marker-label\" x=\"\(number(start))\" y=\"\(number(baseline))\" fill=\"\(marker.colour.rawValue)\">"
                + xmlEscape(marker.label) + "</text>\n"
        }
        return out
    }

    // MARK: Series

    func draw(_ layer: Layer) -> String {
        switch layer {
        case .marks(let points, let shape, let colour):
            var out = "<g class=\"marks\">\n"
            for point in points { out += mark(shape, colour: colour, x: px(point.x), y: py(point.y)) }
            return out + "</g>\n"
        case .bars(let bars, let colour):
            var path = ""
            for bar in bars {
                let (at, low, high) = (px(bar.x), py(bar.low), py(bar.high))
                path += "M\(number(at)) \(number(low))V\(number(high))M\(number(at - 2)) \(number(low))h4M\(number(at - 2)) \(number(high))h4"
            }
            return "<path d=\"\(path)\" stroke=\"\(colour.rawValue)\" stroke-width=\"1.2\" fill=\"none\"/>\n"
        case .steps(let points, let colour, let dashed):
            guard let first = points.first else { return "" }
            var path = "M\(number(px(first.x))) \(number(py(first.y)))"
            for point in points.dropFirst() { path += "H\(number(px(point.x)))V\(number(py(point.y)))" }
            return polyline(path, colour: colour, dashed: dashed)
        case .line(let points, let colour, let dashed):
            guard let first = points.first else { return "" }
            var path = "M\(number(px(first.x))) \(number(py(first.y)))"
            for point in points.dropFirst() { path += "L\(number(px(point.x))) \(number(py(point.y)))" }
            return polyline(path, colour: colour, dashed: dashed)
        }
    }

    func polyline(_ path: String, colour: Colour, dashed: Bool) -> String {
        "<path d=\"\(path)\" stroke=\"\(colour.rawValue)\" stroke-width=\"1.6\" fill=\"none\""
            + (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n"
    }

    func mark(_ shape: Shape, colour: Colour, x: Double, y: Double) -> String {
        let c = colour.rawValue
        switch shape {
        case .circle:
            return "<circle cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"2.5\" fill=\"\(c)\"/>\n"
        case .hollowCircle:
            return "<circle cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"3\" fill=\"none\" stroke=\"\(c)\" stroke-width=\"1.2\"/>\n"
        case .cross:
            return "<path d=\"M\(number(x - 4)) \(number(y - 4))l8 8M\(number(x - 4)) \(number(y + 4))l8 -8\" stroke=\"\(c)\" stroke-width=\"2\"/>\n"
        case .diamond:
            return "<path d=\"M\(number(x)) \(number(y - 5))l5 5l-5 5l-5 -5z\" fill=\"\(c)\"/>\n"
        case .triangle:
            return "<path d=\"M\(number(x)) \(number(y - 5))l5 8h-10z\" fill=\"\(c)\"/>\n"
        case .square:
            return "<rect x=\"\(number(x - 3.5))\" y=\"\(number(y - 3.5))\" width=\"7\" height=\"7\" fill=\"\(c)\"/>\n"
        }
    }

    // MARK: Legend

    /// Where each legend entry goes: side by side under the x axis' label, wrapping onto as
    /// many rows as needed; and the picture's height, which ends under the last row.
    func legendLayout() -> (places: [(x: Double, y: Double)], height: Double) {
        var places: [(x: Double, y: Double)] = []
        var (x, y) = (Self.left, Self.plotBottom + 62)
        for entry in legend {
            let width = 28 + Double(entry.text.count) * Self.charWidth + 18
            if x + width > Self.width - Self.right, x > Self.left {
                x = Self.left
                y += 20
            }
            places.append((x, y))
            x += width
        }
        return (places, (y + 16).rounded(.up))
    }

    func drawLegend(_ places: [(x: Double, y: Double)]) -> String {
        var out = "<g class=\"legend\">\n"
        for (entry, place) in zip(legend, places) {
            let (x, y) = place
            let c = entry.colour.rawValue
            switch entry.swatch {
            case .mark(let shape): out += mark(shape, colour: entry.colour, x: x + 10, y: y - 4)
            case .bar: out += "<path d=\"M\(number(x + 10)) \(number(y - 11))v14M\(number(x + 8)) \(number(y - 11))h4M\(number(x + 8)) \(number(y + 3))h4\" stroke=\"\(c)\" stroke-width=\"1.2\" fill=\"none\"/>\n"
            case .line(let dashed): out += polyline("M\(number(x)) \(number(y - 4))h22", colour: entry.colour, dashed: dashed)
            case .band: out += "<rect x=\"\(number(x))\" y=\"\(number(y - 11))\" width=\"22\" height=\"14\" fill=\"\(c)\" fill-opacity=\"\(entry.colour == .black ? "0.14" : "0.3")\"/>\n"
            }
            out += text(entry.text, x: x + 28, y: y, className: "legend-text")
        }
        return out + "</g>\n"
    }

    func text(_ content: String, x: Double, y: Double, className: String, anchor: String? = nil) -> String {
        var out = "<text class=\"\(className)\" x=\"\(number(x))\" y=\"\(number(y))\""
        if let anchor { out += " text-anchor=\"\(anchor)\"" }
        return out + ">" + xmlEscape(content) + "</text>\n"
    }
}

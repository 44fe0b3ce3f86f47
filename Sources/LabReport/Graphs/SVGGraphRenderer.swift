/// A connection's graphs as SVG pictures, the way Wireshark's TCP Stream Graphs draw them, with
/// the phases tcplab reads from the capture shaded behind every graph and the retransmissions that
/// start a recovery marked by a dashed line.
public struct SVGGraphRenderer {
    public init() {}

    /// A complete SVG document (for `--svg FILE`).
    public func document(_ graphs: StreamGraphs, kind: GraphKind) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart(graphs, kind: kind).svg(standalone: true, id: "graph-" + kind.rawValue)
    }

    /// The `<svg>` element for a page that holds the style sheet (`styleSheet`).
    public func svg(_ graphs: StreamGraphs, kind: GraphKind) -> String {
        chart(graphs, kind: kind).svg(standalone: false, id: "graph-" + kind.rawValue)
    }

    public static var styleSheet: String { SVGChart.styleSheet }

    public static func title(_ kind: GraphKind) -> String {
        switch kind {
        case .timeSequence: "Time-sequence (Stevens)"
        case .tcptrace: "Time-sequence (tcptrace)"
        case .rtt: "Round-trip time"
        case .throughput: "Throughput and goodput"
        case .window: "Window and bytes in flight"
        }
    }

    func chart(_ graphs: StreamGraphs, kind: GraphKind) -> SVGChart {
        let times = graphs.timeRange
        let xAxis = SVGChart.Axis(quantity: "time since frame \(graphs.timeOriginFrame)", unit: "s",
                                  range: SVGChart.niceRange(low: max(0, times.lowerBound), high: times.upperBound))
        var chart = SVGChart(title: Self.title(kind) + " · " + graphs.title, subtitle: "",
                             x: xAxis, y: SVGChart.Axis(quantity: "", unit: "B", range: 0...1))
        chart.subtitle = "Data from the \(graphs.directionName); shaded: phases as tcplab reads them from the capture."
        switch kind {
        case .timeSequence: timeSequence(graphs, into: &chart)
        case .tcptrace: tcptrace(graphs, into: &chart)
        case .rtt: roundTrip(graphs, into: &chart)
        case .throughput: throughput(graphs, into: &chart)
        case .window: window(graphs, into: &chart)
        }
        addPhases(graphs, into: &chart)
        addKernelState(graphs, into: &chart)
        return chart
    }

    // MARK: The graphs

    /// How each kind of segment is marked: colour and shape both differ.
    static func style(_ kind: SequenceMarkKind) -> (SVGChart.Shape, SVGChart.Colour) {
        switch kind {
        case .new: (.circle, .blue)
        case .retransmission: (.cross, .vermillion)
        case .fastRetransmission: (.diamond, .purple)
        case .outOfOrder: (.triangle, .orange)
        case .afterGap: (.square, .green)
        }
    }

    /// Stevens: a mark per segment at (time, first sequence number).
    func timeSequence(_ graphs: StreamGraphs, into chart: inout SVGChart) {
        let high = graphs.segments.map { Double($0.end) }.max() ?? 0
        chart.y = SVGChart.Axis(quantity: "relative sequence number", unit: "B", range: SVGChart.niceRange(high: high))
        for kind in SequenceMarkKind.allCases {
            let points = graphs.segments.filter { $0.kind == kind }.map { (x: $0.time, y: Double($0.sequence)) }
            guard !points.isEmpty else { continue }
            let (shape, colour) = Self.style(kind)
            chart.layers.append(.marks(points, shape, colour))
            chart.legend.append(.init(swatch: .mark(shape), colour: colour, text: kind.label))
        }
        if graphs.segments.isEmpty { chart.emptyNote = "No data segments in this direction." }
    }

    /// tcptrace: each segment a bar from its first byte to its last, the ACK line under them and
    /// the receive window's edge above: the gap between the two lines is what the sender may send.
    func tcptrace(_ graphs: StreamGraphs, into chart: inout SVGChart) {
        let high = (graphs.segments.map { Double($0.end) } + graphs.acks.map { Double($0.windowEdge ?? $0.acknowledgement) }).max() ?? 0
        chart.y = SVGChart.Axis(quantity: "relative sequence number", unit: "B", range: SVGChart.niceRange(high: high))
        chart.layers.append(.steps(graphs.acks.map { (x: $0.time, y: Double($0.acknowledgement)) }, .green, dashed: false))
        chart.legend.append(.init(swatch: .line(dashed: false), colour: .green, text: "ACK"))
        let edges = graphs.acks.compactMap { ack in ack.windowEdge.map { (x: ack.time, y: Double($0)) } }
        if !edges.isEmpty {
            chart.layers.append(.steps(edges, .orange, dashed: false))
            chart.legend.append(.init(swatch: .line(dashed: false), colour: .orange, text: "receive window (ACK + window)"))
        }
        for kind in SequenceMarkKind.allCases {
            let bars = graphs.segments.filter { $0.kind == kind }.map { (x: $0.time, low: Double($0.sequence), high: Double($0.end)) }
            guard !bars.isEmpty else { continue }
            let colour = Self.style(kind).1
            chart.layers.append(.bars(bars, colour))
            chart.legend.append(.init(swatch: .bar, colour: colour, text: kind.label))
        }
        if graphs.segments.isEmpty && graphs.acks.isEmpty { chart.emptyNote = "No segments in this direction." }
    }

    /// The samples (tshark's ack_rtt), EstimatedRTT and TimeoutInterval after each counted one.
    func roundTrip(_ graphs: StreamGraphs, into chart: inout SVGChart) {
        let points = graphs.roundTrips
        let high = points.flatMap { [$0.sample, $0.estimated ?? 0, $0.timeout ?? 0] }.max() ?? 0
        chart.y = SVGChart.Axis(quantity: "round-trip time", unit: "s", range: SVGChart.niceRange(high: high))
        let counted = points.filter(\.counted)
        let skipped = points.filter { !$0.counted }
        if !counted.isEmpty {
            chart.layers.append(.marks(counted.map { (x: $0.time, y: $0.sample) }, .circle, .blue))
            chart.legend.append(.init(swatch: .mark(.circle), colour: .blue, text: "SampleRTT"))
        }
        if !skipped.isEmpty {
            chart.layers.append(.marks(skipped.map { (x: $0.time, y: $0.sample) }, .hollowCircle, .black))
            chart.legend.append(.init(swatch: .mark(.hollowCircle), colour: .black, text: "not counted (Karn's rule)"))
        }
        let estimates = counted.compactMap { point in point.estimated.map { (x: point.time, y: $0) } }
        let timeouts = counted.compactMap { point in point.timeout.map { (x: point.time, y: $0) } }
        if !estimates.isEmpty {
            chart.layers.append(.steps(estimates, .vermillion, dashed: false))
            chart.layers.append(.steps(timeouts, .orange, dashed: true))
            chart.legend.append(.init(swatch: .line(dashed: false), colour: .vermillion, text: "EstimatedRTT"))
            chart.legend.append(.init(swatch: .line(dashed: true), colour: .orange, text: "TimeoutInterval (before the 200 ms / 1 s floor)"))
        }
        if !graphs.kernel.isEmpty {
            chart.layers.append(.steps(graphs.kernel.map { (x: $0.time, y: $0.smoothedRTT) }, .purple, dashed: false))
            chart.legend.append(.init(swatch: .line(dashed: false), colour: .purple, text: "SRTT (sender's kernel, TCP_INFO)"))
            let kernelHigh = graphs.kernel.map(\.smoothedRTT).max() ?? 0
            if kernelHigh > high { chart.y.range = SVGChart.niceRange(high: kernelHigh) }
        }
        if points.isEmpty && graphs.kernel.isEmpty { chart.emptyNote = "No ACK in the capture ends a data segment of this direction: no RTT samples." }
    }

    func throughput(_ graphs: StreamGraphs, into chart: inout SVGChart) {
        let high = graphs.rates.map(\.throughput).max() ?? 0
        chart.y = SVGChart.Axis(quantity: "rate over a \(Self.windowText(graphs.windowSeconds)) sliding window", unit: "bit/s",
                                range: SVGChart.niceRange(high: high))
        chart.layers.append(.line(graphs.rates.map { (x: $0.time, y: $0.throughput) }, .blue, dashed: false))
        chart.layers.append(.line(graphs.rates.map { (x: $0.time, y: $0.goodput) }, .green, dashed: true))
        chart.legend.append(.init(swatch: .line(dashed: false), colour: .blue, text: "throughput (all data, retransmissions too)"))
        chart.legend.append(.init(swatch: .line(dashed: true), colour: .green, text: "goodput (new data only)"))
        if graphs.rates.isEmpty { chart.emptyNote = "No data segments in this direction." }
    }

    func window(_ graphs: StreamGraphs, into chart: inout SVGChart) {
        let receiver = graphs.windows.compactMap { point in point.receiverWindow.map { (x: point.time, y: Double($0)) } }
        let flight = graphs.windows.compactMap { point in point.bytesInFlight.map { (x: point.time, y: Double($0)) } }
        let congestion = graphs.kernel.map { (x: $0.time, y: Double($0.congestionWindow)) }
        let high = (receiver + flight + congestion).map(\.y).max() ?? 0
        chart.y = SVGChart.Axis(quantity: "bytes", unit: "B", range: SVGChart.niceRange(high: high))
        if !congestion.isEmpty {
            chart.layers.append(.steps(congestion, .vermillion, dashed: false))
            chart.legend.append(.init(swatch: .line(dashed: false), colour: .vermillion, text: "congestion window (sender's kernel, TCP_INFO)"))
        }
        if !receiver.isEmpty {
            chart.layers.append(.steps(receiver, .orange, dashed: false))
            chart.legend.append(.init(swatch: .line(dashed: false), colour: .orange, text: "receiver's advertised window"))
        }
        if !flight.isEmpty {
            chart.layers.append(.marks(flight, .circle, .blue))
            chart.legend.append(.init(swatch: .mark(.circle), colour: .blue, text: "bytes in flight (sent, not yet ACKed)"))
        }
        if receiver.isEmpty && flight.isEmpty && congestion.isEmpty { chart.emptyNote = "No windows known in this direction." }
    }

    /// "100 ms", "1.5 s", "250 µs": the throughput window in the axis label.
    static func windowText(_ seconds: Double) -> String {
        func trimmed(_ value: Double) -> String {
            var text = fixed(value, decimals: 3)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        if seconds >= 1 { return trimmed(seconds) + " s" }
        if seconds >= 0.001 { return trimmed(seconds * 1000) + " ms" }
        return trimmed(seconds * 1_000_000) + " µs"
    }

    // MARK: Phases

    /// The kernel's congestion state (tcpi_ca_state) under the plot, to set against the phases
    /// read from the capture: each sample's state until the next sample.
    func addKernelState(_ graphs: StreamGraphs, into chart: inout SVGChart) {
        guard !graphs.kernel.isEmpty else { return }
        var shown: [String] = []
        for (point, next) in zip(graphs.kernel, graphs.kernel.dropFirst().map(Optional.some) + [nil]) {
            guard let colour = Self.colour(kernelState: point.state) else { continue }
            chart.strip.append(.init(start: point.time, end: next?.time ?? point.time, colour: colour,
                                     label: "kernel: \(point.state) at \(fixed(point.time, decimals: 3)) s"))
            if !shown.contains(point.state) { shown.append(point.state) }
        }
        chart.stripLabel = "sender's kernel (TCP_INFO ca_state)"
        for state in shown {
            chart.legend.append(.init(swatch: .band, colour: Self.colour(kernelState: state)!, text: "kernel: \(state)"))
        }
    }

    /// Open is left blank: the strip shows when the kernel thought something was wrong.
    static func colour(kernelState: String) -> SVGChart.Colour? {
        switch kernelState {
        case "disorder": .yellow
        case "cwr": .orange
        case "recovery": .purple
        case "loss": .vermillion
        default: nil
        }
    }

    static func colour(_ phase: GraphPhase.Kind) -> SVGChart.Colour {
        switch phase {
        case .slowStart: .skyBlue
        case .fastRecovery: .purple
        case .timeoutRecovery: .vermillion
        case .otherRecovery: .yellow
        case .congestionAvoidance: .green
        case .zeroWindow: .black
        }
    }

    func addPhases(_ graphs: StreamGraphs, into chart: inout SVGChart) {
        var shown: [GraphPhase.Kind] = []
        for phase in graphs.phases {
            let colour = Self.colour(phase.kind)
            chart.bands.append(.init(start: phase.start, end: phase.end, colour: colour, label: phase.kind.label,
                                     labelLine: phase.kind == .zeroWindow ? 1 : 0))
            if phase.kind != .slowStart && phase.kind != .congestionAvoidance {
                chart.markers.append(.init(x: phase.start, colour: colour == .yellow ? .orange : colour,
                                           label: "\(phase.kind.label), frame \(phase.startFrame)"))
            }
            if !shown.contains(phase.kind) { shown.append(phase.kind) }
        }
        for kind in shown {
            chart.legend.append(.init(swatch: .band, colour: Self.colour(kind), text: kind.label))
        }
    }
}

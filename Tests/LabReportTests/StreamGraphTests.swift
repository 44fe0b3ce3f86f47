import CaptureAnalysis
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import LabReport
import TestSupport
import Testing

/// One connection's graphs, through the same path as `tcplab graph`.
func streamGraphs(_ capture: String, stream: Int = 0, senderIsClient: Bool? = nil,
                  windowSeconds: Double = 0.1) throws -> StreamGraphs {
    let builder = StreamGraphBuilder()
    try builder.add(contentsOf: CaptureReader.open(file: fixturePath(capture), keepHistory: false))
    return try #require(builder.graphs(stream: stream, senderIsClient: senderIsClient, windowSeconds: windowSeconds))
}

/// tshark's view of a fixture (the committed `.tshark.tsv`), split by direction of stream 0.
struct TsharkStream {
    var rows: [[String: String]]
    var clientPort: String
    var first: (seconds: Int, nanoseconds: Int)

    init(_ capture: String) throws {
        let all = try tsharkRows(capture)
        rows = all.filter { $0["tcp.stream"] == "0" }
        clientPort = try #require(rows.first?["tcp.srcport"])
        first = Self.epoch(all[0])
    }

    /// "1700000000.000310000" as whole seconds and nanoseconds: as doubles, two epoch times differ
    /// by up to 0.2 µs from their true difference.
    static func epoch(_ row: [String: String]) -> (seconds: Int, nanoseconds: Int) {
        let parts = row["frame.time_epoch"]!.split(separator: ".")
        let fraction = parts.count > 1 ? String(parts[1]).padding(toLength: 9, withPad: "0", startingAt: 0) : "0"
        return (Int(parts[0])!, Int(fraction)!)
    }

    func frame(_ row: [String: String]) -> Int { Int(row["frame.number"]!)! }
    /// Seconds since the capture's first frame, computed as `StreamGraphBuilder` does.
    func time(_ row: [String: String]) -> Double {
        let (seconds, nanoseconds) = Self.epoch(row)
        return Double(seconds - first.seconds) + Double(nanoseconds - first.nanoseconds) / 1e9
    }
    func int(_ row: [String: String], _ field: String) -> Int? { row[field].flatMap { Int($0) } }
    func fromClient(_ row: [String: String]) -> Bool { row["tcp.srcport"] == clientPort }
    func flag(_ row: [String: String], _ name: String) -> Bool { !(row["tcp.analysis." + name] ?? "").isEmpty }

    /// The data segments one side sent.
    func data(fromClient client: Bool) -> [[String: String]] {
        rows.filter { fromClient($0) == client && (int($0, "tcp.len") ?? 0) > 0 }
    }
}

@Suite("Stream graphs: data against tshark, phases, SVG, CSV, HTML")
struct StreamGraphTests {
    static let captures = ["loss.pcap", "loss-router.pcap", "zero-window.pcap", "spurious.pcap", "bulk-bottleneck.pcap"]

    // MARK: Data

    @Test(arguments: captures)
    func timeSequenceMarksAreTsharksSegments(_ capture: String) throws {
        let graphs = try streamGraphs(capture)
        let reference = try TsharkStream(capture)
        #expect(graphs.senderIsClient)   // every fixture's data comes from the board
        let expected = reference.data(fromClient: true)
        try #require(graphs.segments.count == expected.count)
        for (mark, row) in zip(graphs.segments, expected) {
            #expect(mark.frame == reference.frame(row))
            #expect(abs(mark.time - reference.time(row)) < 1e-6, "frame \(mark.frame)")
            #expect(mark.sequence == reference.int(row, "tcp.seq"))
            #expect(mark.length == reference.int(row, "tcp.len"))
            #expect(mark.kind.isRetransmission == reference.flag(row, "retransmission"), "frame \(mark.frame)")
            #expect((mark.kind == .fastRetransmission) == reference.flag(row, "fast_retransmission"), "frame \(mark.frame)")
        }
    }

    @Test func lossRetransmissionsSitAtTheirTimeAndSequence() throws {
        let marks = try streamGraphs("loss.pcap").segments.filter(\.kind.isRetransmission)
        // tshark -r loss.pcap -Y tcp.analysis.retransmission -T fields -e frame.number -e frame.time_relative -e tcp.seq
        #expect(marks.map(\.frame) == [15, 26, 47])
        #expect(marks.map(\.sequence) == [207, 1265, 3421])
        #expect(marks.map(\.kind) == [.fastRetransmission, .fastRetransmission, .retransmission])
        #expect(zip(marks.map(\.time), [0.000481, 0.050949, 0.202460]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test(arguments: captures)
    func ackAndWindowLinesAreTsharksAckAndWindow(_ capture: String) throws {
        let graphs = try streamGraphs(capture)
        let reference = try TsharkStream(capture)
        let expected = reference.rows.filter { !reference.fromClient($0) && reference.int($0, "tcp.ack") != nil }
        try #require(graphs.acks.count == expected.count)
        for (point, row) in zip(graphs.acks, expected) {
            #expect(point.frame == reference.frame(row))
            #expect(point.acknowledgement == reference.int(row, "tcp.ack"))
            #expect(point.windowEdge == reference.int(row, "tcp.ack")! + reference.int(row, "tcp.window_size")!, "frame \(point.frame)")
        }
        let windows = graphs.windows.filter { $0.receiverWindow != nil }
        #expect(windows.map(\.frame) == reference.rows.filter { !reference.fromClient($0) }.map(reference.frame))
        #expect(windows.map(\.receiverWindow) == reference.rows.filter { !reference.fromClient($0) }.map { reference.int($0, "tcp.window_size") })
    }

    @Test(arguments: captures)
    func roundTripSamplesAreTsharksAckRTT(_ capture: String) throws {
        let graphs = try streamGraphs(capture)
        let reference = try TsharkStream(capture)
        let expected = reference.rows.filter { !reference.fromClient($0) && !($0["tcp.analysis.ack_rtt"] ?? "").isEmpty }
        try #require(graphs.roundTrips.count == expected.count)
        for (point, row) in zip(graphs.roundTrips, expected) {
            #expect(point.frame == reference.frame(row))
            #expect(abs(point.sample - Double(row["tcp.analysis.ack_rtt"]!)!) < 1e-9, "frame \(point.frame)")
            #expect(point.ackedFrame == reference.int(row, "tcp.analysis.acks_frame"))
            #expect(point.counted == (point.estimated != nil))
        }
    }

    @Test func estimatedRTTFollowsRFC6298ByHand() throws {
        let counted = try streamGraphs("loss.pcap").roundTrips.filter(\.counted)
        // Samples 26, 11 and 6 µs (frames 2, 5, 7). First: E = 26, D = 13, T = 26 + 4·13 = 78.
        // Then D = ¾·13 + ¼·|26 − 11| = 13.5, E = ⅞·26 + ⅛·11 = 24.125, T = 24.125 + 54 = 78.125;
        // then D = ¾·13.5 + ¼·|24.125 − 6| = 14.65625, E = ⅞·24.125 + ⅛·6 = 21.859375, T = 80.484375.
        let estimates = counted.prefix(3).map { $0.estimated! * 1e6 }
        let timeouts = counted.prefix(3).map { $0.timeout! * 1e6 }
        for (actual, expected) in zip(estimates + timeouts, [26, 24.125, 21.859375, 78, 78.125, 80.484375]) {
            #expect(abs(actual - expected) < 1e-6)
        }
        // Karn's rule: the ACKs of the fast retransmissions' bytes and of the last one are skipped.
        let skipped = try streamGraphs("loss.pcap").roundTrips.filter { !$0.counted }
        #expect(skipped.map(\.frame) == [16, 27, 48])
    }

    @Test(arguments: captures)
    func bytesInFlightAreTsharks(_ capture: String) throws {
        let graphs = try streamGraphs(capture)
        let reference = try TsharkStream(capture)
        let flights = graphs.windows.filter { $0.bytesInFlight != nil }
        let expected = reference.data(fromClient: true).filter { reference.int($0, "tcp.analysis.bytes_in_flight") != nil }
        #expect(flights.map(\.frame) == expected.map(reference.frame))
        #expect(flights.map(\.bytesInFlight) == expected.map { reference.int($0, "tcp.analysis.bytes_in_flight") })
    }

    @Test(arguments: [0.01, 0.1, 1.0])
    func throughputAndGoodputCountTheWindowsBytes(_ window: Double) throws {
        let graphs = try streamGraphs("loss.pcap", windowSeconds: window)
        let reference = try TsharkStream("loss.pcap")
        let data = reference.data(fromClient: true)
        #expect(!graphs.rates.isEmpty && graphs.rates.count <= StreamGraphBuilder.maximumRatePoints + 1)
        for point in graphs.rates {
            let inWindow = data.filter { reference.time($0) <= point.time && reference.time($0) > point.time - window }
            let all = inWindow.reduce(0) { $0 + reference.int($1, "tcp.len")! }
            let new = inWindow.filter { !reference.flag($0, "retransmission") }.reduce(0) { $0 + reference.int($1, "tcp.len")! }
            #expect(abs(point.throughput - Double(all * 8) / window) < 1e-6, "at \(point.time)")
            #expect(abs(point.goodput - Double(new * 8) / window) < 1e-6, "at \(point.time)")
        }
        #expect(abs(graphs.rates.last!.time - graphs.segments.last!.time) < 1e-12)
    }

    @Test func theOtherDirectionHasNoDataButItsAcks() throws {
        let graphs = try streamGraphs("loss.pcap", senderIsClient: false)
        #expect(!graphs.senderIsClient)
        #expect(graphs.segments.isEmpty && graphs.rates.isEmpty)
        // The client's 29 segments have the ACK flag, all but its SYN.
        #expect(graphs.acks.count == 28)
    }

    // MARK: Phases

    @Test func lossPhases() throws {
        let phases = try streamGraphs("loss.pcap").phases
        #expect(phases.map(\.kind) == [.slowStart, .fastRecovery, .congestionAvoidance, .fastRecovery,
                                       .congestionAvoidance, .fastRecovery])
        // Slow start from the first data (frame 4) to the first retransmission (frame 15); each
        // recovery until the ACK of everything sent before it (frames 16 and 27: ack 889, 1769).
        #expect(phases.map(\.startFrame) == [4, 15, 16, 26, 27, 47])
        // Frame 47 repeats frame 43 after 50 ms, too soon for a timer; tshark does not call it
        // fast (one duplicate ACK before it, frame 46), but that ACK's SACK told the sender.
        #expect(phases.last!.startFrame == 47)
        for (phase, next) in zip(phases, phases.dropFirst()) { #expect(phase.end == next.start) }
    }

    @Test func spuriousHasATimeout() throws {
        let phases = try streamGraphs("spurious.pcap").phases
        // Frame 10 repeats frame 8 after 205 ms (its ACK, frame 9, never reached the board): the timer ran out.
        #expect(phases.map(\.kind) == [.slowStart, .timeoutRecovery, .congestionAvoidance])
        #expect(phases[1].startFrame == 10)
    }

    /// The sender's kernel recorded its congestion state (TCP_INFO's ca_state, every 10 ms) during
    /// the transfer `bulk-bottleneck.pcap` captured: the recovery tcplab reads from the capture
    /// must be where the kernel says it was.
    @Test func bulkRecoveryIsWhereTheKernelSaysItWas() throws {
        let graphs = try streamGraphs("bulk-bottleneck.pcap")
        let phases = graphs.phases
        #expect(phases.first?.kind == .slowStart)
        #expect(phases.last?.kind == .congestionAvoidance)
        let recoveries = phases.filter { $0.kind == .fastRecovery }
        // Every retransmission in it follows SACKed duplicate ACKs: no timeout, no tail loss probe.
        #expect(!recoveries.isEmpty && phases.allSatisfy { $0.kind != .timeoutRecovery && $0.kind != .otherRecovery })
        #expect(recoveries.first?.startFrame == 57)

        let text = try String(contentsOfFile: fixturePath("bulk-bottleneck.tcpinfo.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        let (timeColumn, stateColumn) = (header.firstIndex(of: "time")!, header.firstIndex(of: "ca_state")!)
        let origin = try TsharkStream("bulk-bottleneck.pcap")
        let kernel = lines.map { (time: Double($0[timeColumn])! - Double(origin.first.seconds) - Double(origin.first.nanoseconds) / 1e9,
                                  state: $0[stateColumn]) }
        let inRecovery = kernel.filter { $0.state == "recovery" }.map(\.time)
        let firstRecovery = try #require(inRecovery.first), lastRecovery = try #require(inRecovery.last)
        // Samples are 10 ms apart (more when the event loop is busy): the kernel's first sample in
        // recovery comes at most one interval after the retransmission that started it, and its
        // last before the capture's recovery ends.
        let sampleGap = zip(kernel, kernel.dropFirst()).map { $1.time - $0.time }.max()!
        #expect(recoveries.first!.start <= firstRecovery && firstRecovery - recoveries.first!.start <= sampleGap)
        #expect(recoveries.last!.end >= lastRecovery - sampleGap && recoveries.last!.end <= lastRecovery + sampleGap)
        // No sample in recovery before the capture's first retransmission.
        #expect(kernel.filter { $0.time < recoveries.first!.start }.allSatisfy { $0.state == "open" })
    }

    @Test func zeroWindowIsAPhaseOverTheOthers() throws {
        let phases = try streamGraphs("zero-window.pcap").phases
        // Frame 12 says window 0; frame 18 (a window update at 2.500610 s) opens it.
        let closed = try #require(phases.first { $0.kind == .zeroWindow })
        #expect(closed.startFrame == 12)
        #expect(abs(closed.end - 2.500610) < 1e-9)
        #expect(phases.filter { $0.kind != .zeroWindow }.map(\.kind) == [.slowStart, .otherRecovery, .congestionAvoidance])
    }

    // MARK: SVG

    @Test(arguments: captures)
    func everySVGIsWellFormedAndLocal(_ capture: String) throws {
        let graphs = try streamGraphs(capture)
        for kind in GraphKind.allCases {
            let document = SVGGraphRenderer().document(graphs, kind: kind)
            let parser = XMLParser(data: Data(document.utf8))
            #expect(parser.parse(), "\(kind) of \(capture): \(String(describing: parser.parserError))")
            let withoutNamespace = document.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"))
            #expect(document.contains("time since frame 1 (s)"))
            #expect(document.contains(SVGGraphRenderer.title(kind)))
        }
        let timeSequence = SVGGraphRenderer().document(graphs, kind: .timeSequence)
        #expect(timeSequence.contains("relative sequence number ("))
        #expect(SVGGraphRenderer().document(graphs, kind: .rtt).contains("round-trip time ("))
        #expect(SVGGraphRenderer().document(graphs, kind: .throughput).contains("bit/s)"))
    }

    @Test func lossSVGMarksEachSegmentAndThePhases() throws {
        let graphs = try streamGraphs("loss.pcap")
        let stevens = SVGGraphRenderer().document(graphs, kind: .timeSequence)
        // A dot per new segment, and one in the legend.
        let dots = stevens.components(separatedBy: "r=\"2.5\" fill=\"#0072B2\"").count - 1
        #expect(dots == graphs.segments.filter { $0.kind == .new }.count + 1)
        #expect(stevens.contains("fast retransmit &amp; recovery, frame 15"))
        #expect(stevens.contains("fast retransmit &amp; recovery, frame 47"))
        #expect(stevens.components(separatedBy: "class=\"band\"").count - 1 == graphs.phases.count)
        // The RTT axis of a loopback capture is in microseconds.
        #expect(SVGGraphRenderer().document(graphs, kind: .rtt).contains("round-trip time (µs)"))
    }

    @Test func kernelSamplesDrawTheCongestionWindowAndAStateStrip() throws {
        var graphs = try streamGraphs("loss.pcap")
        graphs.kernel = [KernelPoint(time: 0.01, state: "open", congestionWindow: 14480, slowStartThreshold: nil, smoothedRTT: 0.0001),
                         KernelPoint(time: 0.06, state: "recovery", congestionWindow: 5792, slowStartThreshold: 5792, smoothedRTT: 0.0002),
                         KernelPoint(time: 0.3, state: "open", congestionWindow: 7240, slowStartThreshold: 5792, smoothedRTT: 0.0002)]
        let window = SVGGraphRenderer().document(graphs, kind: .window)
        #expect(XMLParser(data: Data(window.utf8)).parse())
        #expect(window.contains("congestion window (sender&#39;s kernel, TCP_INFO)"))
        // One strip piece, for the one sample not "open"; open is left blank.
        #expect(window.components(separatedBy: "<title>kernel: recovery at 0.060 s</title>").count == 2)
        #expect(!window.contains("kernel: open"))
        // The time axis runs to the last sample (after the capture's last frame, at 0.203 s).
        #expect(graphs.timeRange.upperBound == 0.3)
        #expect(GraphCSV.kernel(graphs) == "time,ca_state,cwnd_bytes,ssthresh_bytes,srtt\n0.010000000,open,14480,,0.000100000\n"
                + "0.060000000,recovery,5792,5792,0.000200000\n0.300000000,open,7240,5792,0.000200000\n")
    }

    @Test func chartTextIsEscaped() throws {
        var chart = SVGGraphRenderer().chart(try streamGraphs("spurious.pcap"), kind: .window)
        chart.title = "<script>alert('x')</script> & \u{07}"
        let document = chart.svg(standalone: true, id: "a\"b")
        #expect(!document.contains("<script>"))
        #expect(document.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; \u{FFFD}"))
        #expect(XMLParser(data: Data(document.utf8)).parse())
    }

    @Test func ticksAndPrefixes() {
        #expect(SVGChart.tickStep(0.2) == 0.05)
        #expect(SVGChart.tickStep(70_000) == 10_000)
        #expect(SVGChart.niceRange(high: 3590) == 0...4000)
        let rtt = SVGChart.Axis(quantity: "", unit: "s", range: 0...0.0002)
        #expect(SVGChart.prefix(for: rtt).symbol == "µ")
        let window = SVGChart.Axis(quantity: "", unit: "B", range: 0...70_000)
        #expect(SVGChart.prefix(for: window).symbol == "k")
        #expect(SVGChart.tickText(20_000, step: 10_000, scale: 1e3) == "20")
        #expect(SVGChart.tickText(0.15, step: 0.05, scale: 1) == "0.15")
    }

    // MARK: CSV

    @Test func csvHasAHeaderAndOneRowPerPoint() throws {
        let graphs = try streamGraphs("loss.pcap")
        let expected: [GraphKind: (String, Int)] = [
            .timeSequence: ("time,frame,seq,end,length,kind", graphs.segments.count),
            .tcptrace: ("time,frame,kind,seq,end,ack,window_edge", graphs.segments.count + graphs.acks.count),
            .rtt: ("time,frame,acked_frame,rtt,counted,estimated_rtt,timeout_interval", graphs.roundTrips.count),
            .throughput: ("time,window_seconds,throughput_bps,goodput_bps", graphs.rates.count),
            .window: ("time,frame,receiver_window,bytes_in_flight", graphs.windows.count),
        ]
        for kind in GraphKind.allCases {
            let lines = GraphCSV.text(graphs, kind: kind).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "")
            #expect(String(lines[0]) == expected[kind]!.0)
            #expect(lines.count - 2 == expected[kind]!.1, "\(kind)")
            let columns = lines[0].split(separator: ",").count
            #expect(lines.dropFirst().dropLast().allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == columns })
        }
        #expect(GraphCSV.text(graphs, kind: .timeSequence).contains("\n0.000481000,15,207,395,188,fast-retransmission\n"))
        #expect(GraphCSV.text(graphs, kind: .rtt).contains("\n0.000321000,5,4,0.000011000,yes,0.000024125,0.000078125\n"))
        #expect(GraphCSV.phases(graphs).hasPrefix("start,end,start_frame,phase\n0.000310000,0.000481000,4,slow-start\n"))
        // Segments and ACKs in one time order.
        let tcptrace = GraphCSV.text(graphs, kind: .tcptrace).split(separator: "\n").dropFirst()
        let times = tcptrace.map { Double($0.split(separator: ",")[0])! }
        #expect(times == times.sorted())
    }

    // MARK: HTML

    @Test func pageHoldsTheLadderAndEveryGraphAndNothingExternal() throws {
        let graphs = try streamGraphs("loss.pcap")
        let models = try ladderModels([fixturePath("loss.pcap")]).models
        var page = HTMLLadderRenderer(captureName: "loss.pcap")
        page.appendix = HTMLGraphSection().html(graphs)
        page.appendixStyle = HTMLGraphSection.style
        let html = page.document(models)
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<link") && !html.contains(" src=") && !html.contains("@import"))
        #expect(html.contains("class=\"ladder\""))
        #expect(html.components(separatedBy: "<svg").count - 1 == 1 + GraphKind.allCases.count)
        for kind in GraphKind.allCases { #expect(html.contains("id=\"graph-\(kind.rawValue)\"")) }
        // Clip paths are local references only.
        #expect(!html.replacingOccurrences(of: "url(#graph-", with: "").contains("url("))
    }

    @Test func graphsAlonePageForALongConnection() throws {
        let page = HTMLGraphSection().document(try streamGraphs("loss.pcap"), kinds: [.rtt, .window],
                                               captureName: "<b>x</b>.pcap", note: "left out & why")
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
        #expect(page.contains("&lt;b&gt;x&lt;/b&gt;.pcap") && page.contains("left out &amp; why"))
        #expect(page.components(separatedBy: "<svg").count - 1 == 2)
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains(" src="))
    }
}

import SensorStreams
import LabReport
import TCPAnalysis

/// `read --readings`: every client→server stream rebuilt and cut into sensor lines, each with the
/// frames that carried it, shown once the server has acknowledged it (at the end for the lines it
/// never acknowledged, marked so: they did not arrive).
public final class ReadingsView {
    private let tracker = ReadingTracker()
    /// Per stream, the lines waiting for the server's ACK, in order, and its highest ACK so far.
    private var waiting: [Int: [RebuiltReading]] = [:]
    private var serverAck: [Int: UInt32] = [:]
    /// A stream whose server is never seen (a capture of one direction) waits no longer than this.
    private static let maxWaiting = 4096
    private let format: PacketView.Format
    private var text: ReadingTextRenderer
    private let json = ReadingJSONRenderer()
    private let summary: Bool
    private let sink: OutputSink
    private var output = OutputBuffer()

    public init(format: PacketView.Format, color: Bool, summary: Bool, sink: OutputSink) {
        self.format = format
        self.summary = summary
        self.sink = sink
        text = ReadingTextRenderer(palette: Palette(enabled: color))
    }

    public static func show(_ reader: CaptureReader, format: PacketView.Format, color: Bool, summary: Bool,
                            sink: OutputSink) throws {
        let view = ReadingsView(format: format, color: color, summary: summary, sink: sink)
        defer { view.finish() }
        try reader.read { analyzed, record in view.add(analyzed, bytes: record.bytes) }
    }

    public func add(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer) {
        guard let segment = analyzed.segment else { return }
        if !segment.fromClient, let ack = segment.relativeAcknowledgement {
            serverAck[segment.stream] = max(serverAck[segment.stream] ?? 0, ack)
        }
        // A packet completes lines of its own connection only.
        let completed = tracker.process(analyzed, bytes: bytes).readings
        if !completed.isEmpty { waiting[segment.stream, default: []] += completed }
        release(segment.stream)
        if output.count >= 1 << 16 { sink.drain(&output) }
    }

    /// Shows the stream's lines the server has acknowledged, in order, and the oldest of a
    /// stream that waits too long with no server in sight.
    private func release(_ stream: Int) {
        guard var lines = waiting[stream], !lines.isEmpty else { return }
        var shown = 0
        while shown < lines.count {
            if let ack = serverAck[stream], ack >= UInt32(truncatingIfNeeded: 1 + lines[shown].line.end) {
                lines[shown].acknowledged = true
            } else if lines.count - shown > Self.maxWaiting {
                lines[shown].acknowledged = nil
            } else {
                break
            }
            render(lines[shown])
            shown += 1
        }
        waiting[stream] = shown == lines.count ? nil : Array(lines[shown...])
    }

    public func finish() {
        for reading in tracker.finish() { waiting[reading.stream, default: []].append(reading) }
        for stream in waiting.keys.sorted() {
            release(stream)
            // What is left was never acknowledged (unknown when the server was never seen).
            for var reading in waiting[stream] ?? [] {
                reading.acknowledged = serverAck[stream] == nil ? nil : false
                render(reading)
            }
        }
        waiting = [:]
        if format == .text && summary { text.summary(missingBytes: tracker.missingBytes, into: &output) }
        sink.drain(&output)
    }

    private func render(_ reading: RebuiltReading) {
        switch format {
        case .text: text.render(reading, into: &output)
        case .json: json.render(reading, into: &output)
        }
    }
}

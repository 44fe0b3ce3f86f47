import SensorStreams
import LabReport
import TCPAnalysis

/// `read --readings`: every client→server stream rebuilt and cut into sensor lines as they
/// complete, each with the frames that carried it.
public final class ReadingsView {
    private let tracker = ReadingTracker()
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
        render(tracker.process(analyzed, bytes: bytes).readings)
        if output.count >= 1 << 16 { sink.drain(&output) }
    }

    public func finish() {
        render(tracker.finish())
        if format == .text && summary { text.summary(missingBytes: tracker.missingBytes, into: &output) }
        sink.drain(&output)
    }

    private func render(_ readings: [RebuiltReading]) {
        for reading in readings {
            switch format {
            case .text: text.render(reading, into: &output)
            case .json: json.render(reading, into: &output)
            }
        }
    }
}

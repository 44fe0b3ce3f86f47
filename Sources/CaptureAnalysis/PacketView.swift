import SensorStreams
import LabReport
import SensorProtocol
import TCPAnalysis
import WireFormat

/// Packets as `read` and `capture` show them: annotated text, closed by a summary per
/// connection, or one JSON object per line (DESIGN.md's contract). A segment from a board also
/// says which readings its bytes belong to.
public final class PacketView {
    public enum Format: Sendable { case text, json }

    public struct Options: Sendable {
        public var format: Format
        public var color: Bool
        public var showHex: Bool
        public var summary: Bool
        /// No packets, only the summary (text) or one object per connection (JSON).
        public var summaryOnly: Bool
        /// A saved capture is shown by a pipeline of four threads (PacketPipeline); false keeps
        /// it on one (the tests compare the two).
        public var parallel: Bool

        public init(format: Format = .text, color: Bool = false, showHex: Bool = true, summary: Bool = true,
                    summaryOnly: Bool = false, parallel: Bool = true) {
            self.summaryOnly = summaryOnly
            self.format = format
            self.color = color
            self.showHex = showHex
            self.summary = summary
            self.parallel = parallel
        }

        /// JSON needs no summary, so the reader need keep no history: memory follows open connections.
        public var needsHistory: Bool { (format == .text && summary) || summaryOnly }
    }

    private let reader: CaptureReader
    private let options: Options
    private let sink: OutputSink
    private let text: TextPacketRenderer
    private let json = JSONPacketRenderer()
    private var output = OutputBuffer()
    /// Says which readings each segment from a board carries (connections to the sensor port).
    private let readings = ReadingTracker(serverPort: SensorPort.standard)
    /// A saved capture is shown by a pipeline over both cores; live captures print as they go.
    private let pipeline: PacketPipeline?

    public init(reader: CaptureReader, options: Options, sink: OutputSink) {
        self.reader = reader
        self.options = options
        self.sink = sink
        text = TextPacketRenderer(palette: Palette(enabled: options.color), showHex: options.showHex)
        if options.parallel && !reader.source.isLive && !options.summaryOnly {
            let (json, text, format) = (json, text, options.format)
            pipeline = PacketPipeline(readings: readings, sink: sink, prepare: { analyzed, words in
                switch format {
                case .json: JSONPacketRenderer.appendNote(analyzed, into: &words)
                case .text: text.renderExplanations(analyzed, into: &words)
                }
            }) { analyzed, bytes, prepared, firstTime, output in
                switch format {
                case .json:
                    json.render(analyzed, bytes: bytes, note: prepared, into: &output)
                case .text:
                    text.renderHeader(analyzed, firstTime: firstTime, into: &output)
                    output.append(prepared)
                    text.renderHex(analyzed, bytes: bytes, into: &output)
                }
            }
        } else {
            pipeline = nil
        }
    }

    /// Reads all of `reader` into a view, then closes it: `read`'s whole job.
    public static func show(_ reader: CaptureReader, options: Options, sink: OutputSink) throws {
        let view = PacketView(reader: reader, options: options, sink: sink)
        defer { view.finish() }
        try reader.read { analyzed, record in view.add(analyzed, bytes: record.bytes) }
    }

    public func add(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer) {
        if options.summaryOnly { return }
        if let pipeline { return pipeline.add(analyzed, bytes: bytes, firstTime: reader.analyzer.firstTime ?? 0) }
        var analyzed = analyzed
        analyzed.notes = readings.process(analyzed, bytes: bytes).notes
        switch options.format {
        case .json: json.render(analyzed, bytes: bytes, into: &output)
        case .text: text.render(analyzed, bytes: bytes, firstTime: reader.analyzer.firstTime ?? 0, into: &output)
        }
        if output.count >= 1 << 16 { flush() }
    }

    /// Hands what is buffered to the sink (a live capture calls this as the wire goes quiet).
    public func flush() { sink.drain(&output) }

    /// Waits for the pipeline, writes the summary (text), and flushes.
    public func finish() {
        pipeline?.finish()
        let connections = reader.tracker.history.filter { reader.streams?.contains($0.index) ?? true }
        if options.format == .json && options.summaryOnly {
            for connection in connections { ConnectionSummaryJSON.render(connection, into: &output) }
        } else if options.format == .text && options.summary {
            ConnectionSummary(palette: Palette(enabled: options.color))
                .render(connections, frames: reader.analyzer.frames, into: &output)
        }
        flush()
    }
}

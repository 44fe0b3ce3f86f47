import LabReport
import PacketCapture
import TCPAnalysis
import WireFormat

/// `read --readings`: rebuild every client→server stream and print its sensor lines as they
/// complete, each with the frames that carried it.
final class ReadingsPipeline {
    private let analyzer: PacketAnalyzer
    private let tracker = ReadingTracker()
    private let format: OutputFormat
    private var text: ReadingTextRenderer
    private let json = ReadingJSONRenderer()
    private let summary: Bool
    private var output = OutputBuffer()

    init(source: PacketSource, options: PacketOutputOptions) {
        analyzer = PacketAnalyzer(linkType: LinkType(dlt: source.dataLinkType), keepHistory: false)
        format = options.format
        summary = !options.noSummary
        text = ReadingTextRenderer(palette: Palette(enabled: options.color.enabled))
    }

    func run(_ source: PacketSource) throws {
        defer { finish() }
        while true {
            let step = try source.next { handle($0) }
            if step == .end { break }
        }
    }

    private func handle(_ record: CapturedPacket) {
        let analyzed = analyzer.analyze(frame: record.number, seconds: record.seconds,
                                        nanoseconds: record.nanoseconds, bytes: record.bytes)
        render(tracker.process(analyzed, bytes: record.bytes).readings)
        if output.count >= 1 << 16 { StandardOutput.write(&output) }
    }

    private func render(_ readings: [RebuiltReading]) {
        for reading in readings {
            switch format {
            case .text: text.render(reading, into: &output)
            case .json: json.render(reading, into: &output)
            }
        }
    }

    private func finish() {
        render(tracker.finish())
        if format == .text && summary { text.summary(missingBytes: tracker.missingBytes, into: &output) }
        StandardOutput.write(&output)
    }
}

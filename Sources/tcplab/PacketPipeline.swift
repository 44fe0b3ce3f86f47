import LabReport
import PacketCapture
import SensorProtocol
import TCPAnalysis
import WireFormat

/// The one path from a libpcap source to the screen, shared by `read` and `capture`:
/// record → decode → track → render → stdout.
final class PacketPipeline {
    private let analyzer: PacketAnalyzer
    private let options: PacketOutputOptions
    private let text: TextPacketRenderer
    private let json = JSONPacketRenderer()
    private var output = OutputBuffer()
    /// Says which readings each segment from a board carries (connections to the sensor port).
    private let readings = ReadingTracker(serverPort: SensorPort.standard)
    /// Live captures flush what they have every `liveFlushInterval` seconds and whenever the
    /// wire goes quiet, so students see each packet as it happens without a write per packet.
    private let isLive: Bool
    private static let liveFlushInterval = 0.02
    private var nextFlush = 0.0
    private var drops = DropMonitor()
    private let writer: PacketWriter?
    /// Saved captures in JSON write their lines on a second core (live captures print as they go).
    private let jsonThread: JSONRenderThread?
    private(set) var packets = 0

    /// Writes the -w file only: no per-packet text or JSON (capture -q).
    private let quiet: Bool

    init(source: PacketSource, options: PacketOutputOptions, writer: PacketWriter? = nil, quiet: Bool = false) {
        self.options = options
        self.quiet = quiet
        self.isLive = source.isLive
        self.writer = writer
        // JSON needs no summaries, so it keeps no history: memory follows open connections only.
        analyzer = PacketAnalyzer(linkType: LinkType(dlt: source.dataLinkType),
                                  keepHistory: options.format == .text && !options.noSummary)
        text = TextPacketRenderer(palette: Palette(enabled: options.color.enabled), showHex: !options.noHex)
        jsonThread = options.format == .json && !source.isLive ? JSONRenderThread(readings: readings) : nil
    }

    func handle(_ record: CapturedPacket) {
        packets += 1
        writer?.write(record)
        if quiet { return }
        var analyzed = analyzer.analyze(frame: record.number, seconds: record.seconds,
                                        nanoseconds: record.nanoseconds, bytes: record.bytes)
        if let jsonThread {
            // The readings and the line are done on the second thread, from values taken now.
            jsonThread.add(analyzed, json.prepare(analyzed), analyzed.segment.map(ConnectionSnapshot.init),
                           bytes: record.bytes)
            return
        }
        analyzed.notes = readings.process(analyzed, bytes: record.bytes).notes
        switch options.format {
        case .json:
            json.render(analyzed, bytes: record.bytes, into: &output)
        case .text: text.render(analyzed, bytes: record.bytes, firstTime: analyzer.firstTime ?? 0, into: &output)
        }
        if output.count >= 1 << 16 { flush() }
    }

    /// Drains `source` until its end (or `breakLoop`), then prints the summary.
    func run(_ source: PacketSource, limit: Int? = nil) throws {
        defer { finish() }
        while limit.map({ packets < $0 }) ?? true {
            let step = try source.next { handle($0) }
            if step == .end { break }
            if isLive { keepUp(with: source, quiet: step == .timeout) }
        }
    }

    /// A live capture's housekeeping: output out on time, and kernel drops said the moment they
    /// are seen (on stderr, so the packets on stdout stay clean).
    private func keepUp(with source: PacketSource, quiet: Bool) {
        let now = MonotonicClock.seconds
        if quiet || now >= nextFlush {
            flush()
            nextFlush = now + Self.liveFlushInterval
        }
        if let dropped = drops.check(source, now: now) {
            StandardError.print(CaptureLossReport.warning(new: dropped.new, total: dropped.total))
        }
    }

    /// The kernel's counters at the end of a live capture (nil for a file).
    var statistics: CaptureStatistics? { drops.latest }

    func flush() {
        writer?.flush()
        StandardOutput.write(&output)
    }

    private func finish() {
        jsonThread?.finish()
        if options.format == .text && !options.noSummary && !quiet {
            ConnectionSummary(palette: Palette(enabled: options.color.enabled))
                .render(analyzer.tracker.history, frames: analyzer.frames, into: &output)
        }
        flush()
    }
}

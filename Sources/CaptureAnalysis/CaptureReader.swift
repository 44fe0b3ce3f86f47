import PacketCapture
import TCPAnalysis
import WireFormat

/// The one path from a capture to analysed packets: open a source, decode, track. Every view of a
/// capture is fed from here — `read` and `capture` (packets as text or JSON, follow, readings),
/// `ladder`, the graders, the demo and the tests — and nothing else loops over a `PacketSource`.
///
/// A connection's history is asked of `tracker` by stream index once the reading is done.
public final class CaptureReader {
    public let source: PacketSource
    public let analyzer: PacketAnalyzer
    /// Records read so far, analysed or not.
    public private(set) var records = 0
    /// Only these streams reach `read`'s body (nil: every packet); packets that are not TCP are
    /// left out too when set. Frame numbers stay those of the whole capture.
    public var streams: Set<Int>?
    /// A live capture's queue between the kernel's ring and the views, in bytes (see
    /// `LiveRecordQueue`); 0 takes records straight off the ring, one at a time.
    public var liveQueueBytes = 256 << 20
    private var liveQueue: LiveRecordQueue?

    /// A live capture's kernel counters, as read by the thread that owns the handle while the
    /// capture runs (nil before it starts); after `read` returns, ask `source.statistics()`.
    public var liveStatistics: CaptureStatistics? { liveQueue?.statistics }

    /// `keepHistory`: keep every connection for summaries and graders (memory grows with the
    /// connections); without it memory follows the open connections only.
    public init(source: PacketSource, keepHistory: Bool = true) {
        self.source = source
        analyzer = PacketAnalyzer(keepHistory: keepHistory)
    }

    /// A saved capture (pcap or pcapng), through a BPF filter when one is given.
    public static func open(file path: String, filter: String? = nil, keepHistory: Bool = true,
                            streams: Set<Int>? = nil) throws -> CaptureReader {
        let source = try PacketSource.open(file: path)
        if let filter { try source.setFilter(filter) }
        let reader = CaptureReader(source: source, keepHistory: keepHistory)
        reader.streams = streams
        return reader
    }

    public var tracker: TCPTracker { analyzer.tracker }

    /// Reads to the end of the capture, or `limit` records, or until `source.breakLoop()`, and
    /// hands each record to `body` as it was captured (`bytes` valid only during the call).
    ///
    /// For a live capture `housekeeping` runs after every record, and with `quiet` true when
    /// nothing arrived for 20 ms: the moment to flush output and look at the kernel's counters.
    public func readRecords(limit: Int? = nil, housekeeping: ((_ quiet: Bool) -> Void)? = nil,
                            _ body: (CapturedPacket) throws -> Void) throws {
        if source.isLive { return try readLive(limit: limit, housekeeping: housekeeping, body) }
        while limit.map({ records < $0 }) ?? true {
            let step = try source.next { record in
                records += 1
                try body(record)
            }
            if step == .end { break }
        }
    }

    /// A live capture: a thread keeps the kernel's ring empty, this one shows what it queued.
    private func readLive(limit: Int?, housekeeping: ((_ quiet: Bool) -> Void)?,
                          _ body: (CapturedPacket) throws -> Void) throws {
        let queue = LiveRecordQueue(source: source, maxBytes: liveQueueBytes)
        liveQueue = queue
        defer {
            queue.stop()
            liveQueue = nil
        }
        while limit.map({ records < $0 }) ?? true {
            switch try queue.next(timeout: 0.02) {
            case .record(let record):
                records += 1
                try record.bytes.withUnsafeBytes { bytes in
                    try body(CapturedPacket(number: record.number, seconds: record.seconds,
                                            nanoseconds: record.nanoseconds, originalLength: record.originalLength,
                                            linkType: record.linkType, bytes: bytes))
                }
                housekeeping?(false)
            case .quiet:
                housekeeping?(true)
            case .end:
                return
            }
        }
    }

    /// The same, each record decoded and tracked first: `body` gets the analysed packet and the
    /// record (its bytes valid only during the call).
    public func read(limit: Int? = nil, housekeeping: ((_ quiet: Bool) -> Void)? = nil,
                     _ body: (AnalyzedPacket, CapturedPacket) throws -> Void) throws {
        try readRecords(limit: limit, housekeeping: housekeeping) { record in
            let analyzed = analyzer.analyze(frame: record.number, seconds: record.seconds,
                                            nanoseconds: record.nanoseconds, linkType: record.linkType,
                                            bytes: record.bytes, wireLength: record.originalLength)
            if let streams, !(analyzed.segment.map { streams.contains($0.stream) } ?? false) { return }
            try body(analyzed, record)
        }
    }
}

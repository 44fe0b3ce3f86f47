import TCPAnalysis
import WireFormat

/// Rebuilds client→server streams packet by packet and frames them into sensor lines: the
/// readings for `read --readings`, and for each packet the sentence that says which readings
/// it carries (“this segment carries the end of reading 17 and all of reading 18”).
public final class ReadingTracker {
    /// What one packet brought.
    public struct Step: Sendable {
        /// What the notes are made of; made into sentences only when asked (`notes`), so the
        /// words can be written on another thread than the one that follows the streams.
        public var noteFacts: ReadingNotes.Facts?
        /// Lines completed by this packet, in stream order (from any stream).
        public var readings: [RebuiltReading] = []

        /// Plain-language notes for this packet (empty for most).
        public var notes: [String] { noteFacts.map(ReadingNotes.sentences) ?? [] }
    }

    private let rebuilder: StreamRebuilder
    private var splitters: [Int: StreamLineSplitter] = [:]
    private var devices: [Int: String] = [:]
    private let serverPort: UInt16?
    /// Bytes of the rebuilt streams that were never captured (gaps), for the summary.
    public private(set) var missingBytes = 0

    /// `serverPort`: only connections to this port (nil: every connection).
    public init(serverPort: UInt16? = nil,
                maxBufferedBytes: Int = StreamReassembler.defaultMaxBufferedBytes) {
        self.serverPort = serverPort
        rebuilder = StreamRebuilder(maxBufferedBytes: maxBufferedBytes) { _, port, fromClient in
            fromClient && (serverPort == nil || port == serverPort)
        }
    }

    /// `bytes` are the frame's captured bytes. The packet carries its connection's state as it
    /// was when tracked, so this may run behind the tracker, on another thread.
    public func process(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer) -> Step {
        var step = Step()
        guard let segment = analyzed.segment, let tcp = analyzed.packet.tcp else { return step }
        let events = rebuilder.receive(segment, tcp, payload: analyzed.packet.capturedPayload(in: bytes),
                                       payloadLength: analyzed.packet.payloadLength, frame: analyzed.frame)
        let disposition = rebuilder.lastDisposition
        var pieces: [LinePiece] = []
        var heldFrames: [Int] = []
        for directed in events where directed.fromClient {
            if case .data(let frame, _) = directed.event, frame != analyzed.frame, heldFrames.last != frame {
                heldFrames.append(frame)
            }
            consume(directed, frame: analyzed.frame, pieces: &pieces, readings: &step.readings)
        }
        if segment.fromClient && (serverPort == nil || segment.connection.server.port == serverPort) {
            step.noteFacts = ReadingNotes.Facts(frame: analyzed.frame, disposition: disposition, pieces: pieces,
                                                completed: step.readings, heldFrames: heldFrames)
        }
        return step
    }

    /// End of capture: lines still open are reported (partial, or after a gap).
    public func finish() -> [RebuiltReading] {
        var readings: [RebuiltReading] = []
        var pieces: [LinePiece] = []
        for directed in rebuilder.finish() where directed.fromClient {
            consume(directed, frame: nil, pieces: &pieces, readings: &readings)
        }
        return readings
    }

    /// Splits one stream event into lines: appends the finished ones to `readings` and the parts
    /// of lines that `frame` carried to `pieces`.
    private func consume(_ directed: DirectedStreamEvent, frame: Int?, pieces: inout [LinePiece],
                         readings: inout [RebuiltReading]) {
        let stream = directed.stream
        if case .gap(let count) = directed.event { missingBytes += count }
        // Mutated in place in the dictionary: no copy of the line being built per segment.
        let output = splitters[stream, default: StreamLineSplitter()].consume(directed.event)
        var device = devices[stream]
        for line in output.lines {
            let reading = RebuiltReading(stream: stream, line: line, device: device)
            if case .hello(let name) = reading.outcome { device = name }
            readings.append(reading)
        }
        devices[stream] = device
        if let frame { pieces += output.pieces.lazy.filter { $0.frame == frame } }
        if directed.event == .end {
            splitters[stream] = nil
            devices[stream] = nil
        }
    }
}

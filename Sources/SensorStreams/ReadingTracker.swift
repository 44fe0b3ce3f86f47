import TCPAnalysis
import WireFormat

/// Rebuilds client→server streams packet by packet and frames them into sensor lines: the
/// readings for `read --readings`, and for each packet the sentence that says which readings
/// it carries (“this segment carries the end of reading 17 and all of reading 18”).
public final class ReadingTracker {
    /// What one packet brought.
    public struct Step {
        /// Plain-language notes for this packet (empty for most).
        public var notes: [String] = []
        /// Lines completed by this packet, in stream order (from any stream).
        public var readings: [RebuiltReading] = []
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
        let packet = analyzed.packet
        let events = rebuilder.receive(segment, tcp, payload: packet.capturedPayload(in: bytes),
                                       payloadLength: packet.payloadLength, frame: analyzed.frame)
        let disposition = rebuilder.lastDisposition
        var pieces: [LinePiece] = []
        var heldFrames: [Int] = []
        for directed in events where directed.fromClient {
            if case .data(let frame, _) = directed.event, frame != analyzed.frame, heldFrames.last != frame {
                heldFrames.append(frame)
            }
            let output = consume(directed)
            pieces += output.pieces.filter { $0.frame == analyzed.frame }
            step.readings += output.readings
        }
        if segment.fromClient && (serverPort == nil || segment.connection.server.port == serverPort) {
            step.notes = ReadingNotes.sentences(frame: analyzed.frame, disposition: disposition, pieces: pieces,
                                                completed: step.readings, heldFrames: heldFrames)
        }
        return step
    }

    /// End of capture: lines still open are reported (partial, or after a gap).
    public func finish() -> [RebuiltReading] {
        var readings: [RebuiltReading] = []
        for directed in rebuilder.finish() where directed.fromClient {
            readings += consume(directed).readings
        }
        return readings
    }

    private func consume(_ directed: DirectedStreamEvent) -> (pieces: [LinePiece], readings: [RebuiltReading]) {
        let stream = directed.stream
        if case .gap(let count) = directed.event { missingBytes += count }
        // Mutated in place in the dictionary: no copy of the line being built per segment.
        let output = splitters[stream, default: StreamLineSplitter()].consume(directed.event)
        var readings: [RebuiltReading] = []
        for line in output.lines {
            let reading = RebuiltReading(stream: stream, line: line, device: devices[stream])
            if case .hello(let name) = reading.outcome { devices[stream] = name }
            readings.append(reading)
        }
        if directed.event == .end {
            splitters[stream] = nil
            devices[stream] = nil
        }
        return (output.pieces, readings)
    }
}

import SensorProtocol
import SensorStreams
import TCPAnalysis
import WireFormat

/// What a student's capture shows, gathered in one pass: the facts the graders check answers
/// against. Built from the same analyzed packets `tcplab read` prints, so a student who reads the
/// output can find every value.
public final class CaptureFacts {
    /// One data-carrying or control segment, kept small: of its payload only what the questions
    /// ask, counted over every captured byte.
    public struct SegmentFact {
        public var frame: Int
        public var time: Double
        public var fromClient: Bool
        public var flags: TCPFlags
        public var relativeSequence: UInt32
        public var relativeAcknowledgement: UInt32?
        public var rawSequence: UInt32
        public var rawAcknowledgement: UInt32
        public var length: Int
        public var window: Int
        public var analysis: AnalysisFlags
        /// Line endings (`\n`) in the captured payload.
        public var lineEndings: Int
        /// The captured payload's last byte is `\n`: the segment does not end inside a line.
        public var endsWithNewline: Bool
        /// The other side's window was 0 when this was sent (a "keep-alive" then probes the window).
        public var peerWindowClosed = false
        /// For an ACK that ends a segment of the other side: its RTT (the `RTT:` line) and what it
        /// did to the other side's estimate.
        public var roundTripSample: RoundTripSample?
        /// Seconds since the segment that ACK ends.
        public var ackRoundTrip: Double? { roundTripSample?.seconds }
    }

    public final class StreamFacts {
        public let index: Int
        /// The connection as the tracker knew it at the end of the capture (set by `finish`).
        public internal(set) var conversation: Conversation
        public internal(set) var segments: [SegmentFact] = []
        /// The client's bytes in sequence order, rebuilt by `StreamRebuilder` as `read --readings`
        /// rebuilds them (retransmissions once, out-of-order segments in place, holes as gaps).
        public internal(set) var clientStream = RebuiltStream()
        /// Relative sequence number of the client stream's first byte.
        var clientFirstRelative: UInt32?
        /// The highest acknowledgement the server sent (relative to the client's ISN).
        var serverHighestAck: UInt32?

        init(index: Int, conversation: Conversation) {
            self.index = index
            self.conversation = conversation
        }

        public var serverPort: UInt16 { conversation.server.endpoint.port }
        public var clientPort: UInt16 { conversation.client.endpoint.port }
        public var dataSegments: [SegmentFact] { segments.filter { $0.length > 0 } }
        public var clientDataSegments: [SegmentFact] { dataSegments.filter(\.fromClient) }

        /// The readings in the client's stream, cut and decoded as `tcplab read --readings` does.
        public var readings: [SensorReading] { clientStream.readings() }

        /// The client's bytes the server acknowledged: what reached the server. Bytes sent into a
        /// dead connection (retransmitted until an RST came back) are captured but never acknowledged.
        public var acknowledgedClientByteCount: Int {
            guard let first = clientFirstRelative, let ack = serverHighestAck else { return 0 }
            return min(max(SequenceNumber(first).distance(to: SequenceNumber(ack)), 0), clientStream.byteCount)
        }

        /// The readings whose bytes the server acknowledged.
        public var acknowledgedReadings: [SensorReading] {
            clientStream.readings(firstBytes: acknowledgedClientByteCount)
        }

        public func count(_ flag: AnalysisFlags) -> Int { segments.filter { $0.analysis.contains(flag) }.count }
    }

    public private(set) var streams: [StreamFacts] = []
    public private(set) var frames = 0
    /// The client→server direction of every connection, rebuilt as `tcplab read --readings` does.
    private let rebuilder = StreamRebuilder { _, _, fromClient in fromClient }

    public init() {}

    /// Adds one analyzed frame; `payload` is the TCP payload that was captured.
    public func add(_ analyzed: AnalyzedPacket, payload: UnsafeRawBufferPointer) {
        frames += 1
        guard let segment = analyzed.segment, let tcp = analyzed.packet.tcp else { return }
        let stream: StreamFacts
        if let existing = streams.last(where: { $0.index == segment.stream }) {
            stream = existing
        } else {
            stream = StreamFacts(index: segment.stream, conversation: Conversation(
                index: segment.stream, client: segment.connection.client, server: segment.connection.server,
                time: analyzed.time, frame: analyzed.frame))
            streams.append(stream)
        }
        stream.segments.append(SegmentFact(
            frame: analyzed.frame, time: analyzed.time, fromClient: segment.fromClient, flags: tcp.flags,
            relativeSequence: segment.relativeSequence, relativeAcknowledgement: segment.relativeAcknowledgement,
            rawSequence: tcp.sequenceNumber.rawValue, rawAcknowledgement: tcp.acknowledgementNumber.rawValue,
            length: analyzed.packet.payloadLength, window: segment.scaledWindow ?? Int(tcp.window),
            analysis: segment.analysis, lineEndings: payload.reduce(0) { $0 + ($1 == 10 ? 1 : 0) },
            endsWithNewline: payload.last == 10, peerWindowClosed: segment.peerWindowClosed,
            roundTripSample: segment.roundTripSample))
        if segment.fromClient && analyzed.packet.payloadLength > 0 && stream.clientFirstRelative == nil {
            stream.clientFirstRelative = segment.relativeSequence
        }
        take(rebuilder.receive(segment, tcp, payload: payload, payloadLength: analyzed.packet.payloadLength,
                               frame: analyzed.frame))
        if !segment.fromClient, let ack = segment.relativeAcknowledgement {
            if let highest = stream.serverHighestAck, SequenceNumber(ack) <= SequenceNumber(highest) { return }
            stream.serverHighestAck = ack
        }
    }

    /// End of the capture: bytes still held behind a hole join their streams, and each stream
    /// takes its connection's final state from the tracker.
    public func finish(tracker: TCPTracker) {
        take(rebuilder.finish())
        for stream in streams {
            if let conversation = tracker.conversation(stream: stream.index) { stream.conversation = conversation }
        }
    }

    private func take(_ events: [DirectedStreamEvent]) {
        for directed in events where directed.fromClient {
            guard let stream = streams.last(where: { $0.index == directed.stream }) else { continue }
            stream.clientStream.append(directed.event)
        }
    }

    /// The connection the lab is about: the first one to `port` whose handshake was captured,
    /// else the first one to `port`.
    public func mainStream(port: UInt16) -> StreamFacts? {
        let toPort = streams.filter { $0.serverPort == port }
        return toPort.first { $0.conversation.handshakeCompleted } ?? toPort.first
    }
}

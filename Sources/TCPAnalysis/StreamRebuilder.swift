import WireFormat

/// Reassembly events with the connection and direction they belong to.
public struct DirectedStreamEvent: Equatable, Sendable {
    /// The conversation's index (tshark's `tcp.stream`).
    public var stream: Int
    /// True for the client→server direction.
    public var fromClient: Bool
    public var event: StreamEvent
}

/// Keeps a `StreamReassembler` for each direction that `wants` selects, for every connection in
/// a capture, and feeds it segments and the peer's acknowledgements.
///
/// Memory follows open connections: a direction's state is flushed and dropped once its
/// connection is closed or reset (later stray copies of old bytes would be dropped anyway).
public final class StreamRebuilder {
    private var directions: [Key: StreamReassembler] = [:]
    private let wants: (_ stream: Int, _ serverPort: UInt16, _ fromClient: Bool) -> Bool
    private let maxBufferedBytes: Int
    /// Streams already flushed: a stray late copy must not start them again (one Int each).
    private var closed: Set<Int> = []

    private struct Key: Hashable {
        var stream: Int
        var fromClient: Bool
    }

    /// `wants(stream, serverPort, fromClient)` picks the directions to rebuild (it is asked once
    /// per segment; keep it cheap).
    public init(maxBufferedBytes: Int = StreamReassembler.defaultMaxBufferedBytes,
                wants: @escaping (_ stream: Int, _ serverPort: UInt16, _ fromClient: Bool) -> Bool = { _, _, _ in true }) {
        self.maxBufferedBytes = maxBufferedBytes
        self.wants = wants
    }

    /// What became of the last segment's bytes in its own direction (`.noData` when that
    /// direction is not rebuilt).
    public private(set) var lastDisposition = SegmentDisposition.noData

    /// One tracked segment. `payload` is the captured payload (it may be shorter than the
    /// segment's length on the wire when the snapshot length cut it).
    /// The segment carries its connection's state as it was when it was tracked, so the rebuilder
    /// may run behind the tracker, on another thread.
    public func receive(_ segment: Segment, _ tcp: TCPHeader, payload: UnsafeRawBufferPointer,
                        payloadLength: Int, frame: Int) -> [DirectedStreamEvent] {
        let stream = segment.stream
        let connection = segment.connection
        var events: [DirectedStreamEvent] = []
        lastDisposition = .noData

        if !closed.contains(stream) && wants(stream, connection.server.port, segment.fromClient) {
            let key = Key(stream: stream, fromClient: segment.fromClient)
            let flags = tcp.flags
            // Mutated in place in the dictionary: no copy of its buffer per segment.
            let own = directions[key, default: StreamReassembler(maxBufferedBytes: maxBufferedBytes)]
                .receive(sequence: tcp.sequenceNumber, syn: flags.contains(.syn), fin: flags.contains(.fin),
                         payload: Array(payload), payloadLength: payloadLength, frame: frame)
            for event in own {
                events.append(DirectedStreamEvent(stream: stream, fromClient: segment.fromClient, event: event))
            }
            lastDisposition = directions[key]!.lastDisposition
        }
        // An acknowledgement tells what the other direction's receiver really got.
        if tcp.flags.contains(.ack) {
            let peer = Key(stream: stream, fromClient: !segment.fromClient)
            if directions[peer] != nil {
                for event in directions[peer]!.acknowledged(tcp.acknowledgementNumber) {
                    events.append(DirectedStreamEvent(stream: stream, fromClient: peer.fromClient, event: event))
                }
            }
        }
        if connection.isOver && !closed.contains(stream) {
            events += close(stream: stream)
            closed.insert(stream)
        }
        return events
    }

    /// End of capture: flushes every direction still open (holes reported), in stream order.
    public func finish() -> [DirectedStreamEvent] {
        let streams = Set(directions.keys.map(\.stream)).sorted()
        return streams.flatMap { close(stream: $0) }
    }


    private func close(stream: Int) -> [DirectedStreamEvent] {
        var events: [DirectedStreamEvent] = []
        for fromClient in [true, false] {
            let key = Key(stream: stream, fromClient: fromClient)
            guard var reassembler = directions.removeValue(forKey: key) else { continue }
            for event in reassembler.finish() + [.end] {
                events.append(DirectedStreamEvent(stream: stream, fromClient: fromClient, event: event))
            }
        }
        return events
    }
}


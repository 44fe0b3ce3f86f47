import WireFormat

/// What reassembly hands on, in stream order.
public enum StreamEvent: Equatable, Sendable {
    /// Bytes new to the stream, all carried by one frame.
    case data(frame: Int, bytes: [UInt8])
    /// Bytes that belong here but were never captured: the stream goes on after them.
    case gap(bytes: Int)
    /// The direction is over (closed, reset, or the capture ended): nothing more will come.
    /// Sent by `StreamRebuilder` when it drops a direction, never by `StreamReassembler`.
    case end
}

/// What became of the bytes of the last segment given to `receive`.
public enum SegmentDisposition: Equatable, Sendable {
    /// No payload (or nothing captured of it, and not yet placed).
    case noData
    /// Some of its bytes are new and were handed on (possibly with buffered ones after them).
    case delivered
    /// It lies beyond a hole: its bytes wait in the buffer.
    case buffered
    /// Every byte was already in the stream or in the buffer (a retransmission, a keep-alive).
    case duplicate
    /// Its payload was cut off by the snapshot length before any byte of it could be handed on.
    case notCaptured
}

/// Rebuilds one direction of a TCP connection into the byte stream the receiving application
/// read, from segments in capture order.
///
/// - In-order bytes are handed on at once, each piece tagged with its frame.
/// - Retransmissions and overlaps: the bytes received first win (what Linux and most stacks keep,
///   and what Wireshark shows); re-sent bytes that are already in the stream or already buffered
///   are dropped, even if they differ.
/// - Out-of-order segments wait in a buffer until the gap before them fills.
/// - A gap becomes final (reported as `.gap`, never glued over) when the peer acknowledges past
///   it (the receiver got bytes the capture missed), when the buffer would exceed
///   `maxBufferedBytes`, when a segment's payload was cut by the snapshot length, or at the end.
/// - All positions are `SequenceNumber`s, so a stream may cross 2^32.
///
/// Memory: at most `maxBufferedBytes` of out-of-order payload (plus one segment) per direction.
public struct StreamReassembler: Sendable {
    /// Default cap on buffered out-of-order bytes: a few full windows of a small device, far more
    /// than any lab capture needs, small enough for thousands of connections.
    public static let defaultMaxBufferedBytes = 256 * 1024

    public let maxBufferedBytes: Int
    /// The next sequence number the stream expects; nil until the first SYN or data is seen.
    public private(set) var next: SequenceNumber?
    /// Where the FIN sits, once seen: acknowledgements of it are not acknowledgements of data.
    public private(set) var finSequence: SequenceNumber?
    /// Out-of-order pieces, sorted by sequence, never overlapping each other.
    private var pending: [(sequence: SequenceNumber, frame: Int, bytes: [UInt8])] = []
    public private(set) var bufferedBytes = 0
    /// Bytes handed on as data, and bytes reported missing.
    public private(set) var deliveredBytes = 0
    public private(set) var missingBytes = 0
    /// What happened to the last segment given to `receive`.
    public private(set) var lastDisposition = SegmentDisposition.noData

    public init(maxBufferedBytes: Int = StreamReassembler.defaultMaxBufferedBytes) {
        self.maxBufferedBytes = max(0, maxBufferedBytes)
    }

    /// One segment of this direction. `payload` holds the captured bytes; `payloadLength` is the
    /// length on the wire (larger when the snapshot length cut the packet).
    public mutating func receive(sequence: SequenceNumber, syn: Bool = false, fin: Bool = false,
                                 payload: [UInt8], payloadLength: Int? = nil, frame: Int) -> [StreamEvent] {
        let wireLength = max(payloadLength ?? payload.count, payload.count)
        let dataStart = syn ? sequence + 1 : sequence
        if next == nil {
            // A capture that starts mid-connection begins the stream at the first byte it saw.
            if syn || wireLength > 0 { next = dataStart }
        }
        if fin && finSequence == nil { finSequence = dataStart + wireLength }
        lastDisposition = .noData
        guard let expected = next, wireLength > 0 else { return [] }

        var events: [StreamEvent] = []
        if payload.count < wireLength {
            // Cut by the snapshot length: the rest was on the wire but is not in the file.
            events += place(dataStart, payload, frame: frame, expected: expected)
            // Only when the captured part reached the stream's end can the rest be called missing;
            // otherwise a later copy may still bring it (the ACK rule will decide).
            if next == dataStart + payload.count {
                events += skipTo(dataStart + wireLength)
            }
            if payload.isEmpty { lastDisposition = .notCaptured }
            return events
        }
        return place(dataStart, payload, frame: frame, expected: expected)
    }

    /// The peer acknowledged everything before `ack`: any hole before it will never be filled in
    /// this capture (the receiver has those bytes; the capture does not).
    public mutating func acknowledged(_ ack: SequenceNumber) -> [StreamEvent] {
        guard let now = next else { return [] }
        var limit = ack
        if let fin = finSequence, fin < limit { limit = fin }  // the FIN's own number is no data
        guard now < limit else { return [] }
        // Buffered pieces inside the acknowledged range are real bytes: only the holes between
        // them are missing.
        var events: [StreamEvent] = []
        while let position = next, position < limit {
            if let first = pending.first, first.sequence < limit {
                events += skipTo(first.sequence)
            } else {
                events += skipTo(limit)
            }
        }
        return events
    }

    /// End of capture: whatever still waits is handed on, with the holes before it reported.
    public mutating func finish() -> [StreamEvent] {
        var events: [StreamEvent] = []
        while let first = pending.first {
            events += skipTo(first.sequence)
        }
        return events
    }

    // MARK: - Internals

    private mutating func place(_ start: SequenceNumber, _ bytes: [UInt8], frame: Int,
                                expected: SequenceNumber) -> [StreamEvent] {
        guard !bytes.isEmpty else { return [] }
        let offset = expected.distance(to: start)
        if offset + bytes.count <= 0 {  // all old: a retransmission
            lastDisposition = .duplicate
            return []
        }
        if offset <= 0 {
            lastDisposition = .delivered
            let fresh = Array(bytes[(-offset)...])
            return deliver(fresh, frame: frame) + drain()
        }
        lastDisposition = buffer(start, bytes, frame: frame) ? .buffered : .duplicate
        var events: [StreamEvent] = []
        // Over the cap: give up waiting for the oldest hole.
        while bufferedBytes > maxBufferedBytes, let first = pending.first {
            events += skipTo(first.sequence)
        }
        return events
    }

    private mutating func deliver(_ bytes: [UInt8], frame: Int) -> [StreamEvent] {
        guard !bytes.isEmpty, let now = next else { return [] }
        next = now + bytes.count
        deliveredBytes += bytes.count
        return [.data(frame: frame, bytes: bytes)]
    }

    /// Hands on buffered pieces that now start at or before `next`.
    private mutating func drain() -> [StreamEvent] {
        var events: [StreamEvent] = []
        while let first = pending.first, let now = next, now.distance(to: first.sequence) <= 0 {
            pending.removeFirst()
            bufferedBytes -= first.bytes.count
            let overlap = first.sequence.distance(to: now)
            if overlap < first.bytes.count {
                events += deliver(Array(first.bytes[overlap...]), frame: first.frame)
            }
        }
        return events
    }

    /// Declares the bytes from `next` up to `target` missing, then drains what follows.
    private mutating func skipTo(_ target: SequenceNumber) -> [StreamEvent] {
        guard let now = next else { return [] }
        var events: [StreamEvent] = []
        let missing = now.distance(to: target)
        if missing > 0 {
            next = target
            missingBytes += missing
            events.append(.gap(bytes: missing))
        }
        // Buffered pieces wholly before the new position are stale; drain trims the rest.
        return events + drain()
    }

    /// Adds the parts of a segment not already buffered (the first-received bytes win); false
    /// when every byte was buffered already.
    private mutating func buffer(_ start: SequenceNumber, _ bytes: [UInt8], frame: Int) -> Bool {
        var pieces: [(SequenceNumber, ArraySlice<UInt8>)] = [(start, bytes[...])]
        for existing in pending {
            let existingEnd = existing.sequence + existing.bytes.count
            var remaining: [(SequenceNumber, ArraySlice<UInt8>)] = []
            for (pieceStart, slice) in pieces {
                let pieceEnd = pieceStart + slice.count
                if !(pieceStart < existingEnd) || !(existing.sequence < pieceEnd) {
                    remaining.append((pieceStart, slice)); continue
                }
                let before = pieceStart.distance(to: existing.sequence)
                if before > 0 {
                    remaining.append((pieceStart, slice.prefix(before)))
                }
                let after = existingEnd.distance(to: pieceEnd)
                if after > 0 {
                    remaining.append((existingEnd, slice.suffix(after)))
                }
            }
            pieces = remaining
            if pieces.isEmpty { return false }
        }
        for (pieceStart, slice) in pieces {
            let index = pending.firstIndex { pieceStart < $0.sequence } ?? pending.endIndex
            pending.insert((pieceStart, frame, Array(slice)), at: index)
            bufferedBytes += slice.count
        }
        return true
    }
}

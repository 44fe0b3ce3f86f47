import SensorProtocol
import TCPAnalysis

/// One direction of a connection rebuilt from a capture and kept whole, so its lines can be
/// decoded over all of it or over its first bytes only (what the receiver acknowledged). The
/// lines are cut by `StreamLineSplitter` and decoded as `RebuiltReading`s, exactly as
/// `tcplab read --readings` shows them.
public struct RebuiltStream: Sendable {
    public private(set) var events: [StreamEvent] = []
    /// Bytes in the stream, those never captured (gaps) included: the sequence space covered.
    public private(set) var byteCount = 0

    public init() {}

    public mutating func append(_ event: StreamEvent) {
        switch event {
        case .data(_, let bytes): byteCount += bytes.count
        case .gap(let count): byteCount += count
        case .end: return
        }
        events.append(event)
    }

    /// The bytes in order, each hole as that many zeros (as other tools lay a stream out).
    public var bytesWithGapsAsZeros: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        for event in events {
            switch event {
            case .data(_, let data): bytes += data
            case .gap(let count): bytes += repeatElement(0, count: count)
            case .end: break
            }
        }
        return bytes
    }

    /// Every line, decoded; with `firstBytes`, only the lines within that many bytes from the
    /// start (a line cut by the limit is partial, so invalid).
    public func lines(firstBytes limit: Int? = nil) -> [RebuiltReading] {
        var splitter = StreamLineSplitter()
        var lines: [StreamLine] = []
        var remaining = limit ?? Int.max
        for event in events where remaining > 0 {
            switch event {
            case .data(let frame, let bytes):
                let kept = bytes.count <= remaining ? bytes : Array(bytes.prefix(remaining))
                remaining -= kept.count
                lines += splitter.consume(.data(frame: frame, bytes: kept)).lines
            case .gap(let count):
                remaining -= count
                lines += splitter.consume(.gap(bytes: count)).lines
            case .end:
                break
            }
        }
        lines += splitter.consume(.end).lines
        return lines.map { RebuiltReading(stream: 0, line: $0) }
    }

    /// The valid readings among `lines(firstBytes:)`.
    public func readings(firstBytes limit: Int? = nil) -> [SensorReading] {
        lines(firstBytes: limit).compactMap { if case .reading(let reading) = $0.outcome { return reading }; return nil }
    }
}

import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns TCP's byte stream back into lines: one `recv` may hold half a reading or three of them.
///
/// - Emits the complete lines of each read together, as one `FramedLines`: a slice of the
///   received bytes, no copy. `FramedLines.forEachLine` gives each line without its terminator
///   (`\n` and one `\r` before it).
/// - Memory stays bounded: a line whose content exceeds `maxLineLength` bytes is thrown away as it
///   arrives (reported as `FramingEvent.lineTooLong`) and framing carries on after its newline.
/// - Bytes left without a newline when the connection ends are reported as
///   `FramingEvent.partialLine`, never dropped silently.
///
/// The two exceptional cases travel as user inbound events, in stream order with the lines (the
/// lines before an over-long one are sent first).
public struct LineFramingDecoder: ByteToMessageDecoder {
    public typealias InboundOut = FramedLines

    public let maxLineLength: Int
    /// Bytes of an over-long line thrown away so far; `nil` while framing normally.
    private var discardedBytes: Int?
    /// Readable bytes already searched for a newline, so a drip-fed line is scanned once, not n² times.
    private var searchedBytes = 0

    public init(maxLineLength: Int = 256) {
        precondition(maxLineLength > 0, "maxLineLength must be positive")
        self.maxLineLength = maxLineLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) -> DecodingState {
        if let discarded = self.discardedBytes {
            guard let newline = Self.indexOfNewline(in: buffer, from: self.searchedBytes) else {
                self.discardedBytes = discarded + buffer.readableBytes
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return .needMoreData
            }
            let lineLength = discarded + Self.contentLength(buffer, from: 0, upTo: newline)
            buffer.moveReaderIndex(forwardBy: newline + 1)
            self.discardedBytes = nil
            context.fireUserInboundEventTriggered(FramingEvent.lineTooLong(length: lineLength, limit: self.maxLineLength))
            return .continue
        }

        // Every complete line from here on, up to the first over-long one.
        let scan = Self.completeLines(in: buffer, from: self.searchedBytes, maxLineLength: self.maxLineLength)
        if scan.end > 0 {
            let lines = buffer.readSlice(length: scan.end)!
            context.fireChannelRead(Self.wrapInboundOut(FramedLines(bytes: lines)))
        }
        if let tooLong = scan.tooLong {
            buffer.moveReaderIndex(forwardBy: tooLong.newline - scan.end + 1)
            self.searchedBytes = 0
            context.fireUserInboundEventTriggered(
                FramingEvent.lineTooLong(length: tooLong.length, limit: self.maxLineLength))
            return .continue
        }
        // What is left has no newline. Content plus a possible `\r` still fits: wait. Beyond that
        // the line is too long already.
        if buffer.readableBytes > self.maxLineLength + 1 {
            self.discardedBytes = buffer.readableBytes
            self.searchedBytes = 0
            buffer.moveReaderIndex(to: buffer.writerIndex)
        } else {
            self.searchedBytes = buffer.readableBytes
        }
        return .needMoreData
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) -> DecodingState {
        while self.decode(context: context, buffer: &buffer) == .continue {}
        if let discarded = self.discardedBytes {
            context.fireUserInboundEventTriggered(FramingEvent.lineTooLong(length: discarded, limit: self.maxLineLength))
        } else if buffer.readableBytes > 0 {
            context.fireUserInboundEventTriggered(FramingEvent.partialLine(buffer.readSlice(length: buffer.readableBytes)!))
        }
        self.discardedBytes = nil
        self.searchedBytes = 0
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }

    /// Where the run of complete lines at the reader index ends (after its last `\n`; 0 for none),
    /// and the first over-long line that stopped it, if one did: its newline's offset and its
    /// length. Offsets are relative to the reader index; the first `searched` bytes hold no newline.
    private static func completeLines(in buffer: ByteBuffer, from searched: Int, maxLineLength: Int)
        -> (end: Int, tooLong: (newline: Int, length: Int)?)
    {
        buffer.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return (0, nil) }
            var end = 0
            var from = searched
            while from < bytes.count, let found = memchr(base + from, 0x0A, bytes.count - from) {
                let newline = base.distance(to: UnsafeRawPointer(found))
                var length = newline - end
                if length > 0, bytes[newline - 1] == 0x0D { length -= 1 }
                if length > maxLineLength { return (end, (newline, length)) }
                end = newline + 1
                from = end
            }
            return (end, nil)
        }
    }

    /// Offset of the first `\n` at or after `start` (relative to the reader index).
    private static func indexOfNewline(in buffer: ByteBuffer, from start: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard start < bytes.count, let base = bytes.baseAddress else { return nil }
            guard let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    /// Length of the line from `start` to the newline at `newline`, without a `\r` right before it.
    private static func contentLength(_ buffer: ByteBuffer, from start: Int, upTo newline: Int) -> Int {
        if newline > start, buffer.getInteger(at: buffer.readerIndex + newline - 1, as: UInt8.self) == 0x0D {
            return newline - start - 1
        }
        return newline - start
    }
}

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
/// - Emits each line's bytes (terminator `\n` and one `\r` before it removed) as a `ByteBuffer`
///   slice of the received bytes: no copy.
/// - Memory stays bounded: a line whose content exceeds `maxLineLength` bytes is thrown away as it
///   arrives (reported as `FramingEvent.lineTooLong`) and framing carries on after its newline.
/// - Bytes left without a newline when the connection ends are reported as
///   `FramingEvent.partialLine`, never dropped silently.
///
/// The two exceptional cases travel as user inbound events so the normal path stays a plain
/// `ByteBuffer` (which NIO passes along without boxing).
public struct LineFramingDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

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
        let newline = Self.indexOfNewline(in: buffer, from: self.searchedBytes)

        if let discarded = self.discardedBytes {
            guard let newline else {
                self.discardedBytes = discarded + buffer.readableBytes
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return .needMoreData
            }
            let lineLength = discarded + Self.contentLength(buffer, upTo: newline)
            buffer.moveReaderIndex(forwardBy: newline + 1)
            self.discardedBytes = nil
            context.fireUserInboundEventTriggered(FramingEvent.lineTooLong(length: lineLength, limit: self.maxLineLength))
            return .continue
        }

        guard let newline else {
            // Content plus a possible `\r` still fits: wait. Beyond that the line is too long already.
            if buffer.readableBytes > self.maxLineLength + 1 {
                self.discardedBytes = buffer.readableBytes
                self.searchedBytes = 0
                buffer.moveReaderIndex(to: buffer.writerIndex)
            } else {
                self.searchedBytes = buffer.readableBytes
            }
            return .needMoreData
        }

        self.searchedBytes = 0
        let length = Self.contentLength(buffer, upTo: newline)
        let line = buffer.getSlice(at: buffer.readerIndex, length: length)!
        buffer.moveReaderIndex(forwardBy: newline + 1)
        if length > self.maxLineLength {
            context.fireUserInboundEventTriggered(FramingEvent.lineTooLong(length: length, limit: self.maxLineLength))
        } else {
            context.fireChannelRead(Self.wrapInboundOut(line))
        }
        return .continue
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

    /// Offset of the first `\n` at or after `start` (relative to the reader index).
    private static func indexOfNewline(in buffer: ByteBuffer, from start: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard start < bytes.count, let base = bytes.baseAddress else { return nil }
            guard let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    /// Length of the line ending at the newline at `newline`, without a `\r` right before it.
    private static func contentLength(_ buffer: ByteBuffer, upTo newline: Int) -> Int {
        if newline > 0, buffer.getInteger(at: buffer.readerIndex + newline - 1, as: UInt8.self) == 0x0D {
            return newline - 1
        }
        return newline
    }
}

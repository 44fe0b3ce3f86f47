import NIOCore

/// The framer's exceptions, sent down the pipeline as user inbound events, in stream order.
public enum FramingEvent: Sendable, Equatable {
    /// A line with more than `limit` bytes of content was thrown away; framing resumed after its
    /// newline. At end of stream `length` counts what had arrived of it.
    case lineTooLong(length: Int, limit: Int)
    /// The connection ended in the middle of a line: these bytes never got their newline.
    case partialLine(ByteBuffer)
}

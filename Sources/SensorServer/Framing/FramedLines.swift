import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The complete lines `LineFramingDecoder` found in one read, in stream order: a slice of the
/// received bytes (no copy) in which every line ends with its `\n` and none is longer than the
/// limit. One message per read, not per line: passing a message down the pipeline cost more than
/// parsing the line it carried.
public struct FramedLines: Sendable {
    /// The lines, each with its terminator.
    public let bytes: ByteBuffer

    init(bytes: ByteBuffer) {
        self.bytes = bytes
    }

    /// Calls `body` with each line's content: its `\n` and one `\r` before it removed. The bytes
    /// are valid only during the call.
    public func forEachLine(_ body: (UnsafeRawBufferPointer) -> Void) {
        self.bytes.withUnsafeReadableBytes { all in
            guard let base = all.baseAddress else { return }
            var start = 0
            while start < all.count, let found = memchr(base + start, 0x0A, all.count - start) {
                let newline = base.distance(to: UnsafeRawPointer(found))
                var end = newline
                if end > start, all[end - 1] == 0x0D { end -= 1 }
                body(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                start = newline + 1
            }
        }
    }
}

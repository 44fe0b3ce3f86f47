import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// How many bytes the kernel has received on a TCP connection (Linux `tcp_info.tcpi_bytes_received`,
/// since 4.1). The shutdown drain compares it with the bytes the server has read, so it knows
/// exactly whether a board's data is still waiting in the socket, however busy the event loop.
enum KernelReceiveCount {
    /// `struct tcp_info` up to and past `tcpi_bytes_received`, which sits at byte 128; the kernel
    /// fills as much as it has and the rest stays 0.
    private struct TCPInfoPrefix {
        var words: (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }

    private static let bytesReceivedOffset = 128

    /// Calls `body` with the count, or with `nil` when it cannot be known (not Linux, not a
    /// socket, e.g. an `EmbeddedChannel`). Call on the channel's event loop.
    static func query(_ channel: Channel, _ body: @escaping (UInt64?) -> Void) {
        #if os(Linux)
        guard let provider = channel as? SocketOptionProvider else { return body(nil) }
        let info: EventLoopFuture<TCPInfoPrefix> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(IPPROTO_TCP), name: SocketOptionName(TCP_INFO))
        info.whenComplete { result in
            guard case .success(let info) = result else { return body(nil) }
            let count = withUnsafeBytes(of: info) { $0.load(fromByteOffset: Self.bytesReceivedOffset, as: UInt64.self) }
            body(count)
        }
        #else
        body(nil)
        #endif
    }
}

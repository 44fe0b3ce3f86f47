import NIOCore
import NIOPosix
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP client on loopback, for end-to-end tests: connect, write, close (politely or not).
struct LoopbackClient {
    let channel: Channel

    /// `source` picks the client's own address (any of 127.0.0.0/8 works on Linux), for tests of
    /// per-address rules; `host` is the server's.
    static func connect(
        port: Int, host: String = "127.0.0.1", from source: String? = nil,
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> LoopbackClient {
        var bootstrap = ClientBootstrap(group: group)
        if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        return LoopbackClient(channel: channel)
    }

    func write(_ text: String) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    /// FIN, as `client.stop()` after the last reading.
    func close() async throws {
        try await self.channel.close().get()
    }

    /// RST: SO_LINGER with a zero timeout makes `close` abort the connection, as a board that
    /// reboots mid-connection (or a crashed program) does.
    func reset() async throws {
        let options = try #require(self.channel as? SocketOptionProvider)
        try await options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        try await self.channel.close().get()
    }
}

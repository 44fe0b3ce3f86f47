import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One TCP connection of a simulated board: connect, write, and the three ways to end it
/// (FIN, RST, or nothing at all).
struct DeviceConnection: Sendable {
    let channel: Channel
    /// What the server has acknowledged of what was written (the honest "sent").
    let acknowledgements: AcknowledgementWatch

    /// How a vanished connection was made silent.
    enum VanishMethod: Sendable {
        /// TCP_REPAIR on, then close: Linux drops the socket without sending anything (the trick
        /// CRIU uses to checkpoint connections); needs CAP_NET_ADMIN. The peer learns only when it
        /// next sends, and gets an RST: the port is no longer known here.
        case repairClose
        /// Kept open and never written again until the run ends (then closed with FIN).
        case parked
    }

    static func open(
        to address: SocketAddress, host: String, port: Int, noDelay: Bool, timeout: Duration, group: EventLoopGroup
    ) async throws(ConnectFailure) -> DeviceConnection {
        let watch = AcknowledgementWatch()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(timeout))
            // The server's FIN reaches AcknowledgementWatch, which takes a last look and closes.
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(watch) }
            }
            // NIO turns TCP_NODELAY on by default; the nagle fault needs it off, so always say which.
            // (.tcpOption, not .socketOption: the latter puts TCP_NODELAY at SOL_SOCKET, where 1 is SO_DEBUG.)
            .channelOption(.tcpOption(.tcp_nodelay), value: noDelay ? 1 : 0)
        do {
            return DeviceConnection(channel: try await bootstrap.connect(to: address).get(), acknowledgements: watch)
        } catch {
            throw Self.describe(error, host: host, port: port, timeout: timeout)
        }
    }

    var isActive: Bool { self.channel.isActive }

    /// `127.0.0.1:40312`: the board's end, as the server and a capture show it.
    var localAddress: String {
        guard let address = self.channel.localAddress, let ip = address.ipAddress, let port = address.port else {
            return "?"
        }
        if case .v6 = address { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }

    func write(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(self.channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Queues a write and flushes it without waiting: a following write becomes a second send()
    /// right behind it. A failure shows up in the next awaited write (the channel closes).
    func writeBackToBack(_ bytes: [UInt8]) {
        self.channel.writeAndFlush(self.channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    /// FIN, as `client.stop()`.
    func close() async {
        try? await self.channel.close().get()
    }

    /// RST: SO_LINGER on with a zero timeout makes close abort the connection.
    func abort() async throws {
        guard let provider = self.channel as? SocketOptionProvider else { throw ChannelError.operationUnsupported }
        try await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        try await self.channel.close().get()
    }

    /// Stops without FIN or RST (see `VanishMethod`).
    func vanish() async -> VanishMethod {
        #if os(Linux)
        let tcpRepair = ChannelOptions.Types.SocketOption(level: .init(IPPROTO_TCP), name: 19)  // TCP_REPAIR
        if (try? await self.channel.setOption(tcpRepair, value: 1).get()) != nil {
            try? await self.channel.close().get()
            return .repairClose
        }
        #endif
        return .parked
    }

    private static func describe(_ error: Error, host: String, port: Int, timeout: Duration) -> ConnectFailure {
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return .timedOut(host: host, port: port, after: timeout)
        }
        if let ioError = error as? IOError {
            switch ioError.errnoCode {
            case ECONNREFUSED: return .refused(host: host, port: port)
            case ETIMEDOUT: return .timedOut(host: host, port: port, after: timeout)
            case ENETUNREACH: return .unreachable(host: host, port: port, detail: "network unreachable")
            case EHOSTUNREACH: return .unreachable(host: host, port: port, detail: "no route to host")
            case EADDRNOTAVAIL: return .badAddress(host: host, port: port, detail: "not a usable address")
            default: return .other(host: host, port: port, detail: "\(ioError)")
            }
        }
        return .other(host: host, port: port, detail: "\(error)")
    }
}

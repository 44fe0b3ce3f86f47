import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import SensorServer

/// The live classroom page of `tcplab serve --web`: an HTTP server (SwiftNIO's HTTP/1.1) on its
/// own event-loop thread, so no number of browsers or requests can take a sensor connection's
/// thread. The server's events reach it only through a `WebFeed` (a bounded queue); the counters
/// are asked of the server once a second.
public final class WebViewServer: Sendable {
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// How often browsers get an update.
        public var tick = TimeAmount.milliseconds(250)
        public var limits = Classroom.Limits()
        /// HTTP connections open at once; more are closed on arrival.
        public var maxConnections = 128
        /// An HTTP connection that sends nothing for this long is closed (not a live stream's).
        public var idleTimeout = TimeAmount.seconds(30)
        /// Browsers following the live stream at once.
        public var maxBrowsers = 32
        /// What NIO may hold for one browser before it counts as not keeping up (its high-water mark).
        public var browserBufferBytes = 256 * 1024
        /// The kernel's send buffer for a browser (SO_SNDBUF; fixed, so it does not grow to megabytes
        /// for a browser that does not read).
        public var browserSocketBufferBytes = 128 * 1024
        /// The segments that carried each reading, when a capture runs beside the server.
        public var packetLinks: PacketLinks?
        /// Shown in the page's title.
        public var title = "tcplab classroom"
        public init() {}
    }

    public let localAddress: SocketAddress
    public var port: Int { self.localAddress.port ?? 0 }
    let room: LiveRoom
    private let group: MultiThreadedEventLoopGroup
    private let listener: Channel
    private let ticker: RepeatedTask
    private let statisticsTask: Task<Void, Never>

    private init(localAddress: SocketAddress, room: LiveRoom, group: MultiThreadedEventLoopGroup, listener: Channel,
                 ticker: RepeatedTask, statisticsTask: Task<Void, Never>) {
        self.localAddress = localAddress
        self.room = room
        self.group = group
        self.listener = listener
        self.ticker = ticker
        self.statisticsTask = statisticsTask
    }

    /// Binds and starts serving. `statistics` is called once a second (off the sensor loops'
    /// hot path: it is the server's own summing of its per-loop counters).
    public static func start(
        options: Options, feed: WebFeed, statistics: @escaping @Sendable () async -> ServerStatistics
    ) async throws -> WebViewServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let room = LiveRoom(feed: feed, limits: options.limits, title: options.title, maxBrowsers: options.maxBrowsers,
                            links: options.packetLinks)
        let open = NIOLockedValueBox(0)
        let maxConnections = options.maxConnections
        let idleTimeout = options.idleTimeout
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let admitted = open.withLockedValue { count in
                    guard count < maxConnections else { return false }
                    count += 1
                    return true
                }
                guard admitted else { return channel.close() }
                channel.closeFuture.whenComplete { _ in open.withLockedValue { $0 -= 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        IdleStateHandler(readTimeout: idleTimeout), name: IdleConnectionCloser.idleHandlerName)
                    try channel.pipeline.syncOperations.addHandler(IdleConnectionCloser(), name: IdleConnectionCloser.name)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(WebRequestHandler(room: room))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // A browser that stops reading makes its connection unwritable past this: it is then
            // skipped (and loses updates), never buffered without bound.
            .childChannelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(options.browserSocketBufferBytes))
            .childChannelOption(
                .writeBufferWaterMark, value: .init(low: options.browserBufferBytes / 4, high: options.browserBufferBytes))
        let listener: Channel
        do {
            listener = try await bootstrap.bind(host: options.host, port: options.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw WebViewError.cannotListen(host: options.host, port: options.port, detail: "\(error)")
        }
        let ticksPerSecond = max(1, Int(1_000_000_000 / max(1, options.tick.nanoseconds)))
        let tickCount = NIOLockedValueBox(0)
        let ticker = group.next().scheduleRepeatedTask(initialDelay: options.tick, delay: options.tick) { _ in
            let count = tickCount.withLockedValue { value in defer { value += 1 }; return value }
            room.tick(forgetOld: count % ticksPerSecond == 0)
        }
        let statisticsTask = Task {
            while !Task.isCancelled {
                room.setStatistics(await statistics())
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return WebViewServer(localAddress: listener.localAddress!, room: room, group: group, listener: listener,
                             ticker: ticker, statisticsTask: statisticsTask)
    }

    /// Browsers following the live stream now.
    public var browsers: Int { self.room.browserCount }

    /// Stops listening, closes every browser's connection and the thread.
    public func shutdown() async {
        self.statisticsTask.cancel()
        self.ticker.cancel()
        try? await self.listener.close()
        try? await self.group.shutdownGracefully()
    }
}

public enum WebViewError: Error, Sendable, CustomStringConvertible {
    case cannotListen(host: String, port: Int, detail: String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let detail): return "cannot serve the web view on \(host):\(port): \(detail)"
        }
    }
}

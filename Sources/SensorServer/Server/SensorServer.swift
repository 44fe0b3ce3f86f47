import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The sensor server: accepts boards, frames and parses their lines, and hands every event to
/// the sinks. Start it with `start`, stop it with `shutdown`, which drains and returns a summary.
///
/// Per connection the pipeline is
/// `IdleStateHandler → ByteCountingHandler → LineFramingDecoder → SensorLineHandler`;
/// an error in one pipeline closes that connection only.
public final class SensorServer: Sendable {
    public let configuration: SensorServerConfiguration
    /// Where the server really listens (the port is filled in when 0 was asked for).
    public let localAddress: SocketAddress

    private let listener: Channel
    private let gate: ConnectionGate
    private let group: EventLoopGroup
    private let ownsGroup: Bool
    private let countersByLoop: [ObjectIdentifier: LoopCounters]
    private let devices: DeviceRegistry
    private let sinks: [any SensorEventSink]
    private let logger: Logger
    private let startedAt: ContinuousClock.Instant
    private let shutdownTask = NIOLockedValueBox<Task<ServerSummary, Never>?>(nil)

    public var port: Int { self.localAddress.port ?? self.configuration.port }

    private init(
        configuration: SensorServerConfiguration, listener: Channel, gate: ConnectionGate, group: EventLoopGroup,
        ownsGroup: Bool, countersByLoop: [ObjectIdentifier: LoopCounters], devices: DeviceRegistry,
        sinks: [any SensorEventSink], logger: Logger
    ) {
        self.configuration = configuration
        self.listener = listener
        self.localAddress = listener.localAddress!
        self.gate = gate
        self.group = group
        self.ownsGroup = ownsGroup
        self.countersByLoop = countersByLoop
        self.devices = devices
        self.sinks = sinks
        self.logger = logger
        self.startedAt = .now
    }

    /// Binds and starts accepting. With no `group`, the server makes one event loop per core and
    /// shuts it down in `shutdown`. `addConnectionHandlers` runs on each accepted connection's
    /// event loop before the server's own handlers go in (e.g. a TCP_INFO sampler).
    public static func start(
        configuration: SensorServerConfiguration = .init(),
        sinks: [any SensorEventSink],
        logger: Logger = Logger(label: "tcplab.sensor-server"),
        group: EventLoopGroup? = nil,
        addConnectionHandlers: (@Sendable (Channel) throws -> Void)? = nil
    ) async throws -> SensorServer {
        let ownsGroup = group == nil
        let group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        var countersByLoop: [ObjectIdentifier: LoopCounters] = [:]
        for loop in group.makeIterator() { countersByLoop[ObjectIdentifier(loop)] = LoopCounters() }
        let counters = countersByLoop
        let devices = DeviceRegistry()
        let listenerLoop = group.next()
        let gate = ConnectionGate(
            configuration: configuration, counters: counters[ObjectIdentifier(listenerLoop)]!,
            sinks: sinks, logger: logger, eventLoop: listenerLoop)

        var bootstrap = ServerBootstrap(group: listenerLoop, childGroup: group)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler())
                    try channel.pipeline.syncOperations.addHandler(gate)
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let loopCounters = counters[ObjectIdentifier(channel.eventLoop)]!
                    let pipeline = channel.pipeline.syncOperations
                    try addConnectionHandlers?(channel)
                    if let idle = configuration.idleTimeout {
                        try pipeline.addHandler(IdleStateHandler(readTimeout: idle))
                    }
                    let byteCounter = ByteCountingHandler(counters: loopCounters)
                    try pipeline.addHandler(byteCounter)
                    try pipeline.addHandler(
                        ByteToMessageHandler(LineFramingDecoder(maxLineLength: configuration.maxLineLength)))
                    try pipeline.addHandler(
                        SensorLineHandler(
                            sinks: sinks, devices: devices, counters: loopCounters, logger: logger,
                            rejectionReports: configuration.reportRate,
                            byteCounter: byteCounter))
                }
            }
            // tcpOption, not socketOption: at SOL_SOCKET level option 1 is SO_DEBUG, which needs
            // CAP_NET_ADMIN, so every connection failed for a server not run as root.
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Fairness: one read of at most 16 KiB per connection per event-loop turn, so a client
            // flooding bytes cannot make a board that sends a line every few seconds wait long.
            .childChannelOption(.maxMessagesPerRead, value: 1)
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 16 * 1024))
        if configuration.keepAlive {
            bootstrap = bootstrap.childChannelOption(.socketOption(.so_keepalive), value: 1)
            #if os(Linux)
            bootstrap = bootstrap
                .childChannelOption(Self.tcpOption(TCP_KEEPIDLE), value: SocketOptionValue(configuration.keepAliveIdle))
                .childChannelOption(
                    Self.tcpOption(TCP_KEEPINTVL), value: SocketOptionValue(configuration.keepAliveInterval))
                .childChannelOption(Self.tcpOption(TCP_KEEPCNT), value: SocketOptionValue(configuration.keepAliveProbes))
            #endif
        }

        let listener: Channel
        do {
            listener = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            if ownsGroup { try? await group.shutdownGracefully() }
            throw Self.describeBindFailure(error, configuration: configuration)
        }
        let server = SensorServer(
            configuration: configuration, listener: listener, gate: gate, group: group, ownsGroup: ownsGroup,
            countersByLoop: counters, devices: devices, sinks: sinks, logger: logger)
        logger.info(
            "listening",
            metadata: ["server.address": "\(server.localAddress)", "server.max-line": "\(configuration.maxLineLength)"])
        return server
    }

    /// The counters right now, added up over the event loops (each loop is asked on its own thread).
    public func statistics() async -> ServerStatistics {
        var total = ServerStatistics()
        for loop in self.group.makeIterator() {
            guard let counters = self.countersByLoop[ObjectIdentifier(loop)] else { continue }
            if let part = try? await loop.submit({ counters.statistics }).get() { total = total + part }
        }
        return total
    }

    /// Stops accepting, lets open connections deliver what they already sent (up to
    /// `drainTimeout`), closes them, finishes every sink (the log is flushed) and returns the
    /// summary. Safe to call more than once: later calls wait for the first and get its summary.
    public func shutdown() async -> ServerSummary {
        let task = self.shutdownTask.withLockedValue { task in
            if let task { return task }
            let newTask = Task { await self.performShutdown() }
            task = newTask
            return newTask
        }
        return await task.value
    }

    private func performShutdown() async -> ServerSummary {
        self.logger.info("shutting down", metadata: ["server.address": "\(self.localAddress)"])
        try? await self.listener.close()
        let gate = self.gate
        let open = (try? await gate.eventLoop.submit { gate.openChannels }.get()) ?? []
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(ServerDrainEvent.drain) }
        let closed = EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: gate.eventLoop)
        let deadline = gate.eventLoop.scheduleTask(in: self.configuration.drainTimeout) {
            for channel in open { channel.close(promise: nil) }
        }
        try? await closed.get()
        deadline.cancel()
        // Closing triggers one last hop to the gate's loop to count the close; let it run.
        _ = try? await gate.eventLoop.submit {}.get()

        for sink in self.sinks {
            do {
                try await sink.finish()
            } catch {
                self.logger.error("a sink failed to finish", metadata: ["error": "\(error)"])
            }
        }
        let summary = ServerSummary(
            statistics: await self.statistics(), devices: self.devices.count,
            uptime: ContinuousClock.now - self.startedAt)
        if self.ownsGroup { try? await self.group.shutdownGracefully() }
        return summary
    }

    // MARK: - Helpers

    private static func tcpOption(_ name: Int32) -> ChannelOptions.Types.SocketOption {
        ChannelOptions.Types.SocketOption(level: SocketOptionLevel(IPPROTO_TCP), name: SocketOptionName(name))
    }

    private static func describeBindFailure(_ error: Error, configuration: SensorServerConfiguration)
        -> SensorServerError
    {
        let host = configuration.host
        let port = configuration.port
        if let ioError = error as? IOError {
            switch ioError.errnoCode {
            case EADDRINUSE: return .portInUse(host: host, port: port)
            case EACCES, EPERM: return .permissionDenied(host: host, port: port)
            case EADDRNOTAVAIL: return .badAddress(host: host, port: port, detail: "not an address of this machine")
            default: return .cannotListen(host: host, port: port, detail: "\(ioError)")
            }
        }
        if error is SocketAddressError {
            return .badAddress(host: host, port: port, detail: "not an IP address or a known host name")
        }
        return .cannotListen(host: host, port: port, detail: "\(error)")
    }
}

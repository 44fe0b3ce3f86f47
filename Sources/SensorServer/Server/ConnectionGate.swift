import Logging
import NIOCore

/// Sits in the listening channel's pipeline and sees every accepted connection before it is set
/// up: counts it, refuses it beyond `maxConnections`, and keeps the open ones for the shutdown
/// drain. Lives on the listening channel's event loop; state is only touched there.
final class ConnectionGate: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    private let maxConnections: Int?
    private let counters: LoopCounters
    private let sinks: [any SensorEventSink]
    private let logger: Logger
    private var open: [ObjectIdentifier: Channel] = [:]
    let eventLoop: EventLoop

    init(
        maxConnections: Int?, counters: LoopCounters, sinks: [any SensorEventSink], logger: Logger,
        eventLoop: EventLoop
    ) {
        self.maxConnections = maxConnections
        self.counters = counters
        self.sinks = sinks
        self.logger = logger
        self.eventLoop = eventLoop
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = Self.unwrapInboundIn(data)
        let peer = child.remoteAddress?.peerDescription ?? "unknown"
        if let limit = self.maxConnections, self.open.count >= limit {
            // The kernel already completed the handshake; all a server can do is close at once.
            self.counters.statistics.connectionsRefused += 1
            self.logger.info("connection refused: limit reached", metadata: ["connection.peer": "\(peer)"])
            for sink in self.sinks { sink.receive(.refused(peer: peer, at: .now(), limit: limit)) }
            child.close(promise: nil)
            return
        }
        let key = ObjectIdentifier(child)
        self.open[key] = child
        self.counters.statistics.connectionsAccepted += 1
        for sink in self.sinks {
            sink.receive(.connected(peer: peer, at: .now(), openConnections: self.open.count))
        }
        child.closeFuture.whenComplete { [self] _ in
            self.eventLoop.execute {
                self.open.removeValue(forKey: key)
                self.counters.statistics.connectionsClosed += 1
            }
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // An accept that failed (e.g. out of file descriptors) must not take the listener down.
        self.logger.warning("accept failed", metadata: ["error": "\(error)"])
    }

    /// The connections open right now. Call on `eventLoop`.
    var openChannels: [Channel] {
        self.eventLoop.preconditionInEventLoop()
        return Array(self.open.values)
    }
}

import Logging
import NIOCore

/// Sits in the listening channel's pipeline and sees every accepted connection before it is set
/// up: checks the allowlist and the limits (whole server, per address), counts it, and keeps the
/// open ones for the shutdown drain. Lives on the listening channel's event loop; state is only
/// touched there.
final class ConnectionGate: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    private let maxConnections: Int?
    private let maxPerAddress: Int?
    private let allowed: [AddressRange]
    private let counters: LoopCounters
    private let sinks: [any SensorEventSink]
    private let logger: Logger
    private var open: [ObjectIdentifier: Channel] = [:]
    private var openPerAddress: [IPAddressBytes: Int] = [:]
    private var reportBudget: ReportBudget
    private var unreportedRefusals = 0
    let eventLoop: EventLoop

    init(
        configuration: SensorServerConfiguration, counters: LoopCounters, sinks: [any SensorEventSink],
        logger: Logger, eventLoop: EventLoop
    ) {
        self.maxConnections = configuration.maxConnections
        self.maxPerAddress = configuration.maxConnectionsPerAddress
        self.allowed = configuration.allowedRanges
        self.reportBudget = ReportBudget(
            burst: configuration.reportRate.burst, perSecond: configuration.reportRate.perSecond)
        self.counters = counters
        self.sinks = sinks
        self.logger = logger
        self.eventLoop = eventLoop
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = Self.unwrapInboundIn(data)
        let peer = child.remoteAddress?.peerDescription ?? "unknown"  // a String per accept; cheap next to it
        // Unix-domain peers have no IP; they are not subject to IP rules.
        let address = child.remoteAddress.flatMap(IPAddressBytes.init(_:)).map { IPAddressBytes(bytes: $0.unmapped) }
        if let refusal = self.refusal(for: address) {
            // The kernel already completed the handshake; all a server can do is close at once.
            self.counters.statistics.refusedByReason[refusal.code, default: 0] += 1
            child.close(promise: nil)
            guard self.reportBudget.take(now: .now()) else {
                self.unreportedRefusals += 1
                return
            }
            self.logger.info(
                "connection refused", metadata: ["connection.peer": "\(peer)", "refusal.reason": "\(refusal.code)"])
            let event = SensorEvent.refused(
                peer: peer, at: .now(), reason: refusal, unreportedBefore: self.unreportedRefusals)
            self.unreportedRefusals = 0
            for sink in self.sinks { sink.receive(event) }
            return
        }
        let key = ObjectIdentifier(child)
        self.open[key] = child
        if let address, self.maxPerAddress != nil { self.openPerAddress[address, default: 0] += 1 }
        self.counters.statistics.connectionsAccepted += 1
        for sink in self.sinks {
            sink.receive(.connected(peer: peer, at: .now(), openConnections: self.open.count))
        }
        child.closeFuture.whenComplete { [self] _ in
            self.eventLoop.execute {
                self.open.removeValue(forKey: key)
                if let address, self.maxPerAddress != nil { self.release(address) }
                self.counters.statistics.connectionsClosed += 1
            }
        }
        context.fireChannelRead(data)
    }

    /// Why a new connection from `address` must be closed, or `nil` to serve it. The allowlist
    /// comes first: a stranger is told it is not allowed, not that the server is full.
    private func refusal(for address: IPAddressBytes?) -> ConnectionRefusal? {
        if !self.allowed.isEmpty, let address, !self.allowed.contains(where: { $0.contains(address) }) {
            return .notAllowed
        }
        if let limit = self.maxConnections, self.open.count >= limit {
            return .serverFull(limit: limit)
        }
        if let limit = self.maxPerAddress, let address, self.openPerAddress[address, default: 0] >= limit {
            return .addressFull(limit: limit)
        }
        return nil
    }

    private func release(_ address: IPAddressBytes) {
        let remaining = self.openPerAddress[address, default: 1] - 1
        self.openPerAddress[address] = remaining > 0 ? remaining : nil  // no entry left per past peer
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

import Logging
import NIOCore
import SensorProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The parsing handler: gives every framed line a number, parses it, names the device (`HELLO`),
/// checks continuity, and tells the sinks. One instance per connection, used on its event loop.
final class SensorLineHandler: ChannelInboundHandler {
    typealias InboundIn = FramedLines

    private let sinks: [any SensorEventSink]
    private let devices: DeviceRegistry
    private let counters: LoopCounters
    private let logger: Logger

    private var peer = "unknown"
    /// The `HELLO` name, else the peer address.
    private var device = "unknown"
    private var deviceRecord: DeviceRecord?
    private var lineNumber = 0
    private var readings = 0
    private var rejected = 0
    /// Rejected lines counted but not reported one by one (over the report budget).
    private var unreported = 0
    private var unreportedAtLastReport = 0
    private var reportBudget: ReportBudget
    private var connectedAt = NIODeadline.now()
    private var closeReason = DisconnectReason.peerClosed
    /// Set by every read; the shutdown drain closes the connection once a check finds it unset.
    private var sawInputSinceCheck = false
    private var draining = false
    /// The connection's byte count, for the drain to compare with the kernel's (see `KernelReceiveCount`).
    private let byteCounter: ByteCountingHandler?

    /// How long a draining connection must stay silent before it counts as fully read.
    /// Long enough for a busy event loop to come round to this connection again.
    static let drainQuietPeriod = TimeAmount.milliseconds(50)

    init(
        sinks: [any SensorEventSink], devices: DeviceRegistry, counters: LoopCounters, logger: Logger,
        rejectionReports: ReportRate = SensorServerConfiguration().reportRate, byteCounter: ByteCountingHandler? = nil
    ) {
        self.byteCounter = byteCounter
        self.reportBudget = ReportBudget(rate: rejectionReports)
        self.sinks = sinks
        self.devices = devices
        self.counters = counters
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        self.peer = context.channel.remoteAddress?.peerDescription ?? "unknown"
        // Until HELLO names it, a board is its address and port. A board that never says HELLO is
        // therefore a new device on every reconnect: its seq continuity is checked per connection
        // only, and the device count counts its connections (the firmware and simulator say HELLO).
        self.device = self.peer
        self.connectedAt = .now()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The lines of one read arrived together: one clock reading stamps them all.
        let now = Timestamp.now()
        let readingsBefore = self.readings
        Self.unwrapInboundIn(data).forEachLine { line in self.handle(line, at: now) }
        self.counters.statistics.readings += self.readings - readingsBefore  // once per read, not per reading
        self.deliver()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.sawInputSinceCheck = true
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let framing as FramingEvent:
            self.lineNumber += 1
            switch framing {
            case .lineTooLong(let length, let limit):
                self.reject(
                    .lineTooLong,
                    message: { "line-too-long: expected at most \(limit) bytes before a newline, "
                        + "found \(length) (thrown away up to the next newline)" })
            case .partialLine(let bytes):
                self.reject(
                    .partialLine,
                    message: {
                        "partial-line: expected a newline before the connection ended, "
                            + "found \(bytes.readableBytes) bytes \(SensorLineParser.quoted(bytes.readableBytesView))"
                    })
            }
            self.deliver()
        case IdleStateHandler.IdleStateEvent.read:
            self.closeReason = .idleTimeout
            self.counters.statistics.idleTimeouts += 1
            context.close(promise: nil)
        case ServerDrainEvent.drain:
            guard !self.draining else { return }
            self.draining = true
            self.sawInputSinceCheck = false
            self.scheduleDrainCheck(context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Only this connection suffers: record why, close it, and let the others carry on.
        if let ioError = error as? IOError, ioError.errnoCode == ECONNRESET || ioError.errnoCode == EPIPE {
            self.closeReason = .reset
        } else if let ioError = error as? IOError {
            // NIO's own text names its internal call ("read(descriptor:pointer:size:)"): say what happened.
            self.closeReason = .error(Self.explain(errno: ioError.errnoCode))
        } else {
            self.closeReason = .error(String(describing: error))
        }
        self.logger.debug(
            "connection error",
            metadata: ["connection.peer": "\(self.peer)", "device.id": "\(self.device)", "error": "\(error)"])
        context.close(promise: nil)
    }

    /// A socket error in a student's words.
    static func explain(errno code: Int32) -> String {
        switch code {
        case ETIMEDOUT:
            return "the board stopped answering: connection timed out (its keep-alive probes or retransmissions went unanswered)"
        case EHOSTUNREACH, ENETUNREACH:
            return "the board can no longer be reached: \(String(cString: strerror(code)))"
        default:
            return "\(String(cString: strerror(code))) (errno \(code))"
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let duration = Duration.nanoseconds((NIODeadline.now() - self.connectedAt).nanoseconds)
        self.emit(
            .disconnected(
                Disconnection(
                    peer: self.peer, device: self.device, at: .now(), duration: duration,
                    readings: self.readings, rejected: self.rejected, unreported: self.unreported,
                    reason: self.closeReason)))
        self.deliver()
        context.fireChannelInactive()
    }

    // MARK: - Lines

    private func handle(_ line: UnsafeRawBufferPointer, at now: Timestamp) {
        self.lineNumber += 1
        // Without detail: a flood of bad lines costs only their reasons; the few that are
        // reported are parsed again with their text (see `reject`).
        let parsed = Result { () throws(SensorParseError) in try SensorLineParser.parseWithoutDetail(line) }
        switch parsed {
        case .success(.reading(let reading)):
            self.accept(reading, at: now)
        case .success(.hello(let name)):
            self.device = name
            self.deviceRecord = self.devices.record(for: name)
            self.emit(.named(peer: self.peer, device: name, line: self.lineNumber, at: .now()))
        case .failure(let error):
            self.reject(.parse(error.reason)) {
                do throws(SensorParseError) {
                    _ = try SensorLineParser.parse(line)
                } catch let full {
                    return full.message
                }
                return error.message  // not reached: both parses apply the same rules
            }
        }
    }

    private func accept(_ reading: SensorReading, at now: Timestamp) {
        self.readings += 1
        if self.deviceRecord == nil { self.deviceRecord = self.devices.record(for: self.device) }
        if let finding = self.deviceRecord?.observe(reading) {
            self.counters.statistics.count(finding)
            self.emit(
                .continuity(
                    ContinuityEvent(
                        received: now, peer: self.peer, device: self.device, line: self.lineNumber, finding: finding)))
        }
        self.emit(
            .reading(
                ReceivedReading(
                    received: now, peer: self.peer, device: self.device, line: self.lineNumber, reading: reading)))
    }

    /// Counts every rejected line; reports it (with its message, built only then) while the
    /// connection's `ReportBudget` allows, and says how many went unreported in between.
    private func reject(_ reason: RejectionReason, message: () -> String) {
        self.rejected += 1
        self.counters.statistics.rejectedByReason[reason, default: 0] += 1
        guard self.reportBudget.take(now: .now()) else {
            self.unreported += 1
            return
        }
        var line = RejectedLine(
            received: .now(), peer: self.peer, device: self.device, line: self.lineNumber, reason: reason,
            message: message())
        line.unreportedBefore = self.unreported - self.unreportedAtLastReport
        self.unreportedAtLastReport = self.unreported
        self.emit(.rejected(line))
    }

    /// Events wait in the loop's list until `deliver`, which every callback that emits calls
    /// before it returns: the sinks get a read's events in one call each.
    private func emit(_ event: consuming SensorEvent) {
        self.counters.events.append(event)
    }

    private func deliver() {
        guard !self.counters.events.isEmpty else { return }
        for sink in self.sinks { sink.receive(contentsOf: self.counters.events) }
        self.counters.events.removeAll(keepingCapacity: true)
    }

    // MARK: - Shutdown drain

    /// Keeps reading until the connection has been quiet for one period and (where the kernel
    /// says) every byte it received has been read, then closes it: what the board already
    /// delivered to our kernel gets processed, even when a busy event loop comes round late, and
    /// nothing waits forever (the server also force-closes at its drain deadline).
    private func scheduleDrainCheck(context: ChannelHandlerContext) {
        context.eventLoop.assumeIsolated().scheduleTask(in: Self.drainQuietPeriod) {
            guard context.channel.isActive else { return }
            if self.sawInputSinceCheck {
                self.sawInputSinceCheck = false
                self.scheduleDrainCheck(context: context)
                return
            }
            guard let counter = self.byteCounter else { return self.closeDrained(context: context) }
            KernelReceiveCount.query(context.channel) { kernelBytes in
                if let kernelBytes, kernelBytes > UInt64(counter.connectionBytes) {
                    self.scheduleDrainCheck(context: context)  // data waits in the socket: keep reading
                } else {
                    self.closeDrained(context: context)
                }
            }
        }
    }

    private func closeDrained(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        self.closeReason = .serverShutdown
        context.close(promise: nil)
    }
}

/// Sent down every open connection's pipeline when the server shuts down.
enum ServerDrainEvent: Sendable {
    case drain
}

extension SocketAddress {
    /// `192.168.1.20:53122`, or `[fe80::1]:53122` for IPv6.
    var peerDescription: String {
        let port = self.port.map(String.init) ?? "?"
        switch self {
        case .v4: return "\(self.ipAddress ?? "?"):\(port)"
        case .v6: return "[\(self.ipAddress ?? "?")]:\(port)"
        case .unixDomainSocket: return self.pathname ?? "unix"
        }
    }
}

import Logging
import NIOCore
import NIOPosix
import SensorProtocol

/// One simulated ESP8266 + DHT11, behaving like the sketch: connect, `HELLO <name>`, a reading
/// per interval while connected, reconnect with backoff when the connection is lost. The
/// sensor is read only while connected, so `seq` counts readings the board tried to send and a
/// gap at the server is a reading written into a dying connection (as in the firmware).
public struct SimulatedDevice: Sendable {
    public let configuration: DeviceConfiguration
    // fileprivate: the run below uses them.
    fileprivate let group: EventLoopGroup
    fileprivate let logger: Logger
    fileprivate let progress: DeviceProgress
    private let events: @Sendable (DeviceEvent) -> Void

    /// The sketch waits for the DHT11 to settle (2 s) before its first reading.
    static let bootMillis: UInt32 = 2000

    public init(
        configuration: DeviceConfiguration, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "tcplab.device"), progress: DeviceProgress = DeviceProgress(),
        events: @escaping @Sendable (DeviceEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.group = group
        var logger = logger
        logger[metadataKey: "device.id"] = "\(configuration.name)"
        self.logger = logger
        self.progress = progress
        self.events = events
    }

    /// Runs until the readings are taken, the device gives up connecting, or the task is
    /// cancelled (Ctrl-C): then held-back readings are written and the connection closed with FIN.
    public func run() async -> DeviceReport {
        var run = DeviceRun(configuration: self.configuration)
        await run.execute(device: self)
        self.progress.update { $0.finished += 1 }
        return run.report
    }

    fileprivate func emit(_ event: DeviceEvent) { self.events(event) }
}

/// The state of one run; a struct so the loop reads top to bottom like the sketch's `loop()`.
private struct DeviceRun {
    let configuration: DeviceConfiguration
    var report = DeviceReport()
    var random: XorShift32
    var sensor: SimulatedDHT11
    var injector: FaultInjector
    let clock = ContinuousClock()
    var bootedAt: ContinuousClock.Instant
    var seq: UInt32 = 0
    var lastMillis: UInt32?
    /// Readings taken over the whole run (the fault injector's ordinal).
    var taken = 0
    var connection: DeviceConnection?
    /// Bytes written into the current connection (HELLO included), and the readings written but
    /// not yet acknowledged by the server, each with the byte count that ends it.
    var written: UInt64 = 0
    var unacknowledged: [(end: UInt64, readings: Int, faultLines: Int)] = []
    /// Vanished connections that could not be dropped silently: kept open, never written again.
    var parked: [DeviceConnection] = []
    var failuresInARow = 0

    init(configuration: DeviceConfiguration) {
        self.configuration = configuration
        var random = XorShift32(seed: configuration.seed)
        self.sensor = SimulatedDHT11(seed: random.nextU32(), samplePeriod: configuration.interval.seconds)
        self.random = random
        self.injector = FaultInjector(
            fault: configuration.fault, every: configuration.faultEvery, pause: configuration.faultPause)
        self.bootedAt = ContinuousClock.now
    }

    var name: String { self.configuration.name }

    var isDone: Bool {
        guard let limit = self.configuration.readings else { return false }
        return self.taken >= limit
    }

    mutating func execute(device: SimulatedDevice) async {
        let configuration = self.configuration
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(configuration.host, port: configuration.port)
        } catch {
            let failure = ConnectFailure.badAddress(
                host: configuration.host, port: configuration.port, detail: "not an IP address or a known host name")
            device.emit(.connectFailed(device: self.name, error: failure, failuresInARow: 1, retryIn: nil))
            self.report.connectFailures += 1
            self.report.errors[self.name] = .gaveUp(attempts: 1, last: failure)
            return
        }

        let schedule = ReadingSchedule(interval: configuration.interval, jitter: configuration.jitter)
        var nextDue = self.clock.now + schedule.firstDelay(using: &self.random)
        while !self.isDone && !Task.isCancelled {
            if self.connection == nil {
                guard await self.connect(to: address, device: device) else { break }
                continue
            }
            guard await self.sleep(until: nextDue) else { break }
            guard let connection = self.connection, connection.isActive else {
                self.report.connectionsLost += 1
                let unacknowledged = await self.settle(final: true, device: device)
                device.emit(.connectionLost(device: self.name, readingsLost: unacknowledged, reason: "closed by the server"))
                await self.dropConnection(device: device)
                continue
            }
            let reading = self.takeReading()
            nextDue = schedule.next(after: nextDue, now: self.clock.now, using: &self.random)
            let plan = self.injector.plan(for: reading, ordinal: self.taken, isLast: self.isDone)
            guard await self.send(plan.writes, over: connection, device: device) else { continue }
            await self.apply(plan.after, to: connection, device: device)
        }

        // Readings coalesce was still holding: written if there is a connection, else lost.
        let heldBack = self.injector.flush()
        if !heldBack.isEmpty {
            if let connection = self.connection {
                _ = await self.send(heldBack, over: connection, device: device)
            } else {
                let lost = heldBack.reduce(0) { $0 + $1.readings }
                self.report.failed += lost
                device.progress.update { $0.failed += lost }
            }
        }
        if let connection = self.connection {
            await self.awaitAcknowledgements(device: device)
            await self.settle(final: true, device: device)
            await connection.close()
            device.progress.update { $0.connected -= 1 }
        }
        for connection in self.parked { await connection.close() }
    }

    // MARK: - What arrived

    /// Readings whose last byte the server acknowledged are "sent". `final`: the connection is
    /// over, so the rest never arrived and count as failed. Returns how many failed. (Where the
    /// kernel cannot say, a reading is counted when written, as before.)
    @discardableResult
    private mutating func settle(final: Bool, device: SimulatedDevice) async -> Int {
        guard AcknowledgementWatch.isAvailable, let connection = self.connection else { return 0 }
        // The watch keeps its count current while bytes wait (every 5 ms); a fresh look, a hop to
        // the channel's event loop, only when the connection ends.
        let acknowledged = final ? await connection.acknowledgements.refresh() : connection.acknowledgements.acknowledged
        var readings = 0, faultLines = 0
        while let first = self.unacknowledged.first, first.end <= acknowledged {
            readings += first.readings
            faultLines += first.faultLines
            self.unacknowledged.removeFirst()
        }
        self.report.sent += readings
        self.report.faultLines += faultLines
        var lost = 0
        if final {
            lost = self.unacknowledged.reduce(0) { $0 + $1.readings + $1.faultLines }
            self.report.failed += lost
            self.unacknowledged = []
        }
        device.progress.update { [lost] in
            $0.sent += readings
            $0.faultLines += faultLines
            $0.failed += lost
        }
        return lost
    }

    /// Before the board itself ends a connection (FIN, RST, silence): give the server up to two
    /// seconds to acknowledge what was written, as the board's `client.flush()` would wait.
    private mutating func awaitAcknowledgements(device: SimulatedDevice) async {
        let deadline = self.clock.now + .seconds(2)
        while !self.unacknowledged.isEmpty, let connection = self.connection, connection.isActive, self.clock.now < deadline {
            await self.settle(final: false, device: device)
            if self.unacknowledged.isEmpty { break }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    // MARK: - Connecting

    /// One connect attempt (plus `HELLO`), or a backoff wait after a failure. False: give up.
    private mutating func connect(to address: SocketAddress, device: SimulatedDevice) async -> Bool {
        let configuration = self.configuration
        do {
            let connection = try await DeviceConnection.open(
                to: address, host: configuration.host, port: configuration.port, noDelay: configuration.noDelay,
                timeout: configuration.connectTimeout, group: device.group)
            self.failuresInARow = 0
            self.report.connections += 1
            let isReconnect = self.report.connections > 1
            if isReconnect { self.report.reconnects += 1 }
            device.progress.update {
                $0.connected += 1
                if isReconnect { $0.reconnects += 1 }
            }
            self.connection = connection
            device.emit(.connected(device: self.name, connection: self.report.connections, local: connection.localAddress))
            device.logger.debug("connected", metadata: ["connection.local": "\(connection.localAddress)"])
            do {
                let hello = Array((SensorLineFormatter.hello(name: self.name) + "\r\n").utf8)
                self.written = 0
                self.unacknowledged = []
                try await connection.write(hello)
                self.written = UInt64(hello.count)
            } catch {
                self.report.connectionsLost += 1
                device.emit(.connectionLost(device: self.name, readingsLost: 0, reason: Self.describe(error)))
                await self.dropConnection(device: device)
            }
            return true
        } catch let failure {
            self.failuresInARow += 1
            self.report.connectFailures += 1
            device.progress.update { $0.connectFailures += 1 }
            let backoff = configuration.reconnect
            guard !failure.isPermanent, backoff.allowsAttempt(afterFailures: self.failuresInARow), !Task.isCancelled
            else {
                device.emit(
                    .connectFailed(device: self.name, error: failure, failuresInARow: self.failuresInARow, retryIn: nil))
                self.report.errors[self.name] = .gaveUp(attempts: self.failuresInARow, last: failure)
                return false
            }
            let delay = backoff.delay(afterFailures: self.failuresInARow, using: &self.random)
            device.emit(
                .connectFailed(device: self.name, error: failure, failuresInARow: self.failuresInARow, retryIn: delay))
            do { try await Task.sleep(for: delay) } catch { return false }
            return true
        }
    }

    private mutating func dropConnection(device: SimulatedDevice) async {
        await self.connection?.close()
        self.connection = nil
        device.progress.update { $0.connected -= 1 }
    }

    // MARK: - Readings

    /// The next reading, as the board would take it now.
    private mutating func takeReading() -> SensorReading {
        self.taken += 1
        let uptime = self.clock.now - self.bootedAt
        var millis = Self.bootMillisPlus(uptime)
        if let last = self.lastMillis, millis <= last { millis = last &+ 1 }
        self.lastMillis = millis
        let sample = self.sensor.read()
        defer { self.seq &+= 1 }
        return SensorReading(seq: self.seq, millis: millis, temperature: sample.temperature, humidity: sample.humidity)
    }

    private static func bootMillisPlus(_ uptime: Duration) -> UInt32 {
        let (seconds, attoseconds) = uptime.components
        let milliseconds = UInt64(max(seconds, 0)) * 1000 + UInt64(max(attoseconds, 0) / 1_000_000_000_000_000)
        return SimulatedDevice.bootMillis &+ UInt32(truncatingIfNeeded: milliseconds)
    }

    /// Writes a reading's writes in order. False when the connection broke (it is then dropped,
    /// and what was not written counts as failed).
    private mutating func send(_ writes: [WireWrite], over connection: DeviceConnection, device: SimulatedDevice) async
        -> Bool
    {
        await self.settle(final: false, device: device)
        for (index, write) in writes.enumerated() {
            if write.pauseBefore > .zero { try? await Task.sleep(for: write.pauseBefore) }
            do {
                if write.backToBack { connection.writeBackToBack(write.bytes) } else { try await connection.write(write.bytes) }
            } catch {
                let lost = writes[index...].reduce(0) { $0 + $1.readings + $1.faultLines }
                self.report.failed += lost
                device.progress.update { $0.failed += lost }
                self.report.connectionsLost += 1
                let unacknowledged = await self.settle(final: true, device: device)
                device.emit(.connectionLost(device: self.name, readingsLost: lost + unacknowledged, reason: Self.describe(error)))
                await self.dropConnection(device: device)
                return false
            }
            self.written += UInt64(write.bytes.count)
            if AcknowledgementWatch.isAvailable {
                // Sent once the server acknowledges its last byte (`settle`), not when written.
                self.unacknowledged.append((self.written, write.readings, write.faultLines))
                connection.acknowledgements.expect(self.written)
            } else {
                self.report.sent += write.readings
                self.report.faultLines += write.faultLines
                device.progress.update {
                    $0.sent += write.readings
                    $0.faultLines += write.faultLines
                }
            }
        }
        return true
    }

    /// Abort, vanish or reboot after a reading; the loop then reconnects.
    private mutating func apply(_ action: ConnectionAction, to connection: DeviceConnection, device: SimulatedDevice)
        async
    {
        let detail: String
        if case .carryOn = action { return }
        // The board ends this connection itself: what the server acknowledged by then was sent.
        await self.awaitAcknowledgements(device: device)
        await self.settle(final: true, device: device)
        switch action {
        case .carryOn:
            return
        case .abort:
            do {
                try await connection.abort()
                detail = "reset the connection (RST) after reading seq \(self.seq &- 1)"
            } catch {
                await connection.close()
                detail = "could not set SO_LINGER (\(error)); closed with FIN instead"
            }
        case .vanish:
            switch await connection.vanish() {
            case .repairClose:
                detail = "dropped the connection silently (TCP_REPAIR) after reading seq \(self.seq &- 1)"
            case .parked:
                self.parked.append(connection)
                detail = "went silent on the connection (kept open, no FIN, no RST) after reading seq \(self.seq &- 1)"
            }
        case .reboot:
            await connection.close()
            detail = "rebooted after reading seq \(self.seq &- 1): seq and millis start again"
            self.seq = 0
            self.lastMillis = nil
            self.bootedAt = self.clock.now
        }
        self.connection = nil
        device.progress.update { $0.connected -= 1 }
        device.emit(.faultApplied(device: self.name, action: action, detail: detail))
    }

    // MARK: - Time

    /// Sleeps until `deadline`; false when the task was cancelled.
    private func sleep(until deadline: ContinuousClock.Instant) async -> Bool {
        if deadline > self.clock.now {
            do { try await Task.sleep(until: deadline, clock: self.clock) } catch { return false }
        } else {
            await Task.yield()
        }
        return !Task.isCancelled
    }

    private static func describe(_ error: Error) -> String {
        if let ioError = error as? IOError {
            switch ioError.errnoCode {
            case ECONNRESET: return "reset by the server"
            case EPIPE: return "the server closed the connection"
            default: return "\(ioError)"
            }
        }
        if let channelError = error as? ChannelError, channelError == .ioOnClosedChannel || channelError == .alreadyClosed {
            return "the connection was already closed"
        }
        return "\(error)"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

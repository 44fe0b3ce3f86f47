import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SensorProtocol
import TCPInfoSampling

/// What a bulk upload is asked to do.
public struct BulkUploadConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 5050
    /// Sent as `HELLO <name>` first, as in normal operation.
    public var name = "sim-1"
    /// Bytes of readings to write; the last reading ends at or just after this many.
    public var bytes = 500_000
    /// Seeds the sensor values, so a run can be repeated.
    public var seed: UInt32 = 1
    public var connectTimeout: Duration = .seconds(3)
    /// How long to wait for the server's FIN after the board's own.
    public var finTimeout: Duration = .seconds(10)
    /// Where to record the kernel's TCP_INFO for the connection (Linux only), and how often.
    public var tcpInfo: TCPInfoRecorder?
    public var tcpInfoInterval: Duration = .milliseconds(10)

    public init() {}
}

/// What one bulk upload did.
public struct BulkUploadReport: Sendable {
    /// Bytes of readings handed to the kernel (HELLO not counted), and how many readings.
    public var bytes = 0
    public var readings = 0
    /// The board's end (`127.0.0.1:40312`).
    public var local = "?"
    /// From the connect to the last byte handed to the kernel (the sender's buffer may still hold
    /// a lot of it then).
    public var writing: Duration = .zero
    /// From the connect to the server's FIN, which it sends after reading everything: the time
    /// the transfer really took.
    public var total: Duration = .zero

    public init() {}

    /// Readings delivered per second over the whole transfer, in bits (TCP/IP headers not counted).
    public var goodputBitsPerSecond: Double {
        let seconds = self.total.seconds
        return seconds > 0 ? Double(self.bytes) * 8 / seconds : 0
    }
}

public enum BulkUploadError: Error, Sendable, CustomStringConvertible {
    case connect(ConnectFailure)
    /// The connection broke before every byte was written.
    case lost(written: Int, detail: String)
    /// Everything was written, but the server did not close its side in time.
    case noFIN(after: Duration)

    public var description: String {
        switch self {
        case .connect(let failure): failure.description
        case .lost(let written, let detail): "the connection broke after \(written) bytes of readings: \(detail)"
        case .noFIN(let after):
            "everything was written, but the server did not close its side within \(after.secondsText) of the board's FIN"
        }
    }
}

/// A board uploading its stored log as fast as TCP allows: connect, `HELLO <name>`, then valid
/// readings back to back until `bytes` are written, then FIN and a wait for the server's FIN.
/// Writes follow the channel's writability (SwiftNIO's backpressure), so at most the channel's
/// high-water mark waits in user space; the kernel's send buffer and the congestion window do
/// the rest. The readings are the log of a board that took one every 2 s (millis climbs by 2000).
public struct BulkUpload: Sendable {
    public let configuration: BulkUploadConfiguration
    private let group: EventLoopGroup
    /// Bytes and readings handed to the channel so far (one run per value).
    private let written = NIOLockedValueBox(BulkWriter.Written())

    /// Bytes of readings written so far, for a progress line (read from any thread).
    public var bytesWritten: Int { self.written.withLockedValue { $0.bytes } }

    public init(configuration: BulkUploadConfiguration, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    public func run() async throws(BulkUploadError) -> BulkUploadReport {
        let configuration = self.configuration
        let address: SocketAddress
        do {
            address = try SocketAddress.makeAddressResolvingHost(configuration.host, port: configuration.port)
        } catch {
            throw .connect(.badAddress(host: configuration.host, port: configuration.port,
                                       detail: "not an IP address or a known host name"))
        }
        let connection: DeviceConnection
        do {
            connection = try await DeviceConnection.open(
                to: address, host: configuration.host, port: configuration.port, noDelay: true,
                timeout: configuration.connectTimeout, group: self.group)
        } catch {
            throw .connect(error)
        }
        let channel = connection.channel
        let started = ContinuousClock.now
        var report = BulkUploadReport()
        report.local = connection.localAddress

        let written = self.written
        do {
            // Ctrl-C (task cancelled) closes the connection; the upload then ends as lost.
            try await withTaskCancellationHandler {
                try await self.upload(over: connection, written: written)
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            await connection.close()
            throw .lost(written: written.withLockedValue { $0.bytes }, detail: Task.isCancelled ? "stopped (Ctrl-C)" : "\(error)")
        }
        report.writing = ContinuousClock.now - started
        (report.bytes, report.readings) = written.withLockedValue { ($0.bytes, $0.readings) }

        // FIN, then wait for the server's: it closes once it has read everything.
        try? await channel.close(mode: .output).get()
        let timedOut = NIOLockedValueBox(false)
        let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.finTimeout)) {
            timedOut.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        timeout.cancel()
        report.total = ContinuousClock.now - started
        if timedOut.withLockedValue({ $0 }) { throw .noFIN(after: configuration.finTimeout) }
        return report
    }

    /// The sampler (if asked for), HELLO, then the readings until the last byte is in the kernel.
    private func upload(over connection: DeviceConnection, written: NIOLockedValueBox<BulkWriter.Written>)
        async throws
    {
        let channel = connection.channel
        let configuration = self.configuration
        if let recorder = configuration.tcpInfo {
            let interval = TimeAmount(configuration.tcpInfoInterval)
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(TCPInfoSampler(recorder: recorder, interval: interval))
            }.get()
        }
        try await connection.write(Array((SensorLineFormatter.hello(name: configuration.name) + "\r\n").utf8))
        let finished = channel.eventLoop.makePromise(of: Void.self)
        try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(
                BulkWriter(lines: BulkReadingLines(seed: configuration.seed), total: configuration.bytes,
                           finished: finished, written: written))
        }.get()
        try await finished.futureResult.get()
    }
}

/// A stored log's readings as lines: seq from 0, millis every 2 s after the boot's 2 s.
struct BulkReadingLines {
    private var sensor: SimulatedDHT11
    private(set) var count = 0

    init(seed: UInt32) {
        self.sensor = SimulatedDHT11(seed: seed, samplePeriod: SimulatedDHT11.minimumSamplePeriod)
    }

    /// Appends the next reading with its `\r\n`; returns its length.
    mutating func append(to buffer: inout ByteBuffer) -> Int {
        let sample = self.sensor.read()
        let seq = UInt32(truncatingIfNeeded: self.count)
        let reading = SensorReading(
            seq: seq, millis: SimulatedDevice.bootMillis &+ seq &* 2000, temperature: sample.temperature,
            humidity: sample.humidity)
        self.count += 1
        return buffer.writeString(SensorLineFormatter.line(for: reading) + "\r\n")
    }
}

/// Writes readings while the channel is writable, continues when it becomes writable again, and
/// completes `finished` when the last byte has been handed to the kernel. Event-loop bound.
final class BulkWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Bytes per write: several TCP segments' worth, well under NIO's 64 KiB high-water mark.
    static let chunk = 16 * 1024

    /// Bytes and readings passed to the channel so far, for the task that waits on `finished`.
    struct Written: Sendable {
        var bytes = 0
        var readings = 0
    }

    private var lines: BulkReadingLines
    private let total: Int
    private let finished: EventLoopPromise<Void>
    private let written: NIOLockedValueBox<Written>
    private var queued = 0
    /// Bytes written per event-loop turn at most (see `pump`).
    static let turnBudget = 256 * 1024
    private var pumping = false
    /// The last write is on its way (it completes `finished`), or the channel closed first.
    private var done = false

    init(lines: BulkReadingLines, total: Int, finished: EventLoopPromise<Void>, written: NIOLockedValueBox<Written>) {
        self.lines = lines
        self.total = total
        self.finished = finished
        self.written = written
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.pump(context: context) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.pump(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The server sends nothing in this protocol; anything it does is ignored.
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !self.done {
            self.done = true
            self.finished.fail(ChannelError.ioOnClosedChannel)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if !self.done {
            self.done = true
            self.finished.fail(error)
        }
        context.close(promise: nil)
    }

    private func pump(context: ChannelHandlerContext) {
        // Flushing can make the channel writable again, which calls back in here: the outer
        // call goes on instead, so the stack does not grow with every chunk.
        guard !self.done, !self.pumping else { return }
        self.pumping = true
        defer { self.pumping = false }
        var budget = Self.turnBudget
        while context.channel.isWritable && self.queued < self.total && budget > 0 {
            var buffer = context.channel.allocator.buffer(capacity: Self.chunk + 64)
            while buffer.readableBytes < Self.chunk && self.queued < self.total {
                self.queued += self.lines.append(to: &buffer)
            }
            budget -= buffer.readableBytes
            let (bytes, readings) = (self.queued, self.lines.count)
            self.written.withLockedValue { $0 = Written(bytes: bytes, readings: readings) }
            if self.queued >= self.total {
                self.done = true
                context.writeAndFlush(self.wrapOutboundOut(buffer), promise: self.finished)
                return
            }
            context.write(self.wrapOutboundOut(buffer), promise: nil)
            if !context.channel.isWritable { context.flush() }
        }
        context.flush()
        if self.total == 0 {
            self.done = true
            self.finished.succeed()
        } else if context.channel.isWritable && self.queued < self.total {
            // Budget spent while the kernel still takes more (a fast path): go on in the next
            // turn of the event loop, so its other tasks (the TCP_INFO sampler) get their turn.
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.execute { bound.value.0.pump(context: bound.value.1) }
        }
    }
}

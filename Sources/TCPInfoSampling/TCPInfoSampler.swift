import KernelTCPInfo
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Put in a connection's pipeline, samples the kernel's TCP_INFO for it every `interval` while
/// it is open (a scheduled task on the channel's own event loop: one getsockopt per interval,
/// nothing on the data path), and once more when the application closes it. Linux only: on
/// other systems it records nothing (`TCPInfoRecorder` cannot be made there).
public final class TCPInfoSampler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny
    public typealias OutboundIn = NIOAny

    private let recorder: TCPInfoRecorder
    private let interval: TimeAmount
    private var task: RepeatedTask?
    private var local = "?"
    private var remote = "?"

    public init(recorder: TCPInfoRecorder, interval: TimeAmount = .milliseconds(10)) {
        self.recorder = recorder
        self.interval = interval
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.start(context: context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.stop()
    }

    public func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        self.stop()
        context.fireChannelInactive()
    }

    /// The last look before the socket goes (a full close) or stops sending (close of output).
    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if context.channel.isActive { self.sample(context.channel) }
        if mode == .all { self.stop() }
        context.close(mode: mode, promise: promise)
    }

    private func start(context: ChannelHandlerContext) {
        guard self.task == nil else { return }
        self.local = Self.describe(context.channel.localAddress)
        self.remote = Self.describe(context.channel.remoteAddress)
        let channel = context.channel
        self.sample(channel)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.task = context.eventLoop.scheduleRepeatedTask(initialDelay: self.interval, delay: self.interval) { _ in
            bound.value.sample(channel)
        }
    }

    private func stop() {
        self.task?.cancel()
        self.task = nil
    }

    private func sample(_ channel: Channel) {
        #if os(Linux)
        guard let provider = channel as? SocketOptionProvider else { return }
        // On the channel's own loop the getsockopt runs at once and the future is already done.
        let future: EventLoopFuture<TCPInfoBuffer> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(IPPROTO_TCP), name: SocketOptionName(TCP_INFO))
        let (recorder, local, remote) = (self.recorder, self.local, self.remote)
        future.whenSuccess { buffer in
            let info = withUnsafeBytes(of: buffer.storage) { KernelTCPInfo(bytes: Array($0)) }
            recorder.record(info, time: TCPInfoRecorder.now(), local: local, remote: remote)
        }
        #endif
    }

    /// `10.50.0.2:40312`, `[fd00::2]:40312`.
    static func describe(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress, let port = address.port else { return "?" }
        if case .v6 = address { return "[\(ip)]:\(port)" }
        return "\(ip):\(port)"
    }
}

/// The kernel's TCP_INFO for a connection, now (Linux; nil elsewhere or when the socket is gone).
/// On the channel's own event loop the getsockopt runs at once and the future is already done.
public func readTCPInfo(_ channel: Channel) -> EventLoopFuture<KernelTCPInfo?> {
    #if os(Linux)
    guard let provider = channel as? SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
    let future: EventLoopFuture<TCPInfoBuffer> = provider.unsafeGetSocketOption(
        level: SocketOptionLevel(IPPROTO_TCP), name: SocketOptionName(TCP_INFO))
    return future.map { buffer in Optional(withUnsafeBytes(of: buffer.storage) { KernelTCPInfo(bytes: Array($0)) }) }
        .recover { _ in nil }
    #else
    return channel.eventLoop.makeSucceededFuture(nil)
    #endif
}

/// 256 zeroed bytes for getsockopt to fill (NIO zeroes the storage before the call).
struct TCPInfoBuffer: Sendable {
    var storage:
        (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

import KernelTCPInfo
import NIOConcurrencyHelpers
import NIOCore
import TCPInfoSampling

/// How many of the board's bytes the server has acknowledged, from the kernel (TCP_INFO's
/// `tcpi_bytes_acked`, Linux): a reading is "sent" once the server acknowledged its last byte,
/// not when `write` returned — a write only hands bytes to the kernel, and those written into a
/// connection that is already dead never arrive (labs 8 and 9).
///
/// It samples every 5 ms while some written bytes wait for their ACK (nothing while all are
/// acknowledged: no cost to an idle board), and once more when the server's FIN or an error ends
/// the connection, while the socket is still open. Elsewhere than on Linux it cannot know (`isAvailable`).
final class AcknowledgementWatch: ChannelInboundHandler, @unchecked Sendable {  // `state` under `lock`; the task on the channel's loop
    typealias InboundIn = NIOAny

    #if os(Linux)
    static let isAvailable = true
    #else
    static let isAvailable = false
    #endif

    private struct State {
        var acknowledged: UInt64 = 0
        var expected: UInt64 = 0
    }
    private let lock = NIOLock()
    private var state = State()
    private var task: RepeatedTask?
    private weak var channel: Channel?

    /// Bytes acknowledged at the last look.
    var acknowledged: UInt64 { lock.withLock { state.acknowledged } }

    func handlerAdded(context: ChannelHandlerContext) { channel = context.channel }

    /// `total` bytes are written so far: watch until they are all acknowledged.
    func expect(_ total: UInt64) {
        lock.withLock { state.expected = max(state.expected, total) }
        guard Self.isAvailable, let channel else { return }
        channel.eventLoop.execute { [self] in
            guard task == nil, channel.isActive else { return }
            task = channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(1), delay: .milliseconds(5)) { [self] _ in
                sample(channel)
            }
        }
    }

    /// Looks now (on the channel's loop) and returns what is known.
    func refresh() async -> UInt64 {
        if Self.isAvailable, let channel, channel.isActive,
           let info = try? await channel.eventLoop.flatSubmit({ readTCPInfo(channel) }).get() {
            record(info.bytesAcked)
        }
        return acknowledged
    }

    /// The server's FIN (the channel allows a half-closure for this): one last look while the
    /// socket is open, then close as NIO would have, so the board notices as before.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            sample(context.channel)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        sample(context.channel)  // the socket is still open here; after this NIO closes it
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        task?.cancel()
        task = nil
        context.fireChannelInactive()
    }

    private func sample(_ channel: Channel) {
        readTCPInfo(channel).whenSuccess { [self] info in
            guard let info else { return }
            record(info.bytesAcked)
        }
    }

    private func record(_ bytes: UInt64) {
        let done = lock.withLock {
            state.acknowledged = max(state.acknowledged, bytes)
            return state.acknowledged >= state.expected
        }
        if done, let channel {
            channel.eventLoop.execute { [self] in
                // An `expect` since may have asked for more: stop only if all is still in.
                guard lock.withLock({ state.acknowledged >= state.expected }) else { return }
                task?.cancel()
                task = nil
            }
        }
    }
}

import NIOCore

/// Counts received bytes for the statistics before the framer sees them (one add per `recv`).
final class ByteCountingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let counters: LoopCounters
    /// This connection's bytes so far (the shutdown drain compares it with the kernel's count).
    private(set) var connectionBytes = 0

    init(counters: LoopCounters) {
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let count = Self.unwrapInboundIn(data).readableBytes
        self.counters.statistics.bytesReceived += count
        self.connectionBytes += count
        context.fireChannelRead(data)
    }
}

import NIOCore

/// Counts received bytes for the statistics before the framer sees them (one add per `recv`).
final class ByteCountingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let counters: LoopCounters

    init(counters: LoopCounters) {
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.counters.statistics.bytesReceived += Self.unwrapInboundIn(data).readableBytes
        context.fireChannelRead(data)
    }
}

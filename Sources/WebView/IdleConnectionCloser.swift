import NIOCore

/// Closes an HTTP connection that sent nothing for the idle timeout, so connections opened and
/// left silent cannot hold the web view's connection slots. Removed (with the idle handler before
/// it) when the connection becomes a live stream, which never sends anything again.
final class IdleConnectionCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    static let idleHandlerName = "web.idle"
    static let name = "web.idle-closer"

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case IdleStateHandler.IdleStateEvent.read = event {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

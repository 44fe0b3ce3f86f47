import NIOCore
import NIOHTTP1
import SensorServer

/// One browser's (or scraper's) HTTP connection: answers GET and HEAD for the page, its script
/// and style, the live stream, the JSON API and the metrics. Read-only: no request changes
/// anything, so every other method is refused (405) and any other path is 404.
final class WebRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let room: LiveRoom
    private var request: HTTPRequestHead?
    /// Set once the connection carries the live stream: it then never gets another response.
    private var streaming = false

    init(room: LiveRoom) {
        self.room = room
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head): self.request = head
        case .body: break  // GET has none; anything else is refused at .end
        case .end:
            guard let head = self.request, !self.streaming else { return }
            self.request = nil
            self.respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard head.method == .GET || head.method == .HEAD else {
            return self.send(status: .methodNotAllowed, type: "text/plain; charset=utf-8",
                             body: "405: this page is read-only; only GET and HEAD are served\n", head: head,
                             context: context, extra: [("Allow", "GET, HEAD")])
        }
        let (path, query) = Self.split(head.uri)
        switch path {
        case "/", "/index.html":
            self.send(type: "text/html; charset=utf-8", body: PageAssets.livePage(title: self.room.title), head: head,
                      context: context, extra: [("Content-Security-Policy", PageAssets.contentSecurityPolicy)])
        case "/app.js": self.send(type: "text/javascript; charset=utf-8", body: PageAssets.script, head: head, context: context)
        case "/app.css": self.send(type: "text/css; charset=utf-8", body: PageAssets.style, head: head, context: context)
        case "/events": self.startStream(head: head, context: context)
        case "/api/boards":
            let body = self.room.read { ClassroomJSON.boards($0.classroom) }
            self.send(type: "application/json", body: body + "\n", head: head, context: context)
        case "/api/readings":
            guard let device = query["device"] else {
                return self.send(status: .badRequest, type: "application/json",
                                 body: "{\"error\":\"name the board: /api/readings?device=NAME\"}\n", head: head, context: context)
            }
            let body: String? = self.room.read { state in
                state.classroom.boards[device] == nil ? nil : ClassroomJSON.readings(of: device, in: state.classroom, links: self.room.links)
            }
            guard let body else {
                return self.send(status: .notFound, type: "application/json",
                                 body: "{\"error\":\"no board named \(ClassroomJSON.string(device).dropFirst().dropLast())\"}\n",
                                 head: head, context: context)
            }
            self.send(type: "application/json", body: body + "\n", head: head, context: context)
        case "/metrics":
            let body = self.room.read { state in
                PrometheusText.metrics(state.statistics ?? ServerStatistics(), classroom: state.classroom,
                                       browsers: state.browsers.count)
            }
            self.send(type: PrometheusText.contentType, body: body, head: head, context: context)
        default:
            self.send(status: .notFound, type: "text/plain; charset=utf-8", body: "404: no such page\n", head: head, context: context)
        }
    }

    /// `GET /events`: Server-Sent Events, a snapshot first, then an update every tick.
    private func startStream(head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard head.method == .GET else {
            return self.send(type: "text/event-stream", body: "", head: head, context: context)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream; charset=utf-8")
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))),
                              promise: nil)
        self.streaming = true
        // A live stream's browser never sends again: silence is normal from here on.
        _ = context.pipeline.syncOperations.removeHandler(name: IdleConnectionCloser.idleHandlerName)
        guard self.room.join(channel) else {
            let buffer = context.channel.allocator.buffer(
                string: "event: full\ndata: {\"browsers\":\(self.room.maxBrowsers)}\n\n")
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            return
        }
    }

    private func send(
        status: HTTPResponseStatus = .ok, type: String, body: String, head: HTTPRequestHead, context: ChannelHandlerContext,
        extra: [(String, String)] = []
    ) {
        let buffer = context.channel.allocator.buffer(string: body)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: String(buffer.readableBytes))
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        for (name, value) in extra { headers.add(name: name, value: value) }
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                      promise: nil)
        if head.method != .HEAD { context.write(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    /// The path and the decoded query parameters of a request target.
    static func split(_ uri: String) -> (path: String, query: [String: String]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = parts.first.flatMap({ percentDecoded($0) }) else { continue }
            guard parts.count > 1 else { query[key] = ""; continue }
            query[key] = percentDecoded(parts[1])  // a broken escape: no value at all
        }
        return (String(uri[..<mark]), query)
    }

    /// `%3Cscript%3E` → `<script>`, `+` → space; nil for a malformed escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

import Foundation
import Logging
import NIOCore
import NIOPosix
import SensorServer
import TestSupport
import Testing

@testable import WebView

/// The web view over real loopback sockets: a real `SensorServer` with the feed as a sink, the
/// HTTP server on its own thread, boards and browsers as plain sockets.
@Suite("WebView server on loopback")
struct WebViewServerTests {
    struct Room {
        let sensor: SensorServer
        let web: WebViewServer

        func stop() async {
            _ = await self.sensor.shutdown()
            await self.web.shutdown()
        }
    }

    static func start(_ configure: (inout WebViewServer.Options) -> Void = { _ in }) async throws -> Room {
        let feed = WebFeed()
        var configuration = SensorServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let sensor = try await SensorServer.start(configuration: configuration, sinks: [feed], logger: Logger(label: "test"))
        var options = WebViewServer.Options()
        options.port = 0
        options.tick = .milliseconds(50)
        configure(&options)
        let web = try await WebViewServer.start(options: options, feed: feed) { await sensor.statistics() }
        return Room(sensor: sensor, web: web)
    }

    static func board(_ name: String, readings: Range<Int>, port: Int) throws {
        let socket = try RawSocket(port: port)
        socket.send("HELLO \(name)\r\n" + readings.map { "\($0),\($0 * 2000),2\($0 % 10).5,4\($0 % 10).0\r\n" }.joined())
    }

    @Test("/api/boards and /api/readings show what boards sent; /metrics counts it")
    func api() async throws {
        let room = try await Self.start()
        do {
            try Self.board("bench-1", readings: 0..<5, port: room.sensor.port)
            try Self.board("bench-2", readings: 0..<3, port: room.sensor.port)
            let seen = await eventually(attempts: 500) {
                let boards = (try? HTTPReply.get("/api/boards", port: room.web.port).json) as? [[String: Any]]
                return boards?.compactMap { $0["readings"] as? Int }.sorted() == [3, 5]
            }
            #expect(seen)
            let boards = try #require(try HTTPReply.get("/api/boards", port: room.web.port).json as? [[String: Any]])
            #expect(boards.map { $0["name"] as? String } == ["bench-1", "bench-2"])
            let last = try #require(boards[0]["last"] as? [String: Any])
            #expect(last["seq"] as? Int == 4 && last["temperature"] as? Double == 24.5)

            let readings = try HTTPReply.get("/api/readings?device=bench-2", port: room.web.port)
            #expect(readings.status == 200 && readings.headers["content-type"] == "application/json")
            let object = try #require(readings.json as? [String: Any])
            #expect(object["device"] as? String == "bench-2")
            #expect(((object["readings"] as? [[String: Any]])?.last?["seq"] as? Int) == 2)
            #expect(try HTTPReply.get("/api/readings?device=nobody", port: room.web.port).status == 404)
            #expect(try HTTPReply.get("/api/readings", port: room.web.port).status == 400)

            #expect(await eventually(attempts: 500) {
                (try? HTTPReply.get("/metrics", port: room.web.port).body.contains("tcplab_readings_total 8\n")) == true
            })
            let metrics = try HTTPReply.get("/metrics", port: room.web.port)
            #expect(metrics.headers["content-type"] == PrometheusText.contentType)
            #expect(metrics.body.contains("# TYPE tcplab_connections_total counter\ntcplab_connections_total 2\n"))
        }
        await room.stop()
    }

    @Test("read-only and nothing else: other methods 405, unknown paths 404, the page with a strict CSP and its own assets")
    func routes() async throws {
        let room = try await Self.start()
        let port = room.web.port
        #expect(try HTTPReply.get("/", port: port, method: "POST").status == 405)
        #expect(try HTTPReply.get("/api/boards", port: port, method: "DELETE").status == 405)
        #expect(try HTTPReply.get("/nope", port: port).status == 404)
        #expect(try HTTPReply.get("/../etc/passwd", port: port).status == 404)
        let page = try HTTPReply.get("/", port: port)
        #expect(page.status == 200)
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(page.body.contains("<script src=\"/app.js\"></script>"))
        #expect(!page.body.contains("http://") && !page.body.contains("https://"), "nothing from the network")
        let script = try HTTPReply.get("/app.js", port: port)
        #expect(script.status == 200 && script.body.contains("EventSource(\"/events\")"))
        #expect(!script.body.contains("innerHTML"), "text goes in as textContent only")
        #expect(try HTTPReply.get("/app.css", port: port).headers["content-type"]?.hasPrefix("text/css") == true)
        let head = try HTTPReply.get("/", port: port, method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty)
        await room.stop()
    }

    @Test("/events: a snapshot first, then updates carrying new readings")
    func eventStream() async throws {
        let room = try await Self.start()
        try Self.board("early", readings: 0..<2, port: room.sensor.port)
        #expect(await eventually(attempts: 500) { room.web.room.read { $0.classroom.boards["early"] != nil } })
        let browser = try RawSocket(port: room.web.port)
        browser.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let start = browser.read { $0.contains("event: snapshot\ndata: ") && $0.contains("\n\n") }
        #expect(start.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(start.contains("content-type: text/event-stream") || start.contains("Content-Type: text/event-stream"))
        #expect(start.contains("\"name\":\"early\""), "late browsers get the history so far")
        try Self.board("late", readings: 0..<3, port: room.sensor.port)
        let more = browser.read { $0.contains("event: update") && $0.contains("\"device\":\"late\"") }
        #expect(more.contains("\"device\":\"late\",\"points\":[["))
        await room.stop()
    }

    @Test("a browser that stops reading is skipped, loses updates, and is told so when it reads again; the readings never wait")
    func stalledBrowser() async throws {
        let room = try await Self.start { options in
            options.tick = .milliseconds(10)
            options.browserBufferBytes = 8 * 1024
            options.browserSocketBufferBytes = 4 * 1024
        }
        let stalled = try RawSocket(port: room.web.port, receiveBuffer: 2048, timeout: 2)
        stalled.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        // Many boards, many readings: updates far bigger than what the kernel and NIO's
        // high-water mark hold for a browser that reads nothing.
        for round in 0..<20 {
            for board in 0..<20 { try Self.board("b\(board)-\(round)", readings: 0..<200, port: room.sensor.port) }
        }
        let all = await eventually(attempts: 1000) { await room.sensor.statistics().readings == 20 * 20 * 200 }
        #expect(all, "every reading reached the server while a browser stalled")
        // Long enough for more updates than the ring keeps (40 at 10 ms): the stalled browser fell behind.
        try await Task.sleep(for: .milliseconds(800))
        let text = stalled.read { $0.contains("event: lost\ndata: {\"lost\":") }
        #expect(text.contains("event: lost\ndata: {\"lost\":"), "told it lost updates")
        #expect(text.range(of: "event: lost")?.lowerBound ?? text.endIndex < (text.range(of: "event: snapshot", options: .backwards)?.lowerBound ?? text.startIndex),
                "and given a fresh snapshot after")
        await room.stop()
    }

    @Test("a connection that says nothing is closed after the idle timeout; a live stream is not")
    func idleConnections() async throws {
        let room = try await Self.start { $0.idleTimeout = .milliseconds(300) }
        let silent = try RawSocket(port: room.web.port, timeout: 2)
        let stream = try RawSocket(port: room.web.port, timeout: 5)
        stream.send("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        _ = stream.read(seconds: 1)
        #expect(silent.read(seconds: 3).isEmpty, "nothing sent to a connection that asked nothing")
        // Closed by now: a request gets no answer (an open connection would answer 404).
        silent.send("GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(!silent.read(seconds: 3).contains("HTTP/1.1"), "the silent connection was closed")
        let later = stream.read { $0.contains("event: update") }
        #expect(later.contains("event: update"), "the stream still flows after the idle timeout")
        await room.stop()
    }

    @Test("a flood of HTTP connections is capped and the boards' readings still all arrive")
    func httpFlood() async throws {
        let room = try await Self.start { $0.maxConnections = 16 }
        var held: [RawSocket] = []
        for _ in 0..<64 { if let socket = try? RawSocket(port: room.web.port, timeout: 1) { held.append(socket) } }
        for index in 0..<10 { try Self.board("f\(index)", readings: 0..<100, port: room.sensor.port) }
        #expect(await eventually(attempts: 1000) { await room.sensor.statistics().readings == 1000 })
        // The connections beyond the cap were closed by the server: reading them ends at once with nothing.
        let closed = held.suffix(32).filter { $0.read().isEmpty }.count
        #expect(closed == 32)
        held.removeAll()
        #expect(await eventually(attempts: 500) { (try? HTTPReply.get("/api/boards", port: room.web.port).status) == 200 })
        await room.stop()
    }
}

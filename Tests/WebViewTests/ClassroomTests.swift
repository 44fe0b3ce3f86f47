import Foundation
import SensorProtocol
import SensorServer
import Testing

@testable import WebView

/// The room's state as the page shows it, built from the server's events.
@Suite("WebView classroom state")
struct ClassroomTests {
    static let hostile = "x<script>alert(1)</script>\"'&\u{2028}"

    static func reading(_ device: String, seq: UInt32, millis: UInt32? = nil, at seconds: Int64 = 1_000,
                        peer: String = "127.0.0.1:40000") -> ReceivedReading {
        ReceivedReading(received: Timestamp(nanosecondsSince1970: seconds * 1_000_000_000), peer: peer, device: device,
                        line: Int(seq) + 2, reading: SensorReading(seq: seq, millis: millis ?? seq * 1000, temperature: 21.5, humidity: 40.2))
    }

    @Test("the feed sums up a read's readings per device and keeps the last few as the plot's points")
    func feedSummarisesReads() {
        let feed = WebFeed()
        // One call is one read of one connection: a HELLO, then readings (the general path) ...
        feed.receive(contentsOf: [.named(peer: "127.0.0.1:40000", device: "a", line: 1, at: .now())]
                     + (0..<12).map { SensorEvent.reading(Self.reading("a", seq: $0)) })
        // ... and a read of readings only (the fast path).
        feed.receive(contentsOf: (0..<20).map { SensorEvent.reading(Self.reading("c", seq: $0)) })
        let (items, dropped) = feed.drain()
        #expect(dropped == 0)
        #expect(items.count == 3)
        guard case .readings(let count, let latest) = items[1] else { Issue.record("no readings item"); return }
        #expect(count == 12 && latest.map(\.reading.seq) == Array(4..<12) && latest.allSatisfy { $0.device == "a" })
        guard case .readings(let flood, let kept) = items.last else { Issue.record("no readings item"); return }
        #expect(flood == 20 && kept.map(\.reading.seq) == Array(12..<20), "a read of readings only: the fast path")
        #expect(feed.drain().items.isEmpty, "drain empties the queue")
    }

    @Test("a feed the web view does not drain drops beyond its capacity and counts what it dropped")
    func feedIsBounded() {
        let feed = WebFeed(capacity: 10)
        for seq in 0..<25 {
            feed.receive(contentsOf: [.reading(Self.reading("d\(seq)", seq: 0))])
        }
        let (items, dropped) = feed.drain()
        #expect(items.count == 10)
        #expect(dropped == 15)
        var classroom = Classroom()
        classroom.apply(items, dropped: dropped)
        #expect(classroom.droppedItems == 15)
    }

    @Test("boards: readings, last reading, gaps, restarts, rejected lines and the connection")
    func boardRows() {
        let feed = WebFeed()
        let t = Timestamp(nanosecondsSince1970: 1_000_000_000_000)
        feed.receive(.connected(peer: "127.0.0.1:40000", at: t, openConnections: 1))
        feed.receive(.named(peer: "127.0.0.1:40000", device: "board", line: 1, at: t))
        feed.receive(contentsOf: [.reading(Self.reading("board", seq: 0)), .reading(Self.reading("board", seq: 1))])
        feed.receive(.continuity(ContinuityEvent(received: t, peer: "127.0.0.1:40000", device: "board", line: 4,
                                                 finding: .gap(expected: 2, received: 5))))
        feed.receive(.reading(Self.reading("board", seq: 5)))
        feed.receive(.continuity(ContinuityEvent(received: t, peer: "127.0.0.1:40000", device: "board", line: 5,
                                                 finding: .restart(previousSeq: 5, previousMillis: 5000, seq: 0, millis: 10))))
        var rejected = RejectedLine(received: t, peer: "127.0.0.1:40000", device: "board", line: 6,
                                    reason: .parse(.fieldCount), message: "bad")
        rejected.unreportedBefore = 2
        feed.receive(.rejected(rejected))
        feed.receive(.disconnected(Disconnection(peer: "127.0.0.1:40000", device: "board", at: t, duration: .seconds(3),
                                                 readings: 3, rejected: 4, reason: .reset)))
        var classroom = Classroom()
        let changes = classroom.apply(feed.drain().items)
        let board = try! #require(classroom.boards["board"])
        #expect(board.readings == 3)
        #expect(board.last?.reading.seq == 5)
        #expect(board.gaps == 1 && board.missingReadings == 3 && board.restarts == 1)
        #expect(board.rejected == 4, "the connection's own total once it ended")
        #expect(!board.connected)
        #expect(board.connectedSince == t)
        #expect(classroom.points(of: "board").map(\.seq) == [0, 1, 5])
        #expect(classroom.markers(of: "board").map(\.kind) == [.gap, .restart])
        #expect(classroom.events.map(\.kind) == ["connect", "hello", "gap", "restart", "reset"])
        #expect(changes.boards == ["board"])
    }

    @Test("history is kept for the window and the point count, and boards beyond the limit are forgotten, disconnected first")
    func bounded() {
        var limits = Classroom.Limits()
        limits.historySeconds = 60
        limits.pointsPerBoard = 100
        limits.boards = 3
        var classroom = Classroom(limits: limits)
        classroom.apply((0..<200).map { .event(.reading(Self.reading("a", seq: UInt32($0), at: 1_000 + Int64($0)))) })
        #expect(classroom.points(of: "a").count == 100)
        classroom.forget(before: Timestamp(nanosecondsSince1970: 1_200 * 1_000_000_000))
        #expect(classroom.points(of: "a").map(\.seq).min() == 140, "only the last 60 s")
        classroom.apply([.event(.disconnected(Disconnection(peer: "127.0.0.1:40000", device: "a", at: .now(), duration: .seconds(1),
                                                             readings: 200, rejected: 0, reason: .peerClosed)))])
        for name in ["b", "c", "d"] { classroom.apply([.event(.reading(Self.reading(name, seq: 0, peer: "127.0.0.1:4\(name.count)")))]) }
        #expect(Set(classroom.boards.keys) == ["b", "c", "d"], "a, disconnected, went first")
        #expect(classroom.points(of: "a").isEmpty)
    }

    @Test("a hostile name is escaped in the JSON (valid, same text back, no '<' left) and in the metrics' labels")
    func hostileNamesAreEscaped() throws {
        var classroom = Classroom()
        classroom.apply([.event(.reading(Self.reading(Self.hostile, seq: 0)))])
        for json in [ClassroomJSON.boards(classroom), ClassroomJSON.readings(of: Self.hostile, in: classroom),
                     ClassroomJSON.snapshot(classroom, statistics: nil, browsers: 0, now: .now(), live: true, title: Self.hostile)] {
            #expect(!json.contains("<") && !json.contains(">") && !json.contains("\u{2028}"), "\(json)")
            #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is NSObject)
        }
        let boards = try #require(try JSONSerialization.jsonObject(with: Data(ClassroomJSON.boards(classroom).utf8)) as? [[String: Any]])
        #expect(boards.first?["name"] as? String == Self.hostile)

        let metrics = PrometheusText.metrics(ServerStatistics(), classroom: classroom, browsers: 0)
        #expect(metrics.contains("tcplab_device_readings_total{device=\"x<script>alert(1)</script>\\\"'&\u{2028}\"} 1"))
        let page = PageAssets.offlinePage(title: Self.hostile, snapshotJSON: "{}")
        #expect(page.contains("<title>x&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
        #expect(!page.contains("<script>alert"))
    }

    @Test("/metrics: a HELP and a TYPE line for every family, samples only of declared families")
    func metricsFormat() {
        var statistics = ServerStatistics()
        statistics.readings = 7
        statistics.rejectedByReason = [.lineTooLong: 2, .parse(.fieldCount): 1]
        statistics.connectionsAccepted = 3
        statistics.connectionsClosed = 1
        var classroom = Classroom()
        classroom.apply([.event(.reading(Self.reading("b1", seq: 0)))])
        let text = PrometheusText.metrics(statistics, classroom: classroom, browsers: 2)
        var declared: Set<String> = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                #expect(["counter", "gauge"].contains(parts[3]))
                #expect(text.contains("# HELP \(parts[2]) "))
                declared.insert(String(parts[2]))
                continue
            }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            #expect(declared.contains(name), "sample before its TYPE: \(line)")
            #expect(Double(line.split(separator: " ").last ?? "") != nil, "\(line)")
        }
        #expect(text.contains("tcplab_readings_total 7\n"))
        #expect(text.contains("tcplab_rejected_lines_total{reason=\"line-too-long\"} 2\n"))
        #expect(text.contains("tcplab_connections_open 2\n"))
        #expect(text.contains("tcplab_connections_total 3\n"))
        #expect(text.contains("tcplab_web_browsers 2\n"))
        #expect(text.contains("tcplab_device_temperature_celsius{device=\"b1\"} 21.5\n"))
    }

    @Test("query strings are decoded: %XX, + as space; a broken escape is no value")
    func queryDecoding() {
        let (path, query) = WebRequestHandler.split("/api/readings?device=a%3Cb%3E+c&x")
        #expect(path == "/api/readings")
        #expect(query["device"] == "a<b> c")
        #expect(query["x"] == "")
        #expect(WebRequestHandler.split("/api/readings?device=%G1").query["device"] == nil)
    }
}

import Foundation
import TestSupport
import Testing

/// `tcplab plot`: the server's log drawn as SVG and as the classroom page, after the class.
@Suite("tcplab plot")
struct PlotCommandTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A CSV log as the server writes it: board-a loses readings 3–4, then reboots; board-b is steady.
    static let csv = """
        received,peer,device,seq,millis,temperature,humidity
        2026-11-24T19:48:40.000Z,192.168.1.20:53122,board-a,0,1000,21.0,40.0
        2026-11-24T19:48:42.000Z,192.168.1.20:53122,board-a,1,3000,21.2,40.5
        2026-11-24T19:48:44.000Z,192.168.1.20:53122,board-a,2,5000,21.4,41.0
        2026-11-24T19:48:50.000Z,192.168.1.20:53130,board-a,5,11000,21.9,41.5
        2026-11-24T19:48:52.000Z,192.168.1.20:53140,board-a,0,900,20.1,45.0
        2026-11-24T19:48:41.000Z,192.168.1.21:40000,board-b,0,1000,23.0,50.0
        2026-11-24T19:48:51.000Z,192.168.1.21:40000,board-b,1,11000,23.5,49.0

        """

    @Test("a CSV log: each board a pair of charts, the gap and the restart marked, the page self-contained")
    func csvLog() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("class.csv")
        try Self.csv.write(to: log, atomically: true, encoding: .utf8)
        let svg = folder.appendingPathComponent("class.svg").path, html = folder.appendingPathComponent("class.html").path
        let result = try TCPLabBinary.run(["plot", log.path, "--svg", svg, "--html", html])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("wrote \(svg) (2 boards, 7 readings)"))

        let picture = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(picture.hasPrefix("<?xml"))
        #expect(picture.components(separatedBy: "<g class=\"board\"").count == 3)
        #expect(picture.contains("board-a<tspan class=\"summary\"> 5 readings, 1 gap (2 lost), 1 restart</tspan>"))
        #expect(picture.components(separatedBy: "class=\"mg\"").count == 2, "one gap line")
        #expect(picture.components(separatedBy: "class=\"mr\"").count == 2, "one restart line")
        #expect(picture.contains("gap: readings 3–4 never arrived (2)"))
        #expect(picture.contains("restart: seq went from 5 back to 0"))
        // The restart breaks the line: a new subpath (M) starts at it, in both charts of board-a.
        let paths = picture.components(separatedBy: "<path d=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(paths.count == 4)
        #expect(paths[0].filter { $0 == "M" }.count == 2 && paths[2].filter { $0 == "M" }.count == 1, "\(paths)")

        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<script type=\"application/json\" id=\"tcplab-snapshot\">"))
        #expect(!page.contains("src=") && !page.contains("href="), "nothing to load: style and script are inline")
        let start = try #require(page.range(of: "id=\"tcplab-snapshot\">")), end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let snapshot = try #require(try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8)) as? [String: Any])
        #expect(snapshot["live"] as? Bool == false)
        let boards = try #require(snapshot["boards"] as? [[String: Any]])
        #expect(boards.map { $0["name"] as? String } == ["board-a", "board-b"])
        #expect(boards[0]["gaps"] as? Int == 1 && boards[0]["restarts"] as? Int == 1 && boards[0]["missing"] as? Int == 2)
    }

    @Test("text from the log is escaped in the picture and the page; a line that is no reading is named by number")
    func hostileAndBrokenLogs() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("evil.jsonl")
        try """
            {"received":"2026-11-24T19:48:47.123Z","peer":"10.0.0.1:1","device":"<script>alert(1)</script>\\"'","seq":0,"millis":5,"temperature":20.5,"humidity":30}

            """.write(to: log, atomically: true, encoding: .utf8)
        let svg = folder.appendingPathComponent("evil.svg").path, html = folder.appendingPathComponent("evil.html").path
        let result = try TCPLabBinary.run(["plot", log.path, "--svg", svg, "--html", html])
        #expect(result.status == 0, "\(result.stderr)")
        let picture = try String(contentsOfFile: svg, encoding: .utf8)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(!picture.contains("<script>") && picture.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"))
        #expect(page.components(separatedBy: "<script").count == 3, "the data block and the page's script, nothing else")
        #expect(page.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\\"'"))

        let broken = folder.appendingPathComponent("broken.csv")
        try (Self.csv + "2026-11-24T19:48:53.000Z,x,board-a,seven,1,2,3\n").write(to: broken, atomically: true, encoding: .utf8)
        let failure = try TCPLabBinary.run(["plot", broken.path])
        #expect(failure.status == 1)
        #expect(failure.stderr.contains("line 9: seq and millis: expected whole numbers, found \"seven\""), "\(failure.stderr)")
        let unknown = try TCPLabBinary.run(["plot", log.path, "--device", "nobody"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no board named nobody"), "\(unknown.stderr)")
    }

    @Test("a real run: serve --log, a board that reboots, then plot finds each restart the server reported")
    func realRun() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("run.jsonl").path
        let server = try ServeProcess(arguments: ["--quiet", "--log", log])
        defer { server.stop() }
        // Readings 10 ms apart: with none, the old connection's last readings and the rebooted
        // board's first ones reach the server on two event loops at once, and the log may hold
        // them interleaved (one more seq drop than the reboots).
        let board = try TCPLabBinary.run(["device", "--port", "\(server.port)", "--readings", "30", "--interval", "0.01",
                                          "--name", "flaky", "--fault", "reboot", "--fault-every", "10", "--quiet"])
        #expect(board.status == 0, "\(board.stderr)")
        let (stdout, _) = server.stop()
        let summary = try TCPLabBinary.run(["plot", log])
        #expect(summary.status == 0, "\(summary.stderr)")
        let restarts = stdout.components(separatedBy: "restart").count - 1
        #expect(restarts >= 1, "the server saw the reboots: \(stdout)")
        #expect(summary.stdout.contains("flaky: 30 readings from "), "\(summary.stdout)")
        #expect(summary.stdout.contains(", 0 gaps (0 readings lost), 2 restarts"), "\(summary.stdout)")
    }
}

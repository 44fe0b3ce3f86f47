import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The live page in a real browser: headless Chromium (Debian's `chromium` and
/// `chromium-driver`, which `make test` installs) loads `tcplab serve --web` while simulated
/// boards send readings. Tests/Browser/check_page.py drives it over WebDriver and reports what
/// the page shows; these tests decide what must hold.
@Suite("tcplab serve --web in Chromium")
struct BrowserTests {
    static let chromium = "/usr/bin/chromium"
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static let available = FileManager.default.isExecutableFile(atPath: chromium) && driver != nil && python != nil
    static let reason: Comment = "needs chromium, chromium-driver and python3 (make test installs them: apt-get install chromium chromium-driver)"

    /// `serve --web 127.0.0.1:0`, and the web view's port from its line on standard error.
    static func serve() throws -> (server: ServeProcess, webPort: Int) {
        let server = try ServeProcess(arguments: ["--quiet", "--web", "127.0.0.1:0"])
        guard server.waitFor({ _, stderr in stderr.contains("web view on http://127.0.0.1:") }),
              let range = server.stderr.range(of: #"web view on http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression),
              let port = Int(server.stderr[range].dropFirst("web view on http://127.0.0.1:".count).dropLast())
        else {
            server.stop()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no web view line"])
        }
        return (server, port)
    }

    static func check(_ url: String, rows: Int, screenshot: String? = nil, open: String? = nil, waitForChange: Bool = true) throws -> [String: Any] {
        var arguments = [repositoryPath("Tests/Browser/check_page.py"), url, "--rows", "\(rows)", "--seconds", "15",
                         "--chromium", chromium, "--chromedriver", driver!]
        if let screenshot { arguments += ["--screenshot", screenshot] }
        if let open { arguments += ["--open", open] }
        if open != nil || !waitForChange { arguments += ["--change-seconds", "0"] }
        let result = try runProcess(URL(fileURLWithPath: python!), arguments, timeout: 90)
        guard result.status == 0, let line = result.stdout.split(separator: "\n").last,
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "check_page.py: \(result.stderr) \(result.stdout)"])
        }
        return object
    }

    static func boards(_ arguments: [String], port: Int) throws -> ChildProcess {
        let device = ChildProcess()
        device.executableURL = TCPLabBinary.url
        device.arguments = ["device", "--port", "\(port)", "--quiet"] + arguments
        device.standardOutput = FileHandle.nullDevice
        device.standardError = FileHandle.nullDevice
        try device.run()
        return device
    }

    @Test("rows appear for every board, the plot moves and the counters count, pushed without a reload",
          .enabled(if: available, reason), .timeLimit(.minutes(2)))
    func liveRowsAndPlot() throws {
        let (server, webPort) = try Self.serve()
        defer { server.stop() }
        let boards = try Self.boards(["--devices", "3", "--readings", "150", "--interval", "0.1", "--name", "class"], port: server.port)
        defer { if boards.isRunning { boards.terminate() }; boards.waitUntilExit() }
        let screenshot = ProcessInfo.processInfo.environment["TCPLAB_SCREENSHOT"]
        let seen = try Self.check("http://127.0.0.1:\(webPort)/", rows: 3, screenshot: screenshot)
        let first = try #require(seen["first"] as? [String: Any])
        let later = try #require(seen["later"] as? [String: Any])
        #expect(first["devices"] as? [String] == ["class-1", "class-2", "class-3"])
        #expect(first["status"] as? String == "Live.")
        #expect(seen["plotChanged"] as? Bool == true, "the temperature line of some board changed: \(seen)")
        #expect(first["scripts"] as? [String] == ["http://127.0.0.1:\(webPort)/app.js"], "one script, tcplab's own")
        let rows = try #require(later["rows"] as? [[String]])
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0[4].contains("°C") && $0[4].contains("seq") }, "a last reading on every row: \(rows)")
        let counters = (later["counters"] as? [String]) ?? []
        #expect(counters.contains { $0.hasSuffix("readings") && $0 != "0readings" }, "\(counters)")
    }

    @Test("a board whose HELLO carries <script>, an onerror handler and quotes runs nothing and breaks nothing",
          .enabled(if: available, reason), .timeLimit(.minutes(2)))
    func hostileHello() throws {
        let (server, webPort) = try Self.serve()
        defer { server.stop() }
        let hostile = "HELLO <script>window.__pwned=true</script><img src=x onerror=\"window.__pwned=true\">\"'\r\n"
        let socket = try Self.connect(port: server.port)
        defer { close(socket) }
        Self.send(hostile + "0,1000,21.5,40.0\r\n1,2000,21.6,40.1\r\n", on: socket)
        let boards = try Self.boards(["--readings", "100", "--interval", "0.1", "--name", "plain"], port: server.port)
        defer { if boards.isRunning { boards.terminate() }; boards.waitUntilExit() }
        let seen = try Self.check("http://127.0.0.1:\(webPort)/", rows: 2)
        let later = try #require(seen["later"] as? [String: Any])
        #expect(later["pwned"] as? Bool == false, "no script from the board ran")
        #expect(seen["alertOpen"] as? Bool == false)
        #expect(later["scripts"] as? [String] == ["http://127.0.0.1:\(webPort)/app.js"], "no script element was added")
        let rows = try #require(later["rows"] as? [[String]])
        // The server refused the name (a HELLO name is A–Z a–z 0–9 _ . -): the board is its
        // address, with the HELLO counted as a rejected line; the other board is unharmed.
        let address = try #require(rows.first { $0[0].hasPrefix("127.0.0.1:") })
        #expect(address[7] == "1", "\(address)")
        #expect(address[3] == "2")
        #expect(rows.contains { $0[0].hasPrefix("plain") }, "\(rows)")
        let api = try runProcess(URL(fileURLWithPath: Self.python!), ["-c",
            "import json,urllib.request; print(len(json.load(urllib.request.urlopen('http://127.0.0.1:\(webPort)/api/boards'))))"])
        #expect(api.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "/api/boards is valid JSON: \(api.stderr)")
    }

    @Test("tcplab plot --html: the same page from a file, offline, with every board's rows and plots",
          .enabled(if: available, reason), .timeLimit(.minutes(2)))
    func offlinePage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        chmod(folder.path, 0o755)  // chromium may run as another user than the test
        let log = folder.appendingPathComponent("class.csv"), page = folder.appendingPathComponent("class.html")
        try PlotCommandTests.csv.write(to: log, atomically: true, encoding: .utf8)
        let plot = try TCPLabBinary.run(["plot", log.path, "--html", page.path])
        #expect(plot.status == 0, "\(plot.stderr)")
        let seen = try Self.check(page.absoluteString, rows: 2, open: "board-a")
        let first = try #require(seen["first"] as? [String: Any])
        #expect(first["devices"] as? [String] == ["board-a", "board-b"])
        #expect((first["status"] as? String)?.hasPrefix("From a log: 2 boards") == true, "\(first)")
        #expect(first["scripts"] as? [String] == ["inline", "inline"], "the data block and the page's script")
        let rows = try #require(first["rows"] as? [[String]])
        #expect(rows[0][5].contains("1 (2 lost)") && rows[0][6].contains("1"), "gaps and restarts of board-a: \(rows[0])")
        let details = try #require(seen["details"] as? [String: Any])
        #expect((details["rows"] as? [[String]])?.count == 5, "board-a's five readings listed: \(details)")
    }

    static func connect(port: Int) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(descriptor); throw POSIXError(.ECONNREFUSED) }
        return descriptor
    }

    static func send(_ text: String, on descriptor: Int32) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}

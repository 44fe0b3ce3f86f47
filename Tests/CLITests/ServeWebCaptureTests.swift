import Foundation
import TestSupport
import Testing

/// `serve --web … --capture lo`: each reading, opened on the page, shows the segments that
/// carried it. Real boards (`tcplab device --fault split / coalesce`), a real capture on loopback.
@Suite("tcplab serve --web --capture")
struct ServeWebCaptureTests {
    static func readings(_ device: String, webPort: Int) throws -> [[String: Any]] {
        let python = BrowserTests.python ?? "/usr/bin/python3"
        let result = try runProcess(URL(fileURLWithPath: python), ["-c",
            "import sys,urllib.request; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:\(webPort)/api/readings?device=\(device)').read().decode())"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["capture"] as? String == "lo")
        return object?["readings"] as? [[String: Any]] ?? []
    }

    @Test("--web with only a port listens on 127.0.0.1; a bad address, and --capture without --web, are refused")
    func webAddress() throws {
        let server = try ServeProcess(arguments: ["--quiet", "--web", "0"])
        #expect(server.waitFor { _, stderr in stderr.contains("tcplab serve: web view on http://127.0.0.1:") }, "\(server.stderr)")
        // Killed, not interrupted: a Ctrl-C in serve's first moments can be lost when the parent
        // blocks SIGINT (as the test runner does), and nothing here needs the summary.
        kill(server.process.processIdentifier, SIGKILL)
        server.stop()
        for (arguments, message) in [(["--web", "nope"], "--web takes [HOST:]PORT"), (["--web", ":80"], "no address before the port"),
                                     (["--web", "70000"], "--web takes [HOST:]PORT"),
                                     (["--capture", "lo"], "--capture shows the segments on the web page: give --web too")] {
            let result = try TCPLabBinary.run(["serve", "--port", "0"] + arguments, timeout: 20)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }

    @Test("a split reading names its two frames, a coalesced one the readings its segment ended; the page lists them",
          .enabled(if: getuid() == 0, "needs root to capture on lo"), .timeLimit(.minutes(2)))
    func segmentsOfReadings() throws {
        let server = try ServeProcess(arguments: ["--quiet", "--web", "127.0.0.1:0", "--capture", "lo"])
        defer { server.stop() }
        #expect(server.waitFor { _, stderr in stderr.contains("web view on http://127.0.0.1:") })
        let range = try #require(server.stderr.range(of: #"web view on http://127\.0\.0\.1:\d+"#, options: .regularExpression))
        let webPort = try #require(Int(server.stderr[range].split(separator: ":").last ?? ""))

        let split = try TCPLabBinary.run(["device", "--port", "\(server.port)", "--name", "splitter", "--fault", "split",
                                          "--readings", "3", "--interval", "0.05", "--quiet"])
        let coalesce = try TCPLabBinary.run(["device", "--port", "\(server.port)", "--name", "joiner", "--fault", "coalesce",
                                             "--fault-every", "3", "--readings", "6", "--interval", "0.05", "--quiet"])
        #expect(split.status == 0 && coalesce.status == 0)

        var splitReadings: [[String: Any]] = []
        for _ in 0..<100 {
            splitReadings = try Self.readings("splitter", webPort: webPort)
            if splitReadings.count == 3 && splitReadings.allSatisfy({ !($0["packets"] is NSNull) }) { break }
            usleep(100_000)
        }
        #expect(splitReadings.count == 3)
        for reading in splitReadings {
            let packets = try #require(reading["packets"] as? [String: Any], "\(reading)")
            #expect((packets["frames"] as? [Int])?.count == 2, "\(packets)")
            #expect(packets["split"] as? Bool == true && packets["coalesced"] as? Bool == false)
            let seq = try #require(packets["seq"] as? Int), next = try #require(packets["next_seq"] as? Int)
            #expect(next > seq && seq > 1, "relative seq past the HELLO line")
        }
        var joined: [[String: Any]] = []
        for _ in 0..<100 {
            joined = try Self.readings("joiner", webPort: webPort)
            if joined.count == 6 && joined.allSatisfy({ !($0["packets"] is NSNull) }) { break }
            usleep(100_000)
        }
        #expect(joined.count == 6, "\(joined)")
        let coalesced = joined.compactMap { $0["packets"] as? [String: Any] }
        #expect(coalesced.count == 6)
        #expect(coalesced.allSatisfy { $0["coalesced"] as? Bool == true && $0["completed_together"] as? Int == 3 }, "\(coalesced)")
        #expect(Set(coalesced.compactMap { ($0["frames"] as? [Int])?.first }).count == 2, "three readings per frame, two frames")

        if BrowserTests.available {
            let seen = try BrowserTests.check("http://127.0.0.1:\(webPort)/", rows: 2, open: "splitter")
            let details = try #require(seen["details"] as? [String: Any])
            #expect(details["heading"] as? String == "Readings of splitter")
            let rows = try #require(details["rows"] as? [[String]])
            #expect(rows.count == 3)
            #expect(rows.allSatisfy { $0.last?.contains("split over 2 segments") == true }, "\(rows)")
        }
    }
}

import Foundation
import KernelTCPInfo
import TestSupport
import Testing

/// `tcplab device --bulk` and the `--tcp-info` files of device and serve: the real binary, on
/// loopback and through a token-bucket bottleneck between network namespaces.
@Suite("tcplab device --bulk")
struct BulkCommandTests {
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-\(name)-\(UUID().uuidString).csv")
    }

    @Test("bad combinations are refused before anything is sent",
          arguments: [(["--bulk", "1k", "--readings", "3"], "leave out --readings"),
                      (["--bulk", "1k", "--interval", "1"], "leave out --interval"),
                      (["--bulk", "1k", "--fault", "garbage"], "do not go together"),
                      (["--bulk", "1k", "--nagle"], "leave out --nagle"),
                      (["--bulk", "lots"], "'lots' is invalid for '--bulk"),
                      (["--bulk", "0"], "at least 1 byte"),
                      (["--tcp-info", "x.csv"], "add --bulk BYTES"),
                      (["--bulk", "1k", "--tcp-info", "x.csv", "--tcp-info-interval", "0"], "1–10000 ms")])
    func validation(arguments: [String], says reason: String) throws {
        let result = try TCPLabBinary.run(["device"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(reason), "\(result.stderr)")
    }

    @Test("sizes as a person types them", arguments: [("500k", 500_000), ("2M", 2_000_000), ("1Mi", 1_048_576),
                                                      ("1.5k", 1500), ("123", 123), ("4Ki", 4096)])
    func sizes(text: String, bytes: Int) throws {
        // Bytes up to the end of the reading that reaches the size: at most one line (< 40 bytes) more.
        let server = try ServeProcess(arguments: ["--quiet"])
        defer { server.stop() }
        let result = try TCPLabBinary.run(["device", "--port", "\(server.port)", "--bulk", text], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let uploaded = result.stdout.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? -1
        #expect(uploaded >= bytes && uploaded < bytes + 40, "\(result.stdout)")
    }

    @Test("against tcplab serve on loopback: every reading arrives, none rejected; both TCP_INFO files parse")
    func againstServe() throws {
        let serverInfo = Self.temporaryFile("serve-tcpinfo"), boardInfo = Self.temporaryFile("device-tcpinfo")
        defer { for file in [serverInfo, boardInfo] { try? FileManager.default.removeItem(at: file) } }
        let server = try ServeProcess(arguments: ["--quiet", "--tcp-info", serverInfo.path])
        defer { server.stop() }
        let result = try TCPLabBinary.run(
            ["device", "--port", "\(server.port)", "--bulk", "400k", "--name", "bulk", "--seed", "2",
             "--tcp-info", boardInfo.path, "--tcp-info-interval", "5"], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let words = result.stdout.split(separator: " ")
        let readings = words.firstIndex(of: "bytes").flatMap { Int(words[$0 + 1].dropFirst()) } ?? -1
        #expect(result.stdout.contains("goodput") && result.stdout.contains("samples every 5 ms in \(boardInfo.path)"))
        #expect(server.waitFor { stdout, _ in stdout.contains("disconnected") })
        let (stdout, _) = server.stop()
        #expect(stdout.contains("\(readings) readings, 0 rejected"), "\(result.stdout)\n\(stdout)")

        let board = try KernelTCPSamples.load(boardInfo.path)
        #expect(!board.isEmpty && board.allSatisfy { $0.cwnd > 0 && $0.srtt > 0 })
        #expect(zip(board, board.dropFirst()).allSatisfy { $0.time < $1.time })
        let serverSide = try KernelTCPSamples.load(serverInfo.path)
        #expect(!serverSide.isEmpty && serverSide.allSatisfy { $0.local == "127.0.0.1:\(server.port)" })
        #expect(Set(serverSide.map(\.remote)) == Set(board.map(\.local)), "the server names the board's end")
        #expect(serverSide.contains { $0.bytesReceived > 0 })
    }

    @Test("through a tbf bottleneck (4 Mbit/s, 12 kB queue) on a router: slow start overflows the queue, the kernel retransmits",
          .enabled(if: isRoot, "needs root to make network namespaces and a tc qdisc"))
    func throughBottleneck() throws {
        let net = try Bottleneck()
        defer { net.remove() }
        let serverInfo = Self.temporaryFile("bottleneck-serve"), boardInfo = Self.temporaryFile("bottleneck-device")
        let serverOut = Self.temporaryFile("bottleneck-serve-out")
        defer { for file in [serverInfo, boardInfo, serverOut] { try? FileManager.default.removeItem(at: file) } }

        _ = FileManager.default.createFile(atPath: serverOut.path, contents: nil)
        let server = ChildProcess()
        server.executableURL = ipCommand
        server.arguments = ["netns", "exec", net.server, TCPLabBinary.url.path, "serve", "--host", "10.57.0.1",
                            "--quiet", "--color", "never", "--tcp-info", serverInfo.path]
        server.standardOutput = try FileHandle(forWritingTo: serverOut)
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            if server.isRunning { server.terminate() }
            server.waitUntilExit()
        }
        var listening = false
        for _ in 0..<500 where !listening {
            listening = ((try? String(contentsOf: serverOut, encoding: .utf8)) ?? "").contains("listening on")
            if !listening { usleep(10_000) }
        }
        try #require(listening, "the server did not start")

        let result = try runProcess(ipCommand, ["netns", "exec", net.board, TCPLabBinary.url.path, "device",
                                                "--host", "10.57.0.1", "--bulk", "300k", "--name", "bulk",
                                                "--seed", "5", "--tcp-info", boardInfo.path], timeout: 60)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        kill(server.processIdentifier, SIGINT)
        for _ in 0..<500 where server.isRunning { usleep(10_000) }
        let served = (try? String(contentsOf: serverOut, encoding: .utf8)) ?? ""
        #expect(served.contains("rejected      0"), "\(served)")

        let board = try KernelTCPSamples.load(boardInfo.path)
        #expect(board.count >= 10)
        #expect(zip(board, board.dropFirst()).allSatisfy { $0.time < $1.time })
        #expect(board.allSatisfy { $0.cwnd > 0 && $0.srtt > 0 })
        // The router's queue overflows in the first slow start: segments are lost and sent again.
        #expect((board.last?.totalRetrans ?? 0) > 0, "no retransmission: \(board.map(\.totalRetrans))")
        #expect(board.contains { $0.ssthresh != nil }, "ssthresh is set by the first loss")
        // The queue delays every segment: the smoothed RTT grows far beyond a veth's few µs.
        #expect((board.map(\.srtt).max() ?? 0) > 2000)
        let serverSide = try KernelTCPSamples.load(serverInfo.path)
        #expect(serverSide.contains { $0.bytesReceived > 0 && $0.remote.hasPrefix("10.57.1.2:") })
    }
}

/// Board — router — server in three network namespaces, with `tc qdisc tbf` on the router's
/// interface towards the server. (On the board's own interface the qdisc would drop inside the
/// board's stack: TCP calls that local congestion and sends again later, with no loss on the wire.)
final class Bottleneck: Sendable {
    let board: String, router: String, server: String

    init(rate: String = "4mbit", burst: String = "8kb", limit: String = "12kb") throws {
        let tag = "tcplab-bulk-\(getpid())-\(String(UInt16.random(in: 0...UInt16.max), radix: 16))"
        (board, router, server) = (tag + "-b", tag + "-r", tag + "-s")
        let veth = "tlbk\(String(UInt32.random(in: 0...0xffffff), radix: 16))"
        do {
            for namespace in [board, router, server] {
                try Self.ip(["netns", "add", namespace])
                try Self.ip(["-n", namespace, "link", "set", "lo", "up"])
            }
            try Self.ip(["link", "add", veth + "b", "netns", board, "type", "veth", "peer", "name", veth + "r", "netns", router])
            try Self.ip(["link", "add", veth + "t", "netns", router, "type", "veth", "peer", "name", veth + "s", "netns", server])
            try Self.ip(["-n", board, "addr", "add", "10.57.1.2/24", "dev", veth + "b"])
            try Self.ip(["-n", router, "addr", "add", "10.57.1.1/24", "dev", veth + "r"])
            try Self.ip(["-n", router, "addr", "add", "10.57.0.254/24", "dev", veth + "t"])
            try Self.ip(["-n", server, "addr", "add", "10.57.0.1/24", "dev", veth + "s"])
            for (namespace, device) in [(board, "b"), (router, "r"), (router, "t"), (server, "s")] {
                try Self.ip(["-n", namespace, "link", "set", veth + device, "up"])
            }
            try Self.ip(["-n", board, "route", "add", "default", "via", "10.57.1.1"])
            try Self.ip(["-n", server, "route", "add", "default", "via", "10.57.0.254"])
            try Self.ip(["netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
            try Self.ip(["netns", "exec", router, "tc", "qdisc", "add", "dev", veth + "t", "root", "tbf",
                         "rate", rate, "burst", burst, "limit", limit])
        } catch {
            self.remove()
            throw error
        }
    }

    /// Deleting the namespaces deletes their veth ends too.
    func remove() {
        for namespace in [board, router, server] { _ = try? runProcess(ipCommand, ["netns", "del", namespace]) }
    }

    private static func ip(_ arguments: [String]) throws {
        let result = try runProcess(ipCommand, arguments, timeout: 10)
        guard result.status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "ip \(arguments.joined(separator: " ")): \(result.stderr)"])
        }
    }
}

import DeviceSimulator
import Foundation
import TestSupport
import Testing

/// `tcplab device` as a student runs it: the real binary, against a real `tcplab serve` on loopback.
@Suite("tcplab device")
struct DeviceCommandTests {
    @Test("--help explains every fault in one sentence")
    func help() throws {
        let result = try TCPLabBinary.run(["device", "--help"])
        #expect(result.status == 0)
        // ArgumentParser wraps the text; compare with the whitespace squeezed out.
        let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for fault in DeviceFault.allCases {
            #expect(help.contains("\(fault.rawValue) \(fault.lesson)"), "lesson of \(fault.rawValue) missing")
        }
        for option in ["--host", "--port", "--devices", "--readings", "--interval", "--jitter", "--name", "--seed",
                       "--fault", "--no-retry"] {
            #expect(help.contains(option))
        }
    }

    @Test("a refused connection is a clear error and exit status 1, at once with --no-retry")
    func refused() throws {
        let port = try freePort()
        let result = try TCPLabBinary.run(["device", "--port", "\(port)", "--no-retry", "--readings", "1"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.stderr.contains("connection refused by 127.0.0.1:\(port)"))
        #expect(result.stderr.contains("tcplab serve"))
        #expect(!result.stderr.contains("retrying"))
        #expect(result.stdout.contains("1 failed connect"))
    }

    @Test("bad combinations are refused before anything is sent",
          arguments: [(["--fault", "reboot", "--fault-every", "1"], "needs --fault-every 2 or more"),
                      (["--name", "two words"], "must be 1–32 characters"),
                      (["--devices", "0"], "--devices must be at least 1"),
                      (["--fault", "sideways"], "'sideways' is invalid for '--fault")])
    func validation(arguments: [String], says reason: String) throws {
        let result = try TCPLabBinary.run(["device"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(reason), "\(result.stderr)")
    }

    /// One case per fault: what the boards do, and what must then be in the server's log.
    struct FaultCase: Sendable, CustomTestStringConvertible {
        var fault: DeviceFault?
        /// The seqs each board's log lines must hold, sorted (connections may be logged interleaved).
        var seqs: [Int]
        /// Lines the server must reject, per board.
        var rejectedPerBoard: Int
        var testDescription: String { self.fault?.rawValue ?? "no fault" }
    }

    static let faultCases: [FaultCase] = [
        FaultCase(fault: nil, seqs: Array(0..<10), rejectedPerBoard: 0),
        FaultCase(fault: .split, seqs: Array(0..<10), rejectedPerBoard: 0),
        FaultCase(fault: .coalesce, seqs: Array(0..<10), rejectedPerBoard: 0),
        FaultCase(fault: .garbage, seqs: Array(0..<10), rejectedPerBoard: 3),
        FaultCase(fault: .longLine, seqs: Array(0..<10), rejectedPerBoard: 3),
        FaultCase(fault: .nan, seqs: [0, 1, 3, 4, 6, 7, 9], rejectedPerBoard: 3),
        FaultCase(fault: .abort, seqs: Array(0..<10), rejectedPerBoard: 0),
        FaultCase(fault: .vanish, seqs: Array(0..<10), rejectedPerBoard: 0),
        FaultCase(fault: .reboot, seqs: [0, 0, 0, 0, 1, 1, 1, 2, 2, 2], rejectedPerBoard: 0),
        FaultCase(fault: .slow, seqs: Array(0..<10), rejectedPerBoard: 0),
        FaultCase(fault: .nagle, seqs: Array(0..<10), rejectedPerBoard: 0),
    ]

    @Test("three boards against tcplab serve: exact readings in the log, exact rejects", arguments: faultCases)
    func againstServe(_ testCase: FaultCase) throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("device-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }
        let server = try ServeProcess(arguments: ["--log", log.path])
        defer { server.stop() }

        var arguments = ["device", "--port", "\(server.port)", "--devices", "3", "--readings", "10", "--interval", "0",
                         "--fault-every", "3", "--fault-pause", "0.001", "--seed", "5", "--name", "sim"]
        if let fault = testCase.fault { arguments += ["--fault", fault.rawValue] }
        let result = try TCPLabBinary.run(arguments, timeout: 60)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("sent \(3 * testCase.seqs.count) readings from 3 boards"))
        #expect(result.stdout.contains("seed        5"))
        if testCase.rejectedPerBoard > 0 {
            #expect(result.stdout.contains(": \(3 * testCase.rejectedPerBoard) invalid lines sent"))
        }

        // The boards are done when their last bytes are in this machine's kernel; stopping the
        // server now would drop connections it has not accepted yet. Wait until it printed them all.
        let expected = 3 * testCase.seqs.count
        #expect(server.waitFor { stdout, _ in stdout.split(separator: "\n").filter { $0.contains(" sim-") && $0.contains(" seq ") && $0.contains("°C") }.count >= expected })
        let (stdout, stderr) = server.stop()
        let lines = try jsonLines(String(contentsOf: log, encoding: .utf8))
        #expect(lines.count == 3 * testCase.seqs.count)
        for board in 1...3 {
            let seqs = lines.filter { $0["device"] as? String == "sim-\(board)" }.compactMap { $0["seq"] as? Int }
            #expect(seqs.sorted() == testCase.seqs, "sim-\(board)")
        }
        let rejected = 3 * testCase.rejectedPerBoard
        #expect(stderr.split(separator: "\n").filter { $0.contains("✗ sim-") }.count == rejected)
        #expect(stdout.contains("rejected      \(rejected)"))
    }

}

extension DeviceCommandTests {
    @Test("off a terminal, progress comes as plain lines (no carriage returns), the summary on stdout")
    func progressWithoutTerminal() throws {
        let server = try ServeProcess(arguments: ["--quiet"])
        defer { server.stop() }
        let result = try TCPLabBinary.run(
            ["device", "--port", "\(server.port)", "--readings", "8", "--interval", "0.3", "--seed", "1"], timeout: 60)
        #expect(result.status == 0)
        let progress = result.stderr.split(separator: "\n").filter { $0.hasPrefix("sent ") && $0.contains(" · failed 0 · connected ") }
        #expect(!progress.isEmpty, "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("\r"))
        #expect(result.stdout.hasPrefix("sent 8 readings from 1 board"))
    }
}

extension DeviceCommandTests {
    @Test("the server works without root: every reading of a board arrives at a server run as nobody",
          .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root to start the server as the unprivileged user 'nobody'"))
    func serverWithoutRoot() throws {
        let server = try ServeProcess(arguments: [], asNobody: true)
        defer { server.stop() }
        let result = try TCPLabBinary.run(
            ["device", "--port", "\(server.port)", "--readings", "3", "--interval", "0", "--name", "plain"], timeout: 60)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(server.waitFor { stdout, _ in stdout.contains("disconnected") })
        let (stdout, _) = server.stop()
        for seq in 0..<3 { #expect(stdout.contains("seq      \(seq) "), "reading \(seq): \(stdout)") }
        #expect(!stdout.contains("running as root"))
    }
}

extension DeviceCommandTests {
    @Test("two runs against one server are two boards, not one board rebooted")
    func runsHaveDistinctNames() throws {
        let server = try ServeProcess(arguments: [])
        defer { server.stop() }
        for _ in 0..<2 {
            let result = try TCPLabBinary.run(["device", "--port", "\(server.port)", "--readings", "2", "--interval", "0"],
                                              timeout: 60)
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(server.waitFor { stdout, _ in stdout.components(separatedBy: "disconnected").count - 1 >= 2 })
        let (stdout, _) = server.stop()
        let names = Set(stdout.split(separator: " ").filter { $0.range(of: #"^sim-[0-9a-f]{4}-1$"#, options: .regularExpression) != nil })
        #expect(names.count == 2, "\(stdout)")
        #expect(stdout.contains("restarts      0"), "\(stdout)")
    }
}

/// A port nothing listens on (bound, then released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// `tcplab serve --port 0` in the background; learns its port from the "listening on" line and
/// keeps reading its output, so a test can wait for what the server has printed.
final class ServeProcess: @unchecked Sendable {
    let process = ChildProcess()
    private(set) var port = 0
    private let out = Pipe(), err = Pipe()
    private let lock = NSLock()
    private var stdoutText = "", stderrText = ""
    private let readers = DispatchGroup()
    private var stopped: (String, String)?

    /// `asNobody` runs the server as the unprivileged user (setpriv execs, so SIGINT reaches it).
    init(arguments: [String], asNobody: Bool = false) throws {
        let serve = ["serve", "--host", "127.0.0.1", "--port", "0", "--color", "never"] + arguments
        if asNobody {
            self.process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            self.process.arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", ReadableInstall.binary.path] + serve
        } else {
            self.process.executableURL = TCPLabBinary.url
            self.process.arguments = serve
        }
        self.process.standardOutput = self.out
        self.process.standardError = self.err
        try self.process.run()
        self.drain(self.out) { self.stdoutText += $0 }
        self.drain(self.err) { self.stderrText += $0 }
        guard self.waitFor({ stdout, _ in stdout.contains("\n") }),
              let range = self.stdout.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression),
              let port = Int(self.stdout[range].split(separator: ":").last ?? "")
        else {
            self.process.terminate()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no listening line: \(self.stdout)"])
        }
        self.port = port
    }

    var stdout: String { self.lock.withLock { self.stdoutText } }
    var stderr: String { self.lock.withLock { self.stderrText } }

    /// Waits (at most `timeout` seconds, checking every 10 ms) until the output so far satisfies `condition`.
    @discardableResult
    func waitFor(timeout: TimeInterval = 20, _ condition: (_ stdout: String, _ stderr: String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if self.lock.withLock({ condition(self.stdoutText, self.stderrText) }) { return true }
            usleep(10_000)
        }
        return self.lock.withLock { condition(self.stdoutText, self.stderrText) }
    }

    /// SIGINT, as Ctrl-C: the server drains, flushes the log and prints its summary.
    @discardableResult
    func stop() -> (stdout: String, stderr: String) {
        if let stopped { return stopped }
        if self.process.isRunning { kill(self.process.processIdentifier, SIGINT) }
        self.process.waitUntilExit()
        self.readers.wait()
        let result = self.lock.withLock { (self.stdoutText, self.stderrText) }
        self.stopped = result
        return result
    }

    private func drain(_ pipe: Pipe, into append: @escaping @Sendable (String) -> Void) {
        self.readers.enter()
        Thread.detachNewThread {
            while true {
                let data = pipe.fileHandleForReading.availableData
                if data.isEmpty { break }
                self.lock.withLock { append(String(decoding: data, as: UTF8.self)) }
            }
            self.readers.leave()
        }
    }
}

@Suite("tcplab device until Ctrl-C")
struct DeviceInterruptTests {
    @Test("--readings 0 runs until SIGINT, then closes cleanly: exit 0 and the server has every reading sent")
    func interrupt() throws {
        let server = try ServeProcess(arguments: ["--quiet"])
        defer { server.stop() }
        let device = ChildProcess()
        device.executableURL = TCPLabBinary.url
        device.arguments = ["device", "--port", "\(server.port)", "--readings", "0", "--interval", "0.01"]
        let out = Pipe(), err = Pipe()
        device.standardOutput = out
        device.standardError = err
        try device.run()
        defer { if device.isRunning { device.terminate() } }
        // Interrupt once the progress line (at most one a second off a terminal) shows readings sent.
        var progress = ""
        let deadline = Date().addingTimeInterval(30)
        func sentSome() -> Bool { progress.range(of: #"sent [1-9][0-9]* · failed 0"#, options: .regularExpression) != nil }
        while !sentSome(), Date() < deadline, device.isRunning {
            progress += String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(device.isRunning && sentSome(), "stderr: \(progress)")
        kill(device.processIdentifier, SIGINT)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        device.waitUntilExit()
        #expect(device.terminationStatus == 0)
        let sent = stdout.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        #expect((sent ?? 0) > 0, "summary: \(stdout)")
        let (serverOut, _) = server.stop()
        #expect(serverOut.contains("readings      \(sent ?? -1)\n"), "server: \(serverOut)")
        #expect(serverOut.contains("restarts      0"))
    }
}

@Suite("tcplab device when the server goes away")
struct DeviceServerGoneTests {
    @Test("a reading counts as sent only once the server acknowledged it: the board's count is the server's")
    func lostConnectionIsSaid() throws {
        let server = try ServeProcess(arguments: [])
        defer { server.stop() }
        let device = ChildProcess()
        device.executableURL = TCPLabBinary.url
        device.arguments = ["device", "--port", "\(server.port)", "--readings", "100", "--interval", "0.1", "--no-retry",
                            "--seed", "3"]
        let out = Pipe()
        device.standardOutput = out
        device.standardError = FileHandle.nullDevice
        try device.run()
        defer { if device.isRunning { device.terminate() } }
        #expect(server.waitFor { stdout, _ in stdout.contains("seq      1") }, "the server shows the first readings")
        let (serverOut, _) = server.stop()
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if device.isRunning { device.terminate() } }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        device.waitUntilExit()
        #expect(stdout.contains("lost        1 connection broke"), "summary: \(stdout)")
        #expect(stdout.contains("never acknowledged count as failed"))
        // The readings the server took are those the board calls sent; one written after the
        // server had gone, if any, is failed, not sent. (Sent means acknowledged by the server's
        // TCP: a reading its kernel took but the server, stopping, never read would be one more.)
        let received = serverOut.components(separatedBy: "readings      ").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
        let sent = stdout.split(separator: "\n").first.flatMap { Int($0.split(separator: " ")[1]) }
        #expect(received != nil && sent != nil && (received!...received! + 1).contains(sent!), "board: \(stdout)\nserver: \(serverOut)")
    }
}

@Suite("tcplab device --fault vanish, with and without CAP_NET_ADMIN")
struct DeviceVanishTests {
    static let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")

    static func vanish(asNobody: Bool) throws -> TCPLabBinary.Result {
        let server = try ServeProcess(arguments: ["--quiet"])
        defer { server.stop() }
        let device = ["device", "--port", "\(server.port)", "--readings", "4", "--interval", "0", "--fault", "vanish",
                      "--fault-every", "2", "--verbose", "--seed", "1"]
        if asNobody {
            return try runProcess(Self.setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups",
                                                 ReadableInstall.binary.path] + device)
        }
        return try TCPLabBinary.run(device)
    }

    @Test("as root: the socket is dropped with TCP_REPAIR, no packet at all",
          .enabled(if: isRoot, "needs CAP_NET_ADMIN for TCP_REPAIR (run `sudo make test`)"))
    func repair() throws {
        let result = try Self.vanish(asNobody: false)
        #expect(result.status == 0)
        #expect(result.stderr.contains("dropped the connection silently (TCP_REPAIR) after reading seq 1"))
    }

    @Test("without the capability: the connection is kept open and silent instead",
          .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                   "needs root and setpriv to run the board as nobody"))
    func parked() throws {
        let result = try Self.vanish(asNobody: true)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("went silent on the connection (kept open, no FIN, no RST) after reading seq 1"))
        #expect(result.stdout.contains("sent 4 readings"))
    }
}

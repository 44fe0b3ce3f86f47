import DeviceSimulator
import Foundation
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
          arguments: [["--fault", "reboot", "--fault-every", "1"], ["--name", "two words"], ["--devices", "0"],
                      ["--fault", "sideways"]])
    func validation(arguments: [String]) throws {
        let result = try TCPLabBinary.run(["device"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains("Error"))
    }

    @Test("three boards with garbage against tcplab serve: every reading in the log, every invalid line rejected")
    func againstServe() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("device-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }
        let server = try ServeProcess(arguments: ["--log", log.path])
        defer { server.stop() }

        let result = try TCPLabBinary.run(
            ["device", "--port", "\(server.port)", "--devices", "3", "--readings", "10", "--interval", "0",
             "--fault", "garbage", "--fault-every", "2", "--seed", "5"], timeout: 60)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("sent 30 readings from 3 boards"))
        #expect(result.stdout.contains("garbage: 15 invalid lines sent"))
        #expect(result.stdout.contains("seed        5"))

        let (stdout, stderr) = server.stop()
        let lines = try jsonLines(String(contentsOf: log, encoding: .utf8))
        #expect(lines.count == 30)
        for board in 1...3 {
            #expect(lines.filter { $0["device"] as? String == "sim-\(board)" }.compactMap { $0["seq"] as? Int }
                == Array(0..<10))
        }
        #expect(stderr.split(separator: "\n").filter { $0.contains("✗ sim-") }.count == 15)
        #expect(stdout.contains("rejected      15"))
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

/// `tcplab serve --port 0` in the background; learns its port from the "listening on" line.
final class ServeProcess {
    let process = Process()
    let port: Int
    private let out = Pipe(), err = Pipe()
    private var stopped: (String, String)?

    init(arguments: [String]) throws {
        self.process.executableURL = TCPLabBinary.url
        self.process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0", "--color", "never"] + arguments
        self.process.standardOutput = self.out
        self.process.standardError = self.err
        try self.process.run()
        var banner = ""
        let deadline = Date().addingTimeInterval(20)
        while !banner.contains("\n"), Date() < deadline, self.process.isRunning {
            banner += String(decoding: self.out.fileHandleForReading.availableData, as: UTF8.self)
        }
        guard let range = banner.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression),
              let port = Int(banner[range].split(separator: ":").last ?? "")
        else {
            self.process.terminate()
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no listening line: \(banner)"])
        }
        self.port = port
    }

    /// SIGINT, as Ctrl-C: the server drains, flushes the log and prints its summary.
    @discardableResult
    func stop() -> (stdout: String, stderr: String) {
        if let stopped { return stopped }
        if self.process.isRunning { kill(self.process.processIdentifier, SIGINT) }
        let stdout = String(decoding: self.out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: self.err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        self.process.waitUntilExit()
        self.stopped = (stdout, stderr)
        return (stdout, stderr)
    }
}

@Suite("tcplab device until Ctrl-C")
struct DeviceInterruptTests {
    @Test("--readings 0 runs until SIGINT, then closes cleanly: exit 0 and the server has every reading sent")
    func interrupt() throws {
        let server = try ServeProcess(arguments: ["--quiet"])
        defer { server.stop() }
        let device = Process()
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

import Foundation
import TestSupport
import Testing

/// The firmware's own core (firmware/host: virtual-nodemcu) against the real `tcplab serve`:
/// board and server must agree on every byte, so every reading the board writes is logged.
@Suite("Firmware core against tcplab serve")
struct VirtualNodeMCUTests {
    static let firmware = repositoryRoot.appendingPathComponent("firmware")
    static let binary = firmware.appendingPathComponent("build/virtual-nodemcu")
    static let haveCompiler = FileManager.default.isExecutableFile(atPath: "/usr/bin/g++")

    /// `make test` builds it first (firmware tests); build it here when run on its own.
    func buildVirtualBoard() throws {
        if FileManager.default.isExecutableFile(atPath: Self.binary.path) { return }
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/make"), ["-C", Self.firmware.path, "host"], timeout: 300)
        #expect(result.status == 0, "make -C firmware host: \(result.stderr)")
    }

    @Test("every reading of virtual-nodemcu is logged by tcplab serve, under the board's name",
          .enabled(if: haveCompiler, "needs g++ to build firmware/build/virtual-nodemcu"))
    func everyReadingArrives() throws {
        try buildVirtualBoard()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-vn-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: log) }
        let server = try ServeProcess(arguments: ["--log", log.path])
        defer { server.stop() }
        let board = try runProcess(Self.binary, ["--host", "127.0.0.1", "--port", "\(server.port)", "--readings", "12",
                                                 "--interval-ms", "20", "--allow-fast", "--name", "vn-test", "--seed", "7"],
                                   timeout: 60)
        #expect(board.status == 0, "virtual-nodemcu: \(board.stderr)")
        #expect(server.waitFor { stdout, _ in stdout.contains("disconnected") })
        let (stdout, stderr) = server.stop()
        #expect(!stderr.contains("rejected"), "the server rejected a line: \(stderr)")
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        let records = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(records.compactMap { $0["seq"] as? Int } == Array(0..<12))
        #expect(records.allSatisfy { $0["device"] as? String == "vn-test" })
        #expect(stdout.contains("12 readings, 0 rejected"))
    }
}

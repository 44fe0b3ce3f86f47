import Foundation
import TestSupport
import Testing

/// `serve --log`: a file that cannot be a log stops the start; a write that fails later is said
/// at once, counted, and makes the exit status 1.
@Suite("tcplab serve --log failures")
struct ServeLogTests {
    @Test("a log that cannot be opened or written fails at start with exit 1 and the reason",
          arguments: [("/nonexistent-folder/readings.csv", "the folder /nonexistent-folder does not exist"),
                      // Root may open it (and the write would fail); anyone else is refused at open.
                      ("/proc/version", isRoot ? "a file of the kernel's /proc or /sys" : "Permission denied"),
                      ("/tmp", "Is a directory")])
    func unusableLogFailsAtStart(path: String, reason: String) throws {
        let result = try TCPLabBinary.run(["serve", "--port", "0", "--log", path], timeout: 20)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("--log: cannot open \(path) for writing: \(reason)"), "\(result.stderr)")
        #expect(!result.stdout.contains("listening"))
    }

    @Test("a write that fails during the run is reported before Ctrl-C, counted, and exits 1")
    func writeFailureIsReportedAtOnce() throws {
        // A JSON-lines log (no header to write at start) that is really /dev/full: every write fails.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("readings.jsonl")
        try FileManager.default.createSymbolicLink(atPath: log.path, withDestinationPath: "/dev/full")

        let server = try ServeProcess(arguments: ["--log", log.path])
        defer { server.stop() }
        let board = try TCPLabBinary.run(["device", "--port", "\(server.port)", "--readings", "3", "--interval", "0"])
        #expect(board.status == 0)
        // Said while the server still runs, not first at Ctrl-C.
        #expect(server.waitFor { _, stderr in stderr.contains("ERROR: writing \(log.path) failed: No space left on device") })
        let (stdout, stderr) = server.stop()
        #expect(server.process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("3 readings NOT written to \(log.path)"), "\(stderr)")
        #expect(!stderr.contains("a sink failed"), "no second, swift-log report of the same failure")
        #expect(stdout.contains("readings      3"), "the readings were still printed: \(stdout)")
    }
}

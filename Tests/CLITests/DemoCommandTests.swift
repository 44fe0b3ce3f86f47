import Foundation
import TestSupport
import Testing

/// `tcplab demo`: the one command a class starts with. It must finish by itself, in order, and
/// still teach something without capture rights.
@Suite("Command line: tcplab demo", .serialized)
struct DemoCommandTests {
    func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // World-writable: the unprivileged run writes here too.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
        return folder
    }

    /// A port unlikely to be in use; the demo takes a free one if it is.
    var port: String { String(20000 + Int(getpid() % 20000)) }

    @Test("live: packets, server lines and ladder in that order, demo.pcap and demo.html written",
          .enabled(if: isRoot, "live capture needs root (or the capture capabilities)"))
    func liveDemo() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try TCPLabBinary.run(["demo", "--output", folder.path, "--port", port, "--color", "never"], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        let packets = try #require(out.range(of: "1. The packets"))
        let server = try #require(out.range(of: "2. The server's lines"))
        let ladder = try #require(out.range(of: "3. The ladder"))
        #expect(packets.lowerBound < server.lowerBound && server.lowerBound < ladder.lowerBound)
        // The handshake, annotated, before the server's lines.
        let packetPart = out[packets.upperBound..<server.lowerBound]
        for step in ["Handshake 1/3 (SYN)", "Handshake 2/3 (SYN-ACK)", "Handshake 3/3 (ACK)"] {
            #expect(packetPart.contains(step))
        }
        // Every reading the board sent reached the server.
        let serverPart = out[server.upperBound..<ladder.lowerBound]
        for seq in 0..<5 { #expect(serverPart.contains("seq      \(seq) "), "reading \(seq)") }
        #expect(out[ladder.upperBound...].contains("last ACK"))
        // The files are real: demo.pcap reads back with the same packets, demo.html is the ladder page.
        let pcap = folder.appendingPathComponent("demo.pcap").path
        let reread = try TCPLabBinary.run(["read", pcap, "--format", "json"])
        #expect(reread.status == 0)
        #expect(reread.stdout.contains("\"handshake\":\"syn-ack\""))
        let html = try String(contentsOfFile: folder.appendingPathComponent("demo.html").path, encoding: .utf8)
        #expect(html.contains("<svg"))
        #expect(!html.contains("http://") && !html.contains("https://"))
    }

    @Test("without capture rights: says how to get them, still runs, walks through the committed capture",
          .enabled(if: isRoot && FileManager.default.fileExists(atPath: "/usr/sbin/runuser"),
                   "needs root to run the binary as the unprivileged user 'nobody'"))
    func demoWithoutCaptureRights() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runProcess(URL(fileURLWithPath: "/usr/sbin/runuser"),
                                    ["-u", "nobody", "--", ReadableInstall.binary.path, "demo", "--output", folder.path,
                                     "--port", port, "--color", "never"], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("No live capture"))
        #expect(result.stdout.contains("setcap cap_net_raw,cap_net_admin=eip"))
        #expect(result.stdout.contains("labs/captures/handshake.pcap"))
        #expect(result.stdout.contains("Handshake 3/3 (ACK)"))
        #expect(result.stdout.contains("seq      4 "), "the server still got the board's readings")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("demo.html").path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("demo.pcap").path))
    }

    @Test("with sudo: opens the capture, then runs as the invoking user; its files are that user's",
          .enabled(if: isRoot, "needs root to act as sudo would (SUDO_UID/SUDO_GID of 'nobody')"))
    func demoWithSudoDropsToTheInvokingUser() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let nobody = try #require(getpwnam("nobody")).pointee
        let process = ChildProcess()
        process.executableURL = ReadableInstall.binary
        process.arguments = ["demo", "--output", folder.path, "--port", port, "--color", "never"]
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUDO_") }
        environment["SUDO_UID"] = String(nobody.pw_uid)
        environment["SUDO_GID"] = String(nobody.pw_gid)
        process.environment = environment
        let output = folder.appendingPathComponent("stdout.txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let stdout = try String(contentsOfFile: output.path, encoding: .utf8)
        #expect(process.terminationStatus == 0, "\(stdout)")
        #expect(stdout.contains("now running as user nobody"))
        #expect(stdout.contains("Handshake 3/3 (ACK)"), "the live capture still works after the drop")
        let pcap = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("demo.pcap").path)
        #expect((pcap[.ownerAccountID] as? NSNumber)?.uint32Value == nobody.pw_uid, "demo.pcap belongs to the invoking user")
        let html = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("demo.html").path)
        #expect((html[.ownerAccountID] as? NSNumber)?.uint32Value == nobody.pw_uid)
    }
}

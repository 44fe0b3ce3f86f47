import Foundation
import TestSupport
import Testing

/// `tcplab capture` gives root up once its handle is open. Each case captures a real handshake on
/// the loopback of a network namespace the test makes, writing `-w` into a world-writable
/// directory, and checks whom the file belongs to and what stderr says. Needs root.
@Suite("Capture: least privilege", .serialized)
struct PrivilegeDropTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Extra arguments and environment (SUDO_* are always removed first).
        var arguments: [String]
        var environment: [String: String]
        /// Whom the written file must belong to, and what stderr must say.
        var owner: uid_t
        var message: String
        var testDescription: String { name }
    }

    static let nobody: (uid: uid_t, gid: gid_t) = {
        guard let entry = getpwnam("nobody") else { return (65534, 65534) }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }()

    static let cases: [Case] = [
        Case(name: "started with sudo: becomes SUDO_UID/SUDO_GID", arguments: [],
             environment: ["SUDO_UID": "\(nobody.uid)", "SUDO_GID": "\(nobody.gid)", "SUDO_USER": "nobody"],
             owner: nobody.uid, message: "now running as user nobody (uid \(nobody.uid), gid \(nobody.gid))"),
        Case(name: "--user nobody: becomes nobody", arguments: ["--user", "nobody"], environment: [:],
             owner: nobody.uid, message: "now running as user nobody"),
        Case(name: "root without sudo or --user: stays root and says so", arguments: [], environment: [:],
             owner: 0, message: "running as root (not started with sudo, no --user)"),
    ]

    @Test("capture drops privileges before writing its file",
          .enabled(if: isRoot && getpwnam("nobody") != nil,
                   "needs root (network namespace, capture, changing user) and a 'nobody' account"),
          .timeLimit(.minutes(1)), arguments: cases)
    func dropsPrivileges(_ testCase: Case) throws {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUDO_") }
        environment.merge(testCase.environment) { $1 }
        try captureHandshake(command: [ReadableInstall.binary.path], extraArguments: testCase.arguments,
                             environment: environment, owner: testCase.owner, message: testCase.message)
    }

    /// The way to capture without sudo at all: a copy of the binary given the capabilities by
    /// setcap, run by an ordinary user. It gives them up once the handle is open.
    @Test("a setcap binary run by an ordinary user gives its capabilities up",
          .enabled(if: isRoot && getpwnam("nobody") != nil
                   && FileManager.default.isExecutableFile(atPath: "/usr/sbin/setcap")
                   && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
                   "needs root, 'nobody', setcap (libcap2-bin) and runuser"),
          .timeLimit(.minutes(1)))
    func setcapBinaryGivesUpCapabilities() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-setcap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        chmod(directory.path, 0o755)
        let binary = directory.appendingPathComponent("tcplab").path
        try FileManager.default.copyItem(atPath: TCPLabBinary.url.path, toPath: binary)
        let setcap = try runProcess(URL(fileURLWithPath: "/usr/sbin/setcap"), ["cap_net_raw,cap_net_admin=eip", binary])
        try #require(setcap.status == 0, "setcap failed (a filesystem without extended attributes?): \(setcap.stderr)")
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SUDO_") }
        try captureHandshake(command: ["/usr/sbin/runuser", "-u", "nobody", "--", binary], extraArguments: [],
                             environment: environment, owner: Self.nobody.uid,
                             message: "capabilities (cap_net_raw, cap_net_admin) given up")
    }

    /// Runs `command capture -i lo -c 3 -w DIR/lab.pcap` in a fresh network namespace while a
    /// handshake happens there; checks stderr, the file's owner, and that the file reads back.
    private func captureHandshake(command: [String], extraArguments: [String], environment: [String: String],
                                  owner: uid_t, message expected: String) throws {
        let namespace = "tcplab-priv-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        _ = try runProcess(ipCommand, ["netns", "add", namespace])
        defer { _ = try? runProcess(ipCommand, ["netns", "del", namespace]) }
        _ = try runProcess(ipCommand, ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"])

        // World-writable (and sticky, like /tmp) so the dropped user may create the file in it.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-priv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        chmod(directory.path, 0o1777)
        let output = directory.appendingPathComponent("lab.pcap").path

        let capture = ChildProcess()
        capture.executableURL = ipCommand
        capture.arguments = ["netns", "exec", namespace] + command
            + ["capture", "-i", "lo", "-c", "3", "--format", "json", "-w", output] + extraArguments
        capture.environment = environment
        let out = Pipe(), err = Pipe()
        capture.standardOutput = out
        capture.standardError = err
        try capture.run()
        defer { if capture.isRunning { capture.terminate() } }

        var stderr = Data()
        let deadline = Date().addingTimeInterval(20)
        while !String(decoding: stderr, as: UTF8.self).contains("capturing on"), Date() < deadline, capture.isRunning {
            stderr.append(err.fileHandleForReading.availableData)
        }
        // Every thread of the process, not just the one that called setuid, runs as the new user
        // (`ip netns exec` execs tcplab in place, so this is tcplab's pid). An async main once left
        // the main thread root while the workers dropped.
        if command == [ReadableInstall.binary.path] {
            let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(capture.processIdentifier)/task")
            #expect(!tasks.isEmpty)
            for task in tasks {
                let status = try String(contentsOfFile: "/proc/\(capture.processIdentifier)/task/\(task)/status", encoding: .utf8)
                let uids = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?
                    .split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().compactMap { UInt32($0) }
                #expect(uids == [owner, owner, owner, owner], "thread \(task): \(uids ?? [])")
            }
        }
        let client = """
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 5050)); s.listen(1)
            c = socket.create_connection(("127.0.0.1", 5050), timeout=5)
            peer, _ = s.accept(); c.close(); peer.close()
            """
        let traffic = try runProcess(ipCommand, ["netns", "exec", namespace, "python3", "-c", client], timeout: 20)
        #expect(traffic.status == 0, "traffic generator failed: \(traffic.stderr)")

        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        capture.waitUntilExit()
        stderr.append(err.fileHandleForReading.readDataToEndOfFile())
        let message = String(decoding: stderr, as: UTF8.self)
        #expect(capture.terminationStatus == 0, "stderr: \(message)")
        #expect(message.contains(expected), "stderr: \(message)")
        #expect(try jsonLines(String(decoding: stdout, as: UTF8.self)).count == 3)

        let attributes = try FileManager.default.attributesOfItem(atPath: output)
        #expect((attributes[.ownerAccountID] as? NSNumber)?.uint32Value == owner)
        // The file is a complete capture: read back, it holds the three handshake packets.
        let reread = try TCPLabBinary.run(["read", output, "--format", "json"])
        #expect(reread.status == 0)
        #expect(try jsonLines(reread.stdout).map { $0["handshake"] as? String } == ["syn", "syn-ack", "ack"])
    }

    @Test func unknownUserIsRefusedBeforeCapturing() throws {
        let result = try TCPLabBinary.run(["capture", "-i", "lo", "-c", "1", "--user", "nosuchuser"], timeout: 20)
        #expect(result.status == 1)
        #expect(result.stderr.contains("there is no user named 'nosuchuser'"))
        #expect(!result.stderr.contains("capturing on"))
    }
}

import Foundation
import TestSupport
import Testing

/// A real libpcap handle on a real interface: the loopback of a network namespace this test makes,
/// so nothing else on the machine is seen or disturbed. Needs root (CAP_NET_ADMIN for the namespace,
/// CAP_NET_RAW for the capture).
@Suite("Live capture", .serialized)
struct LiveCaptureTests {
    @Test("sees SYN, SYN-ACK and ACK on a namespace's loopback",
          .enabled(if: isRoot, "needs root: creates a network namespace and captures in it (run `sudo make test`)"),
          .timeLimit(.minutes(1)))
    func handshakeIsCapturedLive() throws {
        let client = """
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 5050)); s.listen(1)
            c = socket.create_connection(("127.0.0.1", 5050), timeout=5)
            peer, _ = s.accept()
            c.sendall(b"0,2000,21.5,40.0\\r\\n"); peer.recv(100); c.close(); peer.close()
            """
        // -c 3: the capture ends by itself after the handshake.
        let run = try Self.captureDuring(client, captureArguments: ["-c", "3", "--format", "json"], interrupt: false)
        #expect(run.stderr.contains("filter 'tcp port 5050'"))
        let packets = try jsonLines(run.stdout)
        #expect(packets.count == 3)
        #expect(packets.map { $0["handshake"] as? String } == ["syn", "syn-ack", "ack"])
        #expect(packets.map { $0["dport"] as? Int } == [5050, packets[1]["dport"] as? Int, 5050])
        #expect(packets[1]["ack_raw"] as? Int == (packets[0]["seq_raw"] as? Int).map { $0 + 1 })
    }

    /// Thirty boards' worth of readings in a burst, on a namespace's loopback. Before the fix
    /// (immediate mode: a TPACKET_V2 ring of about seven 256 KiB slots) this lost packets.
    private static let classBurst = """
        import socket, threading
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 5050)); s.listen(64)
        def drain(c):
            while c.recv(4096): pass
        def accept():
            while True: threading.Thread(target=drain, args=(s.accept()[0],), daemon=True).start()
        threading.Thread(target=accept, daemon=True).start()
        boards = [socket.create_connection(("127.0.0.1", 5050), timeout=5) for _ in range(30)]
        for b in boards: b.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for seq in range(20):
            for i, b in enumerate(boards): b.sendall(b"%d,%d,21.5,40.0\\r\\n" % (seq, seq * 1000 + i))
        for b in boards: b.close()
        """

    @Test("keeps every packet of a class-sized burst (no kernel drops with the default buffer)",
          .enabled(if: isRoot, "needs root: creates a network namespace and captures in it (run `sudo make test`)"),
          .timeLimit(.minutes(1)))
    func classBurstLosesNothing() throws {
        let run = try Self.captureDuring(Self.classBurst, captureArguments: ["-w", "/dev/null", "-q"])
        #expect(Self.count("packets dropped by kernel", in: run.stderr) == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("WARNING"))
        let captured = Self.count("packets captured", in: run.stderr)
        let received = Self.count("packets received by filter", in: run.stderr)
        #expect((captured ?? 0) > 30 * 20, "\(run.stderr)")
        // Loopback: the kernel counts each packet leaving and arriving, libpcap keeps one.
        #expect(received == captured.map { $0 * 2 })
    }

    @Test("a reader that stops reading (a pager left open) loses nothing: the queue holds the packets",
          .enabled(if: isRoot, "needs root: creates a network namespace and captures in it (run `sudo make test`)"),
          .timeLimit(.minutes(1)))
    func stalledReaderLosesNothing() throws {
        // A 2 MiB ring is 8 blocks of 256 KiB, each handed over after 50 ms however full: without
        // the queue a reader that stops for 0.4 s loses packets. Readings over a second and a half,
        // the text view, and nobody reading stdout until the end.
        let paced = Self.classBurst.replacingOccurrences(
            of: "for seq in range(20):\n", with: "import time\nfor seq in range(20):\n    time.sleep(0.08)\n")
        let run = try Self.captureDuring(paced, captureArguments: ["-B", "2048"])
        #expect(Self.count("packets dropped by kernel", in: run.stderr) == 0, "\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "[SYN]").count - 1 == 30, "every handshake shown")
    }

    @Test("says loudly that the capture is incomplete when the kernel drops packets",
          .enabled(if: isRoot, "needs root: creates a network namespace and captures in it (run `sudo make test`)"),
          .timeLimit(.minutes(1)))
    func dropsAreReported() throws {
        // The smallest buffer, no queue, and a reader that does not read: the kernel must drop.
        let run = try Self.captureDuring(Self.classBurst, captureArguments: ["-B", "64", "--queue-size", "0"])
        #expect((Self.count("packets dropped by kernel", in: run.stderr) ?? 0) > 0, "\(run.stderr)")
        #expect(run.stderr.contains("THIS CAPTURE IS INCOMPLETE"), "\(run.stderr)")
    }

    private static func count(_ label: String, in text: String) -> Int? {
        text.split(separator: "\n").first { $0.hasSuffix(label) }.flatMap { Int($0.split(separator: " ")[0]) }
    }

    /// Runs `tcplab capture -i lo ARGS` in a fresh namespace, starts `traffic` (Python) there once
    /// the handle is open, then stops the capture with SIGINT (or lets it end by itself with
    /// `interrupt: false`). Nobody reads its stdout until the end (a stalled reader).
    private static func captureDuring(_ traffic: String, captureArguments: [String],
                                      interrupt: Bool = true) throws -> TCPLabBinary.Result {
        let namespace = "tcplab-live-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        _ = try runProcess(ipCommand, ["netns", "add", namespace])
        defer { _ = try? runProcess(ipCommand, ["netns", "del", namespace]) }
        _ = try runProcess(ipCommand, ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"])

        let capture = ChildProcess()
        capture.executableURL = ipCommand
        capture.arguments = ["netns", "exec", namespace, TCPLabBinary.url.path, "capture", "-i", "lo"] + captureArguments
        let out = Pipe(), err = Pipe()
        capture.standardOutput = out
        capture.standardError = err
        try capture.run()
        defer { if capture.isRunning { capture.terminate() } }
        var banner = Data()
        let deadline = Date().addingTimeInterval(20)
        while !String(decoding: banner, as: UTF8.self).contains("capturing on"), Date() < deadline {
            banner.append(err.fileHandleForReading.availableData)
        }
        let result = try runProcess(ipCommand, ["netns", "exec", namespace, "python3", "-c", traffic], timeout: 30)
        #expect(result.status == 0, "traffic generator failed: \(result.stderr)")
        if interrupt {
            usleep(300_000)
            kill(capture.processIdentifier, SIGINT)
        }
        // A capture that does not stop fails the test (exit status), it does not hang it.
        DispatchQueue.global().asyncAfter(deadline: .now() + 20) {
            if capture.isRunning { kill(capture.processIdentifier, SIGKILL) }
        }
        // Read only now: with -q nothing was written; otherwise the reader stalled until here.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let rest = err.fileHandleForReading.readDataToEndOfFile()
        capture.waitUntilExit()
        #expect(capture.terminationStatus == 0)
        return .init(status: capture.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                     stderr: String(decoding: banner + rest, as: UTF8.self))
    }
}

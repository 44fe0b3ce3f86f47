import Foundation
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
        let namespace = "tcplab-live-\(getpid())"
        _ = try runProcess(ipCommand, ["netns", "add", namespace])
        defer { _ = try? runProcess(ipCommand, ["netns", "del", namespace]) }
        _ = try runProcess(ipCommand, ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"])

        let capture = Process()
        capture.executableURL = ipCommand
        capture.arguments = ["netns", "exec", namespace, TCPLabBinary.url.path, "capture", "-i", "lo", "-c", "3",
                             "--format", "json"]
        let out = Pipe(), err = Pipe()
        capture.standardOutput = out
        capture.standardError = err
        try capture.run()
        defer { if capture.isRunning { capture.terminate() } }

        // Start the traffic only once the handle is open (it says so on stderr).
        var banner = Data()
        let deadline = Date().addingTimeInterval(20)
        while !String(decoding: banner, as: UTF8.self).contains("capturing on"), Date() < deadline {
            banner.append(err.fileHandleForReading.availableData)
        }
        #expect(String(decoding: banner, as: UTF8.self).contains("filter 'tcp port 5050'"))

        let client = """
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 5050)); s.listen(1)
            c = socket.create_connection(("127.0.0.1", 5050), timeout=5)
            peer, _ = s.accept()
            c.sendall(b"0,2000,21.5,40.0\\r\\n"); peer.recv(100); c.close(); peer.close()
            """
        let traffic = try runProcess(ipCommand, ["netns", "exec", namespace, "python3", "-c", client],
                                     timeout: 20)
        #expect(traffic.status == 0, "traffic generator failed: \(traffic.stderr)")

        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        capture.waitUntilExit()
        #expect(capture.terminationStatus == 0)
        let packets = try jsonLines(String(decoding: stdout, as: UTF8.self))
        #expect(packets.count == 3)
        #expect(packets.map { $0["handshake"] as? String } == ["syn", "syn-ack", "ack"])
        #expect(packets.map { $0["dport"] as? Int } == [5050, packets[1]["dport"] as? Int, 5050])
        #expect(packets[1]["ack_raw"] as? Int == (packets[0]["seq_raw"] as? Int).map { $0 + 1 })
    }
}

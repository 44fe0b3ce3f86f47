import Foundation
import TestSupport
import Testing

/// `read --follow N` against `tshark -q -z follow,tcp,MODE,N`, byte for byte.
///
/// tcplab's output differs from tshark's in two documented ways only, which are undone here
/// before comparing: the Node lines name the client and the server, and a hole is one line
/// `[N bytes missing in capture file]` where tshark writes a record with a length line and a
/// trailing NUL shown as `.`. The captures with a short snapshot length are left out:
/// snaplen-60.pcap, where tshark follows no segment whose payload was cut, so it prints no bytes
/// at all, and bulk-bottleneck.pcap (-s 96), where tshark strings together the 30 captured bytes
/// of each 1448-byte segment as if they were the whole stream; tcplab reports the holes.
@Suite("--follow agrees with tshark's follow", .enabled(if: tsharkURL != nil, "tshark is not installed (apt-get install tshark)"))
struct FollowTsharkAgreementTests {
    static var captures: [String] {
        StreamViewTests.captures.filter { $0 != "snaplen-60.pcap" && $0 != "bulk-bottleneck.pcap" }
    }

    static func tcplabFollow(_ path: String, _ mode: String) throws -> String {
        var arguments = ["read", path, "--follow", "0", "--color", "never"]
        if mode == "hex" { arguments.append("--hex") }
        let result = try TCPLabBinary.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        // tcplab names each node's role after tshark's Node line: "(client)", "(server: …)".
        return result.stdout.replacingOccurrences(of: #"(?m)^(Node [01]: \S+) \((client|server)[^)]*\)$"#,
                                                  with: "$1", options: .regularExpression)
    }

    static func tsharkFollow(_ path: String, _ mode: String) throws -> String {
        let result = try runProcess(tsharkURL!, ["-q", "-z", "follow,tcp,\(mode),0", "-r", path])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    static func expectSame(_ ours: String, _ theirs: String, _ label: String) {
        if ours != theirs {
            let a = ours.split(separator: "\n", omittingEmptySubsequences: false)
            let b = theirs.split(separator: "\n", omittingEmptySubsequences: false)
            let index = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            Issue.record("\(label): differs from tshark at line \(index + 1):\n  tcplab: \(index < a.count ? String(a[index]) : "<end>")\n  tshark: \(index < b.count ? String(b[index]) : "<end>")")
        }
        #expect(!ours.isEmpty)
    }

    @Test("ASCII and hex, byte for byte, on every fixture", arguments: captures)
    func agreement(capture: String) throws {
        for mode in ["ascii", "hex"] {
            Self.expectSame(try Self.tcplabFollow(fixture(capture), mode), try Self.tsharkFollow(fixture(capture), mode),
                            "\(capture) \(mode)")
        }
    }

    @Test("a hole the capture never filled: same bytes on both sides of it, marked in both")
    func gap() throws {
        // loss-router.pcap without frame 14 (the retransmission that fills the first hole): the
        // receiver's ACKs show it got 188 bytes this capture does not have.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-gap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gap.pcap").path
        let write = try runProcess(tsharkURL!, ["-r", fixture("loss-router.pcap"), "-Y", "frame.number != 14",
                                                 "-w", path, "-F", "pcap"])
        #expect(write.status == 0, "\(write.stderr)")
        let ours = try Self.tcplabFollow(path, "ascii")
        #expect(ours.contains("\n[188 bytes missing in capture file]\n"))
        let theirs = try Self.tsharkFollow(path, "ascii")
            .replacingOccurrences(of: "\n36\n[188 bytes missing in capture file].\n", with: "\n[188 bytes missing in capture file]\n")
        Self.expectSame(ours, theirs, "gap ascii")
    }
}

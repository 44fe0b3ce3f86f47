import Foundation
import TestSupport
import Testing

/// `tcplab read` and `tcplab capture` as a user meets them: bad input gets a clear error.
@Suite("Command line: errors a student can act on")
struct ReadCommandTests {
    @Test func missingFileIsNamed() throws {
        let result = try TCPLabBinary.run(["read", "/nonexistent/lab.pcap"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot read '/nonexistent/lab.pcap' as a capture"))
        #expect(!result.stderr.contains("Backtrac"))
    }

    @Test func notACaptureFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-not-a-capture-\(getpid()).txt")
        try Data("12,1234567,28.3,65.2\r\n".utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try TCPLabBinary.run(["read", path.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("as a capture"))
        #expect(result.stderr.contains("format") || result.stderr.contains("magic"))
    }

    @Test func badFilterNamesTheExpression() throws {
        let capture = try writeSmallCapture()
        defer { try? FileManager.default.removeItem(atPath: capture) }
        let result = try TCPLabBinary.run(["read", capture, "--filter", "tcp port banana"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("'tcp port banana' is not valid BPF"))
    }

    @Test func truncatedFileShowsWhatDecodedThenFails() throws {
        let capture = try writeSmallCapture()
        defer { try? FileManager.default.removeItem(atPath: capture) }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: capture))
        bytes.removeLast(10)   // cut the last record short
        try bytes.write(to: URL(fileURLWithPath: capture))
        let result = try TCPLabBinary.run(["read", capture, "--format", "json"])
        #expect(result.status == 1)
        #expect(try jsonLines(result.stdout).count == 1)   // the first record is still shown
        #expect(result.stderr.contains("damaged at record 2"))
    }

    @Test func portAndFilterTogetherAreRefused() throws {
        let result = try TCPLabBinary.run(["capture", "--port", "6000", "--filter", "tcp"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("give --port or --filter, not both"))
    }

    @Test("capture without privileges says how to get them",
          .enabled(if: isRoot && FileManager.default.fileExists(atPath: "/usr/sbin/runuser"),
                   "needs root to run the binary as the unprivileged user 'nobody'"))
    func captureWithoutPrivilege() throws {
        let result = try runProcess(URL(fileURLWithPath: "/usr/sbin/runuser"),
                                    ["-u", "nobody", "--", ReadableInstall.binary.path, "capture", "-i", "lo", "-c", "1"],
                                    timeout: 20)
        #expect(result.status == 1)
        #expect(result.stderr.contains("not permitted"))
        #expect(result.stderr.contains("setcap cap_net_raw,cap_net_admin=eip"))
        #expect(!result.stderr.contains("Backtrac"))
    }
}

/// A two-record pcap (Ethernet, microsecond timestamps) built from the SYN and SYN-ACK of a real
/// loopback handshake.
func writeSmallCapture() throws -> String {
    func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }
    func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
    let syn: [UInt8] = hexBytes("000000000000000000000000080045000034a1b240004006a10f7f0000017f000001d97613ebaa767e5000000000a002ffd7fe280000020405b40402080a1e85f9c300000000")
    let synAck: [UInt8] = hexBytes("00000000000000000000000008004500003400004000400642c27f0000017f00000113ebd9767c43c7dcaa767e51a012ffcbfe280000020405b40402080a3557808e1e85f9c3")
    var file: [UInt8] = le32(0xa1b2c3d4) + le16(2) + le16(4) + le32(0) + le32(0) + le32(65535) + le32(1)
    for (i, packet) in [syn, synAck].enumerated() {
        file += le32(1_700_000_000) + le32(UInt32(i * 100)) + le32(UInt32(packet.count)) + le32(UInt32(packet.count)) + packet
    }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-small-\(UUID().uuidString).pcap").path
    try Data(file).write(to: URL(fileURLWithPath: path))
    return path
}

func hexBytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        out.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return out
}

import Foundation
import PacketCapture
import Testing

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

private func count(_ source: PacketSource) throws -> Int {
    var records = 0
    while try source.next({ _ in records += 1 }) != .end {}
    return records
}

@Suite("libpcap handle: files, filters, writing")
struct PacketSourceTests {
    @Test func readsPcapAndPcapng() throws {
        let pcap = try PacketSource.open(file: fixtures.appendingPathComponent("handshake-readings-fin.pcap").path)
        #expect(pcap.dataLinkType == 1)    // Ethernet
        #expect(try count(pcap) == 20)
        let pcapng = try PacketSource.open(file: fixtures.appendingPathComponent("readings.pcapng").path)
        #expect(try count(pcapng) == 20)
    }

    @Test func filterSelectsPackets() throws {
        let source = try PacketSource.open(file: fixtures.appendingPathComponent("handshake-readings-fin.pcap").path)
        try source.setFilter("tcp[tcpflags] & tcp-syn != 0")
        #expect(try count(source) == 2)    // SYN and SYN-ACK; the ARP frames and the rest are filtered out
    }

    @Test func badFilterIsATypedError() throws {
        let source = try PacketSource.open(file: fixtures.appendingPathComponent("refused.pcap").path)
        #expect(throws: CaptureError.self) { try source.setFilter("port and and") }
    }

    @Test func writerRoundTrip() throws {
        let input = fixtures.appendingPathComponent("ipv6.pcap").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-copy-\(getpid()).pcap").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var original: [[UInt8]] = []
        do {
            let source = try PacketSource.open(file: input)
            let writer = try source.makeWriter(path: output)
            while try source.next({ record in
                original.append(Array(record.bytes))
                writer.write(record)
            }) != .end {}
        }   // the writer closes (and flushes) here
        var copied: [[UInt8]] = []
        let reread = try PacketSource.open(file: output)
        while try reread.next({ copied.append(Array($0.bytes)) }) != .end {}
        #expect(copied == original)
        #expect(copied.count == 20)
    }

    @Test func damagedFileNamesTheRecord() throws {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("refused.pcap"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-cut-\(getpid()).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try data.prefix(data.count - 5).write(to: URL(fileURLWithPath: path))
        let source = try PacketSource.open(file: path)
        var seen = 0
        #expect(throws: CaptureError.self) {
            while try source.next({ _ in seen += 1 }) != .end {}
        }
        #expect(seen == 1)
    }

    @Test func damagedSnapshotLengthIsReportedAfterEveryRecord() throws {
        var data = [UInt8](try Data(contentsOf: fixtures.appendingPathComponent("handshake-readings-fin.pcap")))
        data[16...19] = [0, 0, 0, 0]   // snaplen 0 in the file header
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-snap0-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(data).write(to: URL(fileURLWithPath: path))
        let source = try PacketSource.open(file: path)
        var seen = 0
        var damage: CaptureError?
        do {
            while try source.next({ _ in seen += 1 }) != .end {}
        } catch let error as CaptureError {
            damage = error
        }
        #expect(seen == 20)   // nothing lost: libpcap read every record with its own limit
        guard case .damagedHeader(_, let detail)? = damage else {
            Issue.record("expected a damaged header, got \(String(describing: damage))")
            return
        }
        #expect(detail.contains("snapshot length"))
        #expect(try source.next { _ in } == .end)   // said once
    }
}

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

/// A record as read, kept after the read.
private struct Record: Equatable {
    var linkType: Int32
    var seconds: Int
    var nanoseconds: Int
    var originalLength: Int
    var bytes: [UInt8]
}

/// Every record of a fixture (by its name in Tests/Fixtures) or of a file (by its absolute path).
private func records(_ name: String, filter: String? = nil) throws -> [Record] {
    let source = try PacketSource.open(file: name.hasPrefix("/") ? name : fixtures.appendingPathComponent(name).path)
    if let filter { try source.setFilter(filter) }
    var records: [Record] = []
    while try source.next({
        records.append(Record(linkType: $0.linkType, seconds: $0.seconds, nanoseconds: $0.nanoseconds,
                              originalLength: $0.originalLength, bytes: Array($0.bytes)))
    }) != .end {}
    return records
}

@Suite("Packet sources: files, filters, writing")
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
                try writer.write(record)
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
        #expect(seen == 20)   // nothing lost: every record was read as its own header says
        guard case .damagedHeader(_, let detail)? = damage else {
            Issue.record("expected a damaged header, got \(String(describing: damage))")
            return
        }
        #expect(detail.contains("snapshot length"))
        #expect(try source.next { _ in } == .end)   // said once
    }

    // The same packets in other layouts (Tests/Fixtures/files, made by scripts/make-file-fixtures.py);
    // TsharkAgreementTests checks their times and TCP fields against tshark.

    @Test func otherPcapLayoutsHoldTheSamePackets() throws {
        let original = try records("handshake-readings-fin.pcap")
        #expect(original.count == 20)
        #expect(try records("files/big-endian.pcap") == original)
        #expect(try records("files/modified.pcap") == original)   // 24-byte record headers
        // Records up to 74 bytes long, in a file whose header says 60: each is read whole.
        #expect(try records("files/longer-than-snaplen.pcap") == original)
        // Nanoseconds as dumpcap took them, from pcapng to a nanosecond pcap.
        let nanosecond = try records("files/nanosecond.pcap")
        #expect(nanosecond == (try records("readings.pcapng")))
        #expect(nanosecond.contains { $0.nanoseconds % 1000 != 0 })
    }

    @Test func pcapngWithInterfacesOfDifferentKinds() throws {
        let ethernet = try records("handshake-readings-fin.pcap")
        let cooked = try records("cooked-any.pcap")
        #expect(cooked.allSatisfy { $0.linkType == 113 })
        // mergecap's pcapng of the two: one interface each, frames in time order.
        let mixed = try records("files/mixed-interfaces.pcapng")
        #expect(mixed.filter { $0.linkType == 1 } == ethernet)
        #expect(mixed.filter { $0.linkType == 113 } == cooked)
        #expect(mixed == (ethernet + cooked).sorted { ($0.seconds, $0.nanoseconds) < ($1.seconds, $1.nanoseconds) })
    }

    @Test func pcapngSectionsByteOrdersAndTimeResolutions() throws {
        let ethernet = try records("handshake-readings-fin.pcap")
        let cooked = try records("cooked-any.pcap")
        let sections = try records("files/sections.pcapng")
        #expect(sections.count == 38)
        // Little-endian section: 2^-20 s ticks since an if_tsoffset, so within a microsecond.
        for (read, packet) in zip(sections.prefix(20), ethernet) {
            #expect(read.linkType == 1 && read.bytes == packet.bytes && read.originalLength == packet.originalLength)
            #expect(abs(Double(read.seconds - packet.seconds) + Double(read.nanoseconds - packet.nanoseconds) / 1e9) < 1e-6)
        }
        // Big-endian section, 10^-7 s ticks, Packet Blocks and Enhanced Packet Blocks: exact.
        #expect(Array(sections.dropFirst(20)) == cooked)
    }

    @Test func simplePacketBlocksKeepTheSnapshotLength() throws {
        let original = try records("handshake-readings-fin.pcap")
        let simple = try records("files/simple-packets.pcapng")   // interface snapshot length 60
        #expect(simple.count == original.count)
        for (read, packet) in zip(simple, original) {
            #expect(read.bytes == Array(packet.bytes.prefix(60)))
            #expect(read.originalLength == packet.originalLength)
            #expect(read.seconds == 0 && read.nanoseconds == 0)   // a Simple Packet Block has no time
        }
    }

    @Test func aFilterIsCompiledForEachLinkTypeInTheFile() throws {
        let syns = try records("files/mixed-interfaces.pcapng", filter: "tcp[tcpflags] & tcp-syn != 0")
        #expect(syns.map(\.linkType) == [1, 1, 113, 113])   // SYN and SYN-ACK of each capture
    }

    @Test func aWriterTakesOneLinkType() throws {
        let source = try PacketSource.open(file: fixtures.appendingPathComponent("files/mixed-interfaces.pcapng").path)
        #expect(source.dataLinkType == 1)   // the first interface's
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-mixed-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var written = 0
        do {
            let writer = try source.makeWriter(path: output)
            #expect(throws: CaptureError.self) {
                while try source.next({ record in
                    try writer.write(record)
                    written += 1
                }) != .end {}
            }
        }
        #expect(written == 20)   // the Ethernet frames, then the first cooked one is refused
        #expect(try records(output) == (try records("handshake-readings-fin.pcap")))
    }
}

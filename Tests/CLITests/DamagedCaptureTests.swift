import Foundation
import TestSupport
import Testing

/// A damaged capture, made from a real fixture by one precise cut or overwrite, read with the
/// real binary: what decoded is printed, then one error naming the record and what is wrong,
/// exit status 1; never a crash or a hang.
/// Not damage: a snapshot length above libpcap's own limit (262,144), as other tools write; a
/// record longer than the snapshot length (tshark shows it whole).
@Suite("Command line: unusual but sound captures")
struct UnusualCaptureTests {
    @Test func aRecordLongerThanTheSnapshotLengthIsShownWhole() throws {
        let original = fixturePath("handshake-readings-fin.pcap")
        let file = setting(Array(try Data(contentsOf: URL(fileURLWithPath: original))), at: 16, to: 60)
        #expect(recordOffsets(file).contains { capturedLength(file, $0) > 60 })
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-snaplen60-\(UUID().uuidString).pcap").path
        try Data(file).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try TCPLabBinary.run(["read", path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == (try TCPLabBinary.run(["read", original, "--format", "json"])).stdout)
    }

    /// Found by FuzzReadCapture: a pcapng timestamp 1.8 × 10^13 s after the first packet's made
    /// the text view trap when it wrote the relative time with six decimals.
    @Test func aTimestampFarInTheFutureIsShown() throws {
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: fixturePath("files/mixed-interfaces.pcapng"))))
        let file = setting(original, at: packetBlockOffsets(original)[1] + 12, to: 0xfffa_610b)   // timestamp, high word
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-future-\(UUID().uuidString).pcapng").path
        try Data(file).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for format in ["text", "json"] {
            let result = try TCPLabBinary.run(["read", path, "--format", format, "--color", "never"])
            #expect(result.status == 0, "\(format): \(result.stderr)")
        }
    }

    @Test(arguments: ["-", "/dev/stdin"])
    func aCaptureFromAPipeIsRead(name: String) throws {
        let capture = fixturePath("files/mixed-interfaces.pcapng")
        let result = try runProcess(URL(fileURLWithPath: "/bin/sh"),
                                    ["-c", "cat '\(capture)' | '\(TCPLabBinary.url.path)' read \(name) --format json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try jsonLines(result.stdout).count == 38)
    }

    @Test func aCaptureMixingLinkTypesCannotBeWrittenToOnePcapFile() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-mixed-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try TCPLabBinary.run(["read", fixturePath("files/mixed-interfaces.pcapng"), "-w", output, "--format", "json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("a pcap file holds one link type"), "\(result.stderr)")
    }

    @Test func aSnapshotLengthAboveLibpcapsLimitIsRead() throws {
        var file = Array(try Data(contentsOf: URL(fileURLWithPath: fixturePath("handshake-readings-fin.pcap"))))
        let snaplen: UInt32 = 1 << 20
        for index in 0..<4 { file[16 + index] = UInt8(truncatingIfNeeded: snaplen >> (8 * index)) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-snaplen-\(UUID().uuidString).pcap").path
        try Data(file).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try TCPLabBinary.run(["read", path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try jsonLines(result.stdout).count == 20)
        #expect(!result.stderr.contains("damaged"))
        let html = path + ".html"
        defer { try? FileManager.default.removeItem(atPath: html) }
        #expect(try TCPLabBinary.run(["ladder", path, "--html", html]).status == 0)
        #expect(FileManager.default.fileExists(atPath: html))
    }
}

@Suite("Command line: damaged captures")
struct DamagedCaptureTests {
    struct Damage: CustomTestStringConvertible, Sendable {
        var name: String
        var fixture: String
        /// Turns the fixture's bytes into the damaged file; gets the byte offset of each record.
        var damage: @Sendable (_ file: [UInt8], _ records: [Int]) -> [UInt8]
        /// JSON lines expected on stdout: the records before the damage.
        var shown: @Sendable (_ file: [UInt8], _ records: [Int]) -> Int
        /// Phrases stderr must hold.
        var says: @Sendable (_ records: [Int]) -> [String]
        var testDescription: String { name }
    }

    static let pcap = "handshake-readings-fin.pcap"   // 20 records, Ethernet, little-endian
    static let pcapng = "readings.pcapng"              // 20 enhanced packet blocks

    static let cases: [Damage] = [
        Damage(name: "pcap cut inside the file header", fixture: pcap,
               damage: { file, _ in Array(file.prefix(12)) }, shown: { _, _ in 0 },
               says: { _ in ["the file is only 12 bytes long", "too short to hold even a capture's file header"] }),
        Damage(name: "pcap cut inside a record header", fixture: pcap,
               damage: { file, records in Array(file.prefix(records[3] + 8)) }, shown: { _, _ in 3 },
               says: { records in ["damaged at record 4 (byte offset \(records[3]))", "inside its record header",
                                   "8 of 16 bytes", "The 3 records before it were read"] }),
        Damage(name: "pcap cut inside a packet's data", fixture: pcap,
               damage: { file, records in Array(file.prefix(records[3] + 30)) }, shown: { _, _ in 3 },
               says: { records in ["damaged at record 4 (byte offset \(records[3]))", "inside its packet data",
                                   "cut short"] }),
        Damage(name: "bad magic number", fixture: pcap,
               damage: { file, _ in [0x00, 0x01, 0x02, 0x03] + file.dropFirst(4) }, shown: { _, _ in 0 },
               says: { _ in ["unknown file format", "starts with the bytes 00 01 02 03"] }),
        Damage(name: "record length zero: the rest of that record is read as the next header", fixture: pcap,
               damage: { file, records in setting(file, at: records[3] + 8, to: 0) }, shown: { _, _ in 4 },
               says: { records in ["damaged at record 5 (byte offset \(records[3] + 16))", "claims",
                                   "the previous record's length was wrong"] }),
        Damage(name: "record and packet length both zero", fixture: pcap,
               damage: { file, records in setting(setting(file, at: records[3] + 8, to: 0), at: records[3] + 12, to: 0) },
               shown: { _, _ in 3 },
               says: { records in ["damaged at record 4 (byte offset \(records[3]))", "0 bytes long on the wire"] }),
        Damage(name: "absurd record length", fixture: pcap,
               damage: { file, records in setting(file, at: records[3] + 8, to: 0xffff_fff0) }, shown: { _, _ in 3 },
               says: { records in ["damaged at record 4 (byte offset \(records[3]))", "claims 4294967280 captured bytes"] }),
        Damage(name: "more bytes captured than the packet had (incl_len > orig_len)", fixture: pcap,
               damage: { file, records in setting(file, at: records[3] + 12, to: 10) }, shown: { _, _ in 3 },
               says: { records in ["damaged at record 4 (byte offset \(records[3]))", "of a packet only 10 bytes long"] }),
        Damage(name: "snapshot length 0", fixture: pcap,
               damage: { file, _ in setting(file, at: 16, to: 0) }, shown: { _, _ in 20 },
               says: { _ in ["damaged file header", "snapshot length (bytes 16–19) is 0"] }),
        Damage(name: "snapshot length 2^31", fixture: pcap,
               damage: { file, _ in setting(file, at: 16, to: 1 << 31) }, shown: { _, _ in 20 },
               says: { _ in ["damaged file header", "is 2147483648"] }),
        Damage(name: "pcapng cut inside a packet block", fixture: pcapng,
               damage: { file, blocks in Array(file.prefix(blocks[3] + 20)) }, shown: { _, _ in 3 },
               says: { blocks in ["damaged at record 4 (byte offset \(blocks[3]))", "cut short"] }),
        Damage(name: "pcapng block length below the minimum", fixture: pcapng,
               damage: { file, blocks in setting(file, at: blocks[3] + 4, to: 7) }, shown: { _, _ in 3 },
               says: { blocks in ["damaged at record 4 (byte offset \(blocks[3]))", "says 7 bytes, less than the 12"] }),
        Damage(name: "pcapng absurd block length", fixture: pcapng,
               damage: { file, blocks in setting(file, at: blocks[3] + 4, to: 0xffff_fff0) }, shown: { _, _ in 3 },
               says: { blocks in ["damaged at record 4 (byte offset \(blocks[3]))", "4294967280"] }),
        Damage(name: "pcapng packet on an interface never described", fixture: pcapng,
               damage: { file, blocks in setting(file, at: blocks[3] + 8, to: 9) }, shown: { _, _ in 3 },
               says: { blocks in ["damaged at record 4", "names interface 9, an interface the file never described"] }),
        Damage(name: "pcapng block trailer disagreeing with its header", fixture: pcapng,
               damage: { file, blocks in
                   let length = Int(littleEndian32(file, blocks[3] + 4))
                   return setting(file, at: blocks[3] + length - 4, to: UInt32(length + 4))
               }, shown: { _, _ in 3 },
               says: { blocks in ["damaged at record 4 (byte offset \(blocks[3]))", "header and trailer don't match"] }),
    ]

    @Test("damaged capture: what decoded, then a clear error, exit 1", .timeLimit(.minutes(1)), arguments: cases)
    func damagedCapture(_ damage: Damage) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture(damage.fixture))))
        let records = damage.fixture.hasSuffix(".pcapng") ? packetBlockOffsets(original) : recordOffsets(original)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tcplab-damaged-\(UUID().uuidString)-\(damage.fixture)").path
        try Data(damage.damage(original, records)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        let result = try TCPLabBinary.run(["read", path, "--format", "json"], timeout: 30)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let lines = try jsonLines(result.stdout)
        #expect(lines.count == damage.shown(original, records))
        #expect(lines.map { $0["frame"] as? Int } == (0..<lines.count).map { $0 + 1 })
        for phrase in damage.says(records) {
            #expect(result.stderr.contains(phrase), "stderr lacks '\(phrase)': \(result.stderr)")
        }
        #expect(result.stderr.hasPrefix("tcplab: "))
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Backtrac"))
    }

    @Test func textOutputShowsFramesBeforeTheDamageAndTheSummary() throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture(Self.pcap))))
        let records = recordOffsets(original)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-cut-\(UUID().uuidString).pcap").path
        try Data(original.prefix(records[5] + 20)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try TCPLabBinary.run(["read", path, "--color", "never"], timeout: 30)
        #expect(result.status == 1)
        // Each frame's header line starts with its number, right-aligned in 6 columns.
        let frameNumbers = result.stdout.split(separator: "\n").compactMap { Int($0.prefix(6).trimmingCharacters(in: .whitespaces)) }
        #expect(frameNumbers == [1, 2, 3, 4, 5], "stdout: \(result.stdout)")
        #expect(result.stderr.contains("damaged at record 6 (byte offset \(records[5]))"))
    }
}

/// Byte offset of each record in a classic little-endian pcap file.
func recordOffsets(_ file: [UInt8]) -> [Int] {
    var offsets: [Int] = []
    var offset = 24
    while offset + 16 <= file.count {
        offsets.append(offset)
        offset += 16 + Int(littleEndian32(file, offset + 8))
    }
    return offsets
}

/// Byte offset of each enhanced packet block (type 6) in a little-endian pcapng file.
func packetBlockOffsets(_ file: [UInt8]) -> [Int] {
    var offsets: [Int] = []
    var offset = 0
    while offset + 12 <= file.count {
        let length = Int(littleEndian32(file, offset + 4))
        if littleEndian32(file, offset) == 6 { offsets.append(offset) }
        guard length >= 12 else { break }
        offset += length
    }
    return offsets
}

func capturedLength(_ file: [UInt8], _ record: Int) -> Int { Int(littleEndian32(file, record + 8)) }

func littleEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
}

func setting(_ bytes: [UInt8], at offset: Int, to value: UInt32) -> [UInt8] {
    var copy = bytes
    for i in 0..<4 { copy[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    return copy
}

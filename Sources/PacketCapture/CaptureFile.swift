/// A saved capture, pcap or pcapng, read by tcplab itself from the file's mapped bytes.
///
/// libpcap refuses what tshark reads: a pcapng file whose interfaces differ in link type or
/// snapshot length, and a pcap record longer than the file's snapshot length (libpcap cuts it
/// short without a word). Here each record keeps its own interface's link type and all its
/// bytes, and a record is damaged only when it cannot be right: a length it cannot have, more
/// bytes than the packet had, or a record that runs past the end of the file.
///
/// Records are read in place: no system call, no copy and no allocation per record.
final class CaptureFile {
    let path: String
    /// The first interface's link type (libpcap's DLT number), for a pcap file written from this
    /// one; Ethernet for a pcapng file that describes no interface.
    let firstLinkType: Int32
    /// The file header's (pcap) or first interface's (pcapng) snapshot length; 0 when unknown.
    let snapshotLength: UInt32
    /// What is wrong with the file header, to say once every record is read; nil when nothing is.
    let headerProblem: String?
    /// Packet records read so far.
    private(set) var records = 0

    private let file: MappedFile
    private let bytes: UnsafeRawBufferPointer
    private let format: Format
    /// Where the next record (pcap) or block (pcapng) starts.
    private var offset: Int
    /// The file (pcap) or the current section (pcapng) is in the other byte order than this machine.
    private var swapped: Bool
    /// pcapng: the interfaces the current section has described, by interface ID.
    private var interfaces: [Interface] = []

    private enum Format {
        case pcap(PcapLayout)
        case pcapng
    }

    private struct PcapLayout {
        /// 16 bytes, or 24 in the old "modified" (Kuznetzov) format.
        var recordHeaderLength: Int
        var nanosecondFraction: Bool
        var linkType: Int32
        /// More captured bytes than this is not a record but a corrupt header.
        var largestRecord: Int
    }

    private struct Interface {
        var linkType: Int32
        var snapshotLength: Int
        /// Timestamp units per second (if_tsresol; microseconds when the option is absent).
        var unitsPerSecond: UInt64
        /// Seconds added to every timestamp (if_tsoffset).
        var offsetSeconds: Int64
    }

    /// The most captured bytes in one record that tshark and libpcap accept for ordinary link
    /// types (a file whose header allows more is believed up to its snapshot length).
    static let largestStandardRecord = 262_144
    /// A block length above this is a corrupt header, not a file cut short.
    static let largestBlock = 16 << 20

    static let pcapngBlockType: UInt32 = 0x0A0D_0D0A
    private static let byteOrderMagic: UInt32 = 0x1A2B_3C4D

    init(path: String) throws {
        self.path = path
        file = try MappedFile(path: path)
        bytes = file.bytes
        func cannotOpen(_ detail: String) -> CaptureError { .cannotOpenFile(path: path, detail: detail) }
        let size = bytes.count
        guard size >= 4 else { throw cannotOpen(Self.tooShort(size)) }
        let magic = bytes.loadUnaligned(as: UInt32.self)
        if magic == Self.pcapngBlockType {
            guard size >= 28 else { throw cannotOpen(Self.tooShort(size)) }
            let order = bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
            guard order == Self.byteOrderMagic || order == Self.byteOrderMagic.byteSwapped else {
                throw cannotOpen("it starts like a pcapng file (0a 0d 0d 0a), but where a pcapng file has its "
                                 + "byte-order magic 1a 2b 3c 4d (or 4d 3c 2b 1a), bytes 8–11, it has "
                                 + Self.hex(bytes[8..<12]) + ": its first block is damaged, or it is not a capture")
            }
            format = .pcapng
            swapped = order != Self.byteOrderMagic
            offset = 0
            (firstLinkType, snapshotLength) = Self.firstInterface(bytes, swapped: swapped) ?? (1, 0)
            headerProblem = nil
            return
        }
        guard let kind = Self.pcapKind(magic) else { throw cannotOpen(Self.unknownFormat(bytes)) }
        guard size >= 24 else { throw cannotOpen(Self.tooShort(size)) }
        swapped = kind.swapped
        offset = 24
        let major = Self.read16(bytes, at: 4, swapped: swapped), minor = Self.read16(bytes, at: 6, swapped: swapped)
        guard major >= 2 else {
            throw cannotOpen("its file header says pcap version \(major).\(minor); tcplab, like tshark, reads "
                             + "version 2 (tools write 2.4)")
        }
        let snaplen = Self.read32(bytes, at: 16, swapped: swapped)
        // The top bits of the link type field may carry FCS details; the type is the rest.
        let linkType = Self.dlt(forLinkType: Self.read32(bytes, at: 20, swapped: swapped) & 0x03FF_FFFF)
        let sane = snaplen > 0 && snaplen < 0x8000_0000
        format = .pcap(PcapLayout(recordHeaderLength: kind.recordHeaderLength, nanosecondFraction: kind.nanosecond,
                                  linkType: linkType,
                                  largestRecord: max(Self.largestStandardRecord, sane ? Int(snaplen) : 0)))
        firstLinkType = linkType
        snapshotLength = snaplen
        // 0, or a length that is negative as the signed number the format means, cannot be right.
        // Above libpcap's own limit is not damage: other tools write such files.
        headerProblem = sane ? nil
            : "its snapshot length (bytes 16–19) is \(snaplen), but a capture keeps between 1 and 2147483647 "
              + "bytes of each packet. Every record was still read, as its own header describes, and is shown above."
    }

    /// The next packet record (`number` counts the file's packets), or nil at the end of the file.
    /// Throws `damagedFile` at the first record or block that cannot be right.
    func next() throws -> CapturedPacket? {
        // Every record before this one has been handed over and is done with.
        file.release(before: offset)
        switch format {
        case .pcap(let layout): return try nextPcapRecord(layout)
        case .pcapng: return try nextPcapngPacket()
        }
    }

    // MARK: pcap

    private func nextPcapRecord(_ layout: PcapLayout) throws -> CapturedPacket? {
        let start = offset
        let left = bytes.count - start
        if left == 0 { return nil }
        guard left >= layout.recordHeaderLength else {
            throw damaged(at: start, "the file ends inside its record header (\(left) of \(layout.recordHeaderLength) "
                          + "bytes are there): " + Self.cutShort)
        }
        let seconds = read32(start), fraction = read32(start + 4)
        let captured = Int(read32(start + 8)), original = Int(read32(start + 12))
        guard captured <= layout.largestRecord else {
            throw damaged(at: start, "the record header claims \(captured) captured bytes, more than any record can hold "
                          + "(at most \(layout.largestRecord)); the header is corrupt, or the previous record's length "
                          + "was wrong and this is really packet data")
        }
        try checkLengths(captured: captured, original: original, at: start)
        let data = start + layout.recordHeaderLength
        guard captured <= bytes.count - data else {
            throw damaged(at: start, "the file ends inside its packet data (\(bytes.count - data) of \(captured) bytes "
                          + "are there): " + Self.cutShort)
        }
        offset = data + captured
        records += 1
        // The fraction as libpcap reads it, signed: a damaged one is shown as it always was.
        let signedFraction = Int(Int32(bitPattern: fraction))
        return CapturedPacket(number: records, seconds: Int(seconds),
                              nanoseconds: layout.nanosecondFraction ? signedFraction : signedFraction * 1000,
                              originalLength: original, linkType: layout.linkType,
                              bytes: UnsafeRawBufferPointer(start: bytes.baseAddress! + data, count: captured))
    }

    // MARK: pcapng

    private func nextPcapngPacket() throws -> CapturedPacket? {
        while true {
            let start = offset
            let left = bytes.count - start
            if left == 0 { return nil }
            guard left >= 12 else {
                throw damaged(at: start, "the file ends inside a block header (\(left) of at least 12 bytes are there): "
                              + Self.cutShort)
            }
            let type = read32(start)   // a Section Header Block's type reads the same in either byte order
            if type == Self.pcapngBlockType { try startSection(at: start) }
            let length = Int(read32(start + 4))
            guard length >= 12 else {
                throw damaged(at: start, "the block's length field says \(length) bytes, less than the 12 that its own "
                              + "header and trailer take; the block is corrupt, or the previous block's length was wrong")
            }
            guard length % 4 == 0 else {
                throw damaged(at: start, "the block's length field says \(length) bytes, but pcapng blocks are a multiple "
                              + "of 4 bytes long; the block is corrupt, or the previous block's length was wrong")
            }
            guard length <= left else {
                if length > Self.largestBlock {
                    throw damaged(at: start, "the block header claims \(length) bytes, more than any block holds; the "
                                  + "header is corrupt, or the previous block's length was wrong and this is really packet data")
                }
                throw damaged(at: start, "the file ends inside this block (\(left) of \(length) bytes are there): "
                              + Self.cutShort)
            }
            let trailer = read32(start + length - 4)
            guard trailer == length else {
                throw damaged(at: start, "the block's length is \(length) bytes in its header but \(trailer) in its "
                              + "trailer; header and trailer don't match, so the block is corrupt")
            }
            var packet: CapturedPacket?
            switch type {
            case 6: packet = try enhancedPacket(at: start, length: length)
            case 3: packet = try simplePacket(at: start, length: length)
            case 2: packet = try obsoletePacket(at: start, length: length)
            case 1: try describeInterface(at: start, length: length)
            case Self.pcapngBlockType:
                guard length >= 28 else { throw damaged(at: start, Self.tooShortBlock("A Section Header", length, 28)) }
                let major = read16(start + 12)
                guard major == 1 else {
                    throw damaged(at: start, "the section is in pcapng version \(major).\(read16(start + 14)); tcplab, "
                                  + "like tshark, reads version 1")
                }
            default: break   // statistics, names, secrets, custom blocks: nothing to show
            }
            offset = start + length
            if let packet {
                records += 1
                return packet
            }
        }
    }

    /// A Section Header Block: a new byte order, and no interfaces yet.
    private func startSection(at start: Int) throws {
        let order = bytes.loadUnaligned(fromByteOffset: start + 8, as: UInt32.self)
        guard order == Self.byteOrderMagic || order == Self.byteOrderMagic.byteSwapped else {
            throw damaged(at: start, "the Section Header Block's byte-order magic (its bytes 8–11) is "
                          + Self.hex(bytes[start + 8..<start + 12]) + ", not 1a 2b 3c 4d in either order; the block is corrupt")
        }
        swapped = order != Self.byteOrderMagic
        interfaces.removeAll(keepingCapacity: true)
    }

    private func describeInterface(at start: Int, length: Int) throws {
        guard length >= 20 else { throw damaged(at: start, Self.tooShortBlock("An Interface Description", length, 20)) }
        var interface = Interface(linkType: Self.dlt(forLinkType: UInt32(read16(start + 8))),
                                  snapshotLength: Int(read32(start + 12)), unitsPerSecond: 1_000_000, offsetSeconds: 0)
        var option = start + 16
        let end = start + length - 4
        while option + 4 <= end {
            let code = read16(option), size = Int(read16(option + 2))
            let value = option + 4
            guard code != 0, value + size <= end else { break }   // end of options (or a broken one: ignored)
            if code == 9, size >= 1 {   // if_tsresol: units of 10^-n or, with the top bit set, 2^-n seconds
                let base: UInt64 = bytes[value] & 0x80 != 0 ? 2 : 10
                let exponent = Int(bytes[value] & 0x7f)
                guard exponent < (base == 2 ? 64 : 20) else {
                    throw damaged(at: start, "the interface's time resolution (if_tsresol) is \(base)^-\(exponent) s, "
                                  + "finer than 64-bit timestamps can count; the block is corrupt")
                }
                interface.unitsPerSecond = (0..<exponent).reduce(1) { units, _ in units * base }
            } else if code == 14, size >= 8 {   // if_tsoffset
                let raw = bytes.loadUnaligned(fromByteOffset: value, as: UInt64.self)
                interface.offsetSeconds = Int64(bitPattern: swapped ? raw.byteSwapped : raw)
            }
            option = value + ((size + 3) & ~3)   // values are padded to 4 bytes
        }
        interfaces.append(interface)
    }

    private func enhancedPacket(at start: Int, length: Int) throws -> CapturedPacket {
        guard length >= 32 else { throw damaged(at: start, Self.tooShortBlock("An Enhanced Packet", length, 32)) }
        return try packet(at: start, length: length, interfaceID: Int(read32(start + 8)))
    }

    /// The obsolete Packet Block: an Enhanced Packet Block with a 16-bit interface ID.
    private func obsoletePacket(at start: Int, length: Int) throws -> CapturedPacket {
        guard length >= 32 else { throw damaged(at: start, Self.tooShortBlock("A Packet", length, 32)) }
        return try packet(at: start, length: length, interfaceID: Int(read16(start + 8)))
    }

    /// The fields an Enhanced Packet Block and a Packet Block share.
    @inline(__always)
    private func packet(at start: Int, length: Int, interfaceID: Int) throws -> CapturedPacket {
        let interface = try self.interface(interfaceID, block: start)
        let captured = Int(read32(start + 20)), original = Int(read32(start + 24))
        guard captured <= length - 32 else {
            throw damaged(at: start, "the packet block says \(captured) bytes were captured, but it has room for only "
                          + "\(length - 32); the block is corrupt")
        }
        try checkLengths(captured: captured, original: original, at: start)
        let (seconds, nanoseconds) = Self.time(UInt64(read32(start + 12)) << 32 | UInt64(read32(start + 16)), on: interface)
        return CapturedPacket(number: records + 1, seconds: seconds, nanoseconds: nanoseconds, originalLength: original,
                              linkType: interface.linkType,
                              bytes: UnsafeRawBufferPointer(start: bytes.baseAddress! + start + 28, count: captured))
    }

    /// A Simple Packet Block: interface 0, no timestamp; the captured length is what the block holds,
    /// at most the packet's length and the interface's snapshot length (as tshark reads it).
    private func simplePacket(at start: Int, length: Int) throws -> CapturedPacket {
        guard length >= 16 else { throw damaged(at: start, Self.tooShortBlock("A Simple Packet", length, 16)) }
        let interface = try self.interface(0, block: start)
        let original = Int(read32(start + 8))
        var captured = min(original, length - 16)
        if interface.snapshotLength > 0 { captured = min(captured, interface.snapshotLength) }
        try checkLengths(captured: captured, original: original, at: start)
        return CapturedPacket(number: records + 1, seconds: 0, nanoseconds: 0, originalLength: original,
                              linkType: interface.linkType,
                              bytes: UnsafeRawBufferPointer(start: bytes.baseAddress! + start + 12, count: captured))
    }

    @inline(__always)
    private func interface(_ id: Int, block start: Int) throws -> Interface {
        guard id < interfaces.count else {
            let described = interfaces.isEmpty ? "none" : interfaces.count == 1 ? "only interface 0" : "interfaces 0–\(interfaces.count - 1)"
            throw damaged(at: start, "the packet block names interface \(id), an interface the file never described "
                          + "(this section describes \(described)); the block is corrupt")
        }
        return interfaces[id]
    }

    /// Seconds and nanoseconds from a count of the interface's units since the epoch.
    @inline(__always)
    private static func time(_ ticks: UInt64, on interface: Interface) -> (Int, Int) {
        let units = interface.unitsPerSecond
        let (seconds, fraction) = ticks.quotientAndRemainder(dividingBy: units)
        let nanoseconds: UInt64
        switch units {
        case 1_000_000_000: nanoseconds = fraction
        case 1_000_000: nanoseconds = fraction * 1000
        default: nanoseconds = units.dividingFullWidth(fraction.multipliedFullWidth(by: 1_000_000_000)).quotient
        }
        return (Int(truncatingIfNeeded: Int64(truncatingIfNeeded: seconds) &+ interface.offsetSeconds), Int(nanoseconds))
    }

    // MARK: both formats

    /// What no capture tool writes, whatever the format.
    @inline(__always)
    private func checkLengths(captured: Int, original: Int, at start: Int) throws {
        if original == 0 {
            throw damaged(at: start, "the record says the packet was 0 bytes long on the wire; no packet is, so the "
                          + "record header is corrupt")
        }
        if captured > original {
            throw damaged(at: start, "the record says \(captured) bytes were captured of a packet only \(original) bytes "
                          + "long; a capture cannot hold more than the packet had, so the record header is corrupt")
        }
    }

    private func damaged(at start: Int, _ detail: String) -> CaptureError {
        .damagedFile(path: path, record: records + 1, offset: start, detail: detail)
    }

    @inline(__always) private func read32(_ at: Int) -> UInt32 { Self.read32(bytes, at: at, swapped: swapped) }
    @inline(__always) private func read16(_ at: Int) -> UInt16 { Self.read16(bytes, at: at, swapped: swapped) }

    @inline(__always)
    private static func read32(_ bytes: UnsafeRawBufferPointer, at offset: Int, swapped: Bool) -> UInt32 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return swapped ? raw.byteSwapped : raw
    }

    @inline(__always)
    private static func read16(_ bytes: UnsafeRawBufferPointer, at offset: Int, swapped: Bool) -> UInt16 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return swapped ? raw.byteSwapped : raw
    }

    /// A classic pcap file's magic number, in either byte order: nil for none.
    private static func pcapKind(_ magic: UInt32) -> (nanosecond: Bool, recordHeaderLength: Int, swapped: Bool)? {
        for swapped in [false, true] {
            switch swapped ? magic.byteSwapped : magic {
            case 0xA1B2_C3D4: return (false, 16, swapped)
            case 0xA1B2_3C4D: return (true, 16, swapped)   // nanosecond timestamps
            case 0xA1B2_CD34: return (false, 24, swapped)  // Kuznetzov's "modified" pcap
            default: continue
            }
        }
        return nil
    }

    /// The link type and snapshot length of the first Interface Description Block, if the blocks
    /// up to it are sound (the reading proper reports any damage).
    private static func firstInterface(_ bytes: UnsafeRawBufferPointer, swapped: Bool) -> (Int32, UInt32)? {
        var offset = 0
        while offset + 12 <= bytes.count {
            let type = read32(bytes, at: offset, swapped: swapped), length = Int(read32(bytes, at: offset + 4, swapped: swapped))
            guard length >= 12, length <= bytes.count - offset else { return nil }
            switch type {
            case 1 where length >= 20:
                return (dlt(forLinkType: UInt32(read16(bytes, at: offset + 8, swapped: swapped))),
                        read32(bytes, at: offset + 12, swapped: swapped))
            case 2, 3, 6: return nil   // a packet before any interface: the reading proper says so
            case pcapngBlockType where offset > 0: return nil   // a new section, maybe in the other byte order
            default: offset += length
            }
        }
        return nil
    }

    /// libpcap's DLT number for a file's LINKTYPE number: the same but for the few that differ
    /// between systems (as libpcap's linktype_to_dlt, for Linux).
    static func dlt(forLinkType linkType: UInt32) -> Int32 {
        switch linkType {
        case 100: return 11   // ATM RFC 1483
        case 101: return 12   // raw IP
        case 102: return 15   // BSD/OS SLIP
        case 103: return 16   // BSD/OS PPP
        default: return Int32(truncatingIfNeeded: linkType)
        }
    }

    // MARK: messages

    private static let cutShort = "it was cut short, e.g. copied while the capture was still running"

    private static func tooShortBlock(_ kind: String, _ length: Int, _ minimum: Int) -> String {
        "\(kind) Block is at least \(minimum) bytes long, but this one's length field says \(length); the block is corrupt"
    }

    private static func tooShort(_ size: Int) -> String {
        let length = size == 0 ? "empty (0 bytes)" : "only \(size) byte\(size == 1 ? "" : "s") long"
        return "the file is \(length), too short to hold even a capture's file header (24 bytes for pcap, 28 for pcapng)"
    }

    private static func unknownFormat(_ bytes: UnsafeRawBufferPointer) -> String {
        let header = Array(bytes.prefix(4))
        // Text where a capture should be: most often an answers file given as the capture.
        let looksLikeText = header.allSatisfy { (0x20...0x7e).contains($0) || $0 == 0x0a || $0 == 0x09 || $0 == 0x0d }
        let text = looksLikeText
            ? " — it is text (\"\(String(decoding: header, as: UTF8.self))…\"), not a capture: an answers file? "
                + "(lab check takes --pcap YOUR.pcap --answers YOUR.toml)"
            : ""
        return "unknown file format: it starts with the bytes \(hex(header)), "
            + "but a pcap file starts with the magic number d4 c3 b2 a1 (or a1 b2 c3 d4, 4d 3c b2 a1, a1 b2 3c 4d) "
            + "and a pcapng file with 0a 0d 0d 0a" + text
    }

    private static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }
}

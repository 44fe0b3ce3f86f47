/// The TCP flags, in wire order (bit 0 = FIN).
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x001)
    public static let syn = TCPFlags(rawValue: 0x002)
    public static let rst = TCPFlags(rawValue: 0x004)
    public static let psh = TCPFlags(rawValue: 0x008)
    public static let ack = TCPFlags(rawValue: 0x010)
    public static let urg = TCPFlags(rawValue: 0x020)
    public static let ece = TCPFlags(rawValue: 0x040)
    public static let cwr = TCPFlags(rawValue: 0x080)
    /// The ninth bit (RFC 3540 NS, now AE in AccECN).
    public static let ae = TCPFlags(rawValue: 0x100)

    /// The names used in the JSON contract, in its order.
    public static let named: [(TCPFlags, String)] = [
        (.fin, "FIN"), (.syn, "SYN"), (.rst, "RST"), (.psh, "PSH"),
        (.ack, "ACK"), (.urg, "URG"), (.ece, "ECE"), (.cwr, "CWR"), (.ae, "AE"),
    ]

    public var names: [String] { TCPFlags.named.compactMap { contains($0.0) ? $0.1 : nil } }

    /// tcpdump's compact form: S, S., P., F., R., ...
    public var tcpdumpStyle: String {
        var text = ""
        if contains(.syn) { text += "S" }
        if contains(.fin) { text += "F" }
        if contains(.psh) { text += "P" }
        if contains(.rst) { text += "R" }
        if contains(.urg) { text += "U" }
        if contains(.ece) { text += "E" }
        if contains(.cwr) { text += "W" }
        if contains(.ack) { text += "." }
        return text.isEmpty ? "none" : text
    }
}

/// A TCP header (RFC 9293) with its options.
public struct TCPHeader: Equatable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequenceNumber: SequenceNumber
    public var acknowledgementNumber: SequenceNumber
    /// Header length in bytes (data offset × 4).
    public var headerLength: Int
    public var flags: TCPFlags
    public var window: UInt16
    public var checksum: UInt16
    public var urgentPointer: UInt16
    public var options: [TCPOption]
    /// Set when the options area could not be decoded completely; the options before it are kept.
    public var optionsError: DecodeError?

    public init(sourcePort: UInt16, destinationPort: UInt16, sequenceNumber: SequenceNumber,
                acknowledgementNumber: SequenceNumber = SequenceNumber(0), flags: TCPFlags,
                window: UInt16, checksum: UInt16 = 0, urgentPointer: UInt16 = 0, options: [TCPOption] = []) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.acknowledgementNumber = acknowledgementNumber
        self.flags = flags
        self.window = window
        self.checksum = checksum
        self.urgentPointer = urgentPointer
        self.options = options
        let optionBytes = options.reduce(0) { $0 + $1.encodedLength }
        self.headerLength = 20 + (optionBytes + 3) / 4 * 4
    }

    /// Parses the header. When the capture ends inside the options, the header is still returned
    /// with the options that fit and `optionsError` set; only a missing fixed part or an impossible
    /// data offset throws.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> TCPHeader {
        guard bytes.count >= 20 else { throw DecodeError.truncated("TCP", "header", need: 20, have: bytes.count) }
        let offsetAndFlags = bytes.u16(12)
        let headerLength = Int(offsetAndFlags >> 12) * 4
        guard headerLength >= 20 else {
            throw DecodeError(.malformed, layer: "TCP", field: "data offset",
                              expected: "at least 5 (20 bytes)", found: "\(headerLength / 4) (\(headerLength) bytes)")
        }
        var header = TCPHeader(
            sourcePort: bytes.u16(0), destinationPort: bytes.u16(2),
            sequenceNumber: SequenceNumber(bytes.u32(4)), acknowledgementNumber: SequenceNumber(bytes.u32(8)),
            flags: TCPFlags(rawValue: offsetAndFlags & 0x1ff), window: bytes.u16(14),
            checksum: bytes.u16(16), urgentPointer: bytes.u16(18))
        header.headerLength = headerLength
        if headerLength > 20 {
            let area = bytes.tail(from: 20).prefix(upTo: headerLength - 20)
            (header.options, header.optionsError) = TCPOption.parseAll(area, declaredLength: headerLength - 20)
        }
        return header
    }

    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(headerLength)
        out.append16(sourcePort)
        out.append16(destinationPort)
        out.append32(sequenceNumber.rawValue)
        out.append32(acknowledgementNumber.rawValue)
        out.append16(UInt16(headerLength / 4) << 12 | flags.rawValue)
        out.append16(window)
        out.append16(checksum)
        out.append16(urgentPointer)
        for option in options { option.encode(into: &out) }
        while out.count < headerLength { out.append(0) }   // pad with EOL to the data offset
        return out
    }

    // Convenient views of the options.
    public var mss: UInt16? {
        for case .maximumSegmentSize(let value) in options { return value }
        return nil
    }
    public var windowScale: UInt8? {
        for case .windowScale(let shift) in options { return shift }
        return nil
    }
    public var sackPermitted: Bool { options.contains(.sackPermitted) }
    public var sackBlocks: [(SequenceNumber, SequenceNumber)] {
        for case .sack(let blocks) in options { return blocks.map { ($0.left, $0.right) } }
        return []
    }
    public var timestamps: (value: UInt32, echoReply: UInt32)? {
        for case .timestamps(let value, let echo) in options { return (value, echo) }
        return nil
    }
}

/// An IPv6 header (RFC 8200) with its extension headers walked to the upper-layer protocol.
public struct IPv6Header: Equatable, Sendable {
    public var trafficClass: UInt8
    public var flowLabel: UInt32
    public var payloadLength: UInt16
    public var nextHeader: UInt8
    public var hopLimit: UInt8
    public var source: IPAddress
    public var destination: IPAddress
    /// The extension headers between this header and the upper layer, in order (by protocol number).
    public var extensionHeaders: [UInt8] = []
    /// The upper-layer protocol after the extension headers (6 = TCP).
    public var upperProtocol: UInt8
    /// Bytes from the start of this header to the upper-layer header: 40 + extension headers.
    public var headerLength: Int = 40
    /// A Fragment extension header with offset ≠ 0 or more-fragments set.
    public var isFragment = false
    /// The Jumbo Payload option's length (RFC 2675), in a hop-by-hop header, when the payload
    /// length field is 0: Linux BIG TCP sends segments larger than 65,535 bytes this way.
    public var jumboPayloadLength: UInt32?

    /// Bytes after the fixed header, extension headers included, as the header claims them; nil
    /// when the payload length is 0 without a jumbo option (a Linux GSO capture: trust the capture).
    public var claimedPayloadLength: Int? {
        if let jumboPayloadLength { return Int(jumboPayloadLength) }
        return payloadLength == 0 ? nil : Int(payloadLength)
    }

    public init(trafficClass: UInt8 = 0, flowLabel: UInt32 = 0, payloadLength: UInt16, nextHeader: UInt8,
                hopLimit: UInt8 = 64, source: IPAddress, destination: IPAddress) {
        self.trafficClass = trafficClass
        self.flowLabel = flowLabel
        self.payloadLength = payloadLength
        self.nextHeader = nextHeader
        self.hopLimit = hopLimit
        self.source = source
        self.destination = destination
        self.upperProtocol = nextHeader
    }

    static let hopByHop: UInt8 = 0, routing: UInt8 = 43, fragment: UInt8 = 44, destinationOptions: UInt8 = 60
    static let authentication: UInt8 = 51, noNextHeader: UInt8 = 59

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> IPv6Header {
        guard bytes.count >= 40 else { throw DecodeError.truncated("IPv6", "header", need: 40, have: bytes.count) }
        let first = bytes.u32(0)
        guard first >> 28 == 6 else {
            throw DecodeError(.malformed, layer: "IPv6", field: "version", expected: "6", found: "\(first >> 28)")
        }
        var header = IPv6Header(
            trafficClass: UInt8((first >> 20) & 0xff), flowLabel: first & 0xfffff,
            payloadLength: bytes.u16(4), nextHeader: bytes.u8(6), hopLimit: bytes.u8(7),
            source: .v6(bytes.u64(8), bytes.u64(16)), destination: .v6(bytes.u64(24), bytes.u64(32)))
        var next = header.nextHeader
        var offset = 40
        // Walk the extension headers; ESP (50) and unknown numbers end the walk: what follows is
        // either encrypted or the upper layer.
        while [hopByHop, routing, fragment, destinationOptions, authentication].contains(next) {
            guard bytes.count >= offset + 8 else {
                throw DecodeError.truncated("IPv6", "extension header \(next)", need: offset + 8, have: bytes.count)
            }
            let length: Int
            switch next {
            case fragment:
                length = 8
                let offsetAndFlags = bytes.u16(offset + 2)
                header.isFragment = offsetAndFlags & 0xfff8 != 0 || offsetAndFlags & 1 != 0
            case authentication: length = (Int(bytes.u8(offset + 1)) + 2) * 4
            default: length = (Int(bytes.u8(offset + 1)) + 1) * 8
            }
            // Found by fuzzing: a length running past the capture used to surface as a truncated TCP
            // header; the layer whose bytes are missing is this extension header.
            guard bytes.count >= offset + length else {
                throw DecodeError.truncated("IPv6", "extension header \(next)", need: offset + length, have: bytes.count)
            }
            if next == hopByHop && header.payloadLength == 0 {
                header.jumboPayloadLength = jumboOption(in: bytes, from: offset + 2, to: offset + length)
            }
            header.extensionHeaders.append(next)
            next = bytes.u8(offset)
            offset += length
        }
        header.upperProtocol = next
        header.headerLength = offset
        return header
    }

    /// The Jumbo Payload option (type 0xC2, 4 bytes of length) among the options in `start..<end`.
    private static func jumboOption(in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> UInt32? {
        var index = start
        while index < end {
            let type = bytes.u8(index)
            if type == 0 { index += 1; continue }  // Pad1
            guard index + 2 <= end else { return nil }
            let length = Int(bytes.u8(index + 1))
            if type == 0xc2 && length == 4 && index + 6 <= end { return bytes.u32(index + 2) }
            index += 2 + length
        }
        return nil
    }

    /// Encodes the fixed 40-byte header (extension headers are not re-encoded).
    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(40)
        out.append32(6 << 28 | UInt32(trafficClass) << 20 | (flowLabel & 0xfffff))
        out.append16(payloadLength)
        out.append(nextHeader)
        out.append(hopLimit)
        out += source.bytes
        out += destination.bytes
        return out
    }
}

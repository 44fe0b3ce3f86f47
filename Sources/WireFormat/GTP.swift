/// A GTP-U header (GTPv1 user plane, 3GPP TS 29.281), on UDP port 2152: flags (version 1, the E,
/// S and PN bits), message type (0xff, G-PDU, carries a user's packet), length, tunnel endpoint
/// ID; with any of E, S, PN 4 more bytes (sequence number, N-PDU number, next extension type),
/// then extension headers, each of 4 × its first byte, whose last byte names the next.
public struct GTPHeader: Equatable, Sendable {
    public var flags: UInt8
    public var messageType: UInt8
    public var length: UInt16
    public var tunnelEndpointID: UInt32
    public var headerLength: Int

    public static let gpdu: UInt8 = 0xff

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> GTPHeader {
        guard bytes.count >= 8 else { throw DecodeError.truncated("GTP-U", "header", need: 8, have: bytes.count) }
        let flags = bytes[0]
        guard flags >> 5 == 1 else {
            throw DecodeError(.malformed, layer: "GTP-U", field: "version", expected: "1", found: "\(flags >> 5)")
        }
        var header = GTPHeader(flags: flags, messageType: bytes[1], length: bytes.u16(2),
                               tunnelEndpointID: bytes.u32(4), headerLength: 8)
        guard flags & 0x07 != 0 else { return header }
        guard bytes.count >= 12 else { throw DecodeError.truncated("GTP-U", "optional fields", need: 12, have: bytes.count) }
        header.headerLength = 12
        var next = flags & 0x04 != 0 ? bytes[11] : 0
        while next != 0 {   // each extension takes at least 4 bytes: the capture's end stops the walk
            let start = header.headerLength
            guard bytes.count > start, bytes[start] != 0 else {
                throw DecodeError.truncated("GTP-U", "extension header", need: start + 4, have: bytes.count)
            }
            header.headerLength += Int(bytes[start]) * 4
            guard bytes.count >= header.headerLength else {
                throw DecodeError.truncated("GTP-U", "extension header", need: header.headerLength, have: bytes.count)
            }
            next = bytes[header.headerLength - 1]
        }
        return header
    }
}

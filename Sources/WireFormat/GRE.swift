/// A GRE header (RFC 2784 with RFC 2890's key and sequence number; version 1 is PPTP's
/// enhanced GRE, RFC 2637, with a call ID in the key field and an optional acknowledgement).
public struct GREHeader: Equatable, Sendable {
    public var flags: UInt16      // the first 16 bits: flags, recursion control and version
    public var protocolType: UInt16
    public var checksum: UInt16?
    public var key: UInt32?
    public var sequenceNumber: UInt32?
    public var acknowledgementNumber: UInt32?
    /// Bytes of source route entries (RFC 1701's routing, deprecated but still parsed).
    public var routingLength = 0

    public init(flags: UInt16 = 0, protocolType: UInt16, checksum: UInt16? = nil, key: UInt32? = nil,
                sequenceNumber: UInt32? = nil, acknowledgementNumber: UInt32? = nil) {
        self.flags = flags
        self.protocolType = protocolType
        self.checksum = checksum
        self.key = key
        self.sequenceNumber = sequenceNumber
        self.acknowledgementNumber = acknowledgementNumber
    }

    static let checksumPresent: UInt16 = 0x8000, routingPresent: UInt16 = 0x4000, keyPresent: UInt16 = 0x2000
    static let sequencePresent: UInt16 = 0x1000, acknowledgementPresent: UInt16 = 0x0080

    public var version: Int { Int(flags & 7) }
    /// PPTP's PPP-carrying GRE: its key field is a payload length and a call ID.
    public var isEnhanced: Bool { version == 1 && protocolType == EtherType.ppp }
    public var callID: UInt16? { isEnhanced ? key.map { UInt16($0 & 0xffff) } : nil }

    public var headerLength: Int {
        4 + (flags & (GREHeader.checksumPresent | GREHeader.routingPresent) != 0 ? 4 : 0)
            + (key == nil ? 0 : 4) + (sequenceNumber == nil ? 0 : 4) + (acknowledgementNumber == nil ? 0 : 4)
            + routingLength
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> GREHeader {
        guard bytes.count >= 4 else { throw DecodeError.truncated("GRE", "header", need: 4, have: bytes.count) }
        var header = GREHeader(flags: bytes.u16(0), protocolType: bytes.u16(2))
        var offset = 4
        func field(_ name: String, _ length: Int) throws -> Int {
            guard bytes.count >= offset + length else {
                throw DecodeError.truncated("GRE", name, need: offset + length, have: bytes.count)
            }
            defer { offset += length }
            return offset
        }
        if header.flags & (checksumPresent | routingPresent) != 0 {
            let at = try field("checksum and offset", 4)
            if header.flags & checksumPresent != 0 { header.checksum = bytes.u16(at) }
        }
        if header.flags & keyPresent != 0 { header.key = bytes.u32(try field("key", 4)) }
        if header.flags & sequencePresent != 0 { header.sequenceNumber = bytes.u32(try field("sequence number", 4)) }
        // The acknowledgement flag exists only in enhanced GRE (Wireshark reads it for PPP only).
        if header.isEnhanced && header.flags & acknowledgementPresent != 0 {
            header.acknowledgementNumber = bytes.u32(try field("acknowledgement number", 4))
        }
        if header.flags & routingPresent != 0 {
            let start = offset
            while true {   // source route entries until one with address family 0 and length 0
                let at = try field("routing", 4)
                let family = bytes.u16(at), length = Int(bytes[at + 3])
                if family == 0 && length == 0 { break }
                _ = try field("routing", length)
            }
            header.routingLength = offset - start
        }
        return header
    }

    /// Encodes the header without routing entries.
    public func encode() -> [UInt8] {
        var out: [UInt8] = []
        out.append16(flags)
        out.append16(protocolType)
        if flags & (GREHeader.checksumPresent | GREHeader.routingPresent) != 0 { out.append16(checksum ?? 0); out.append16(0) }
        if let key { out.append32(key) }
        if let sequenceNumber { out.append32(sequenceNumber) }
        if let acknowledgementNumber { out.append32(acknowledgementNumber) }
        return out
    }
}

/// The 4-byte header WCCP v2 may put between GRE (protocol 0x883e) and the redirected IPv4
/// packet: flags, service ID, alternative and primary bucket. Wireshark and tcpdump take it to
/// be there when the byte after GRE does not start an IPv4 header.
public struct WCCPRedirectHeader: Equatable, Sendable {
    public var flags: UInt8
    public var serviceID: UInt8
    public var alternativeBucket: UInt8
    public var primaryBucket: UInt8

    public static let headerLength = 4

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> WCCPRedirectHeader {
        guard bytes.count >= 4 else { throw DecodeError.truncated("WCCP", "redirect header", need: 4, have: bytes.count) }
        return WCCPRedirectHeader(flags: bytes[0], serviceID: bytes[1], alternativeBucket: bytes[2], primaryBucket: bytes[3])
    }

    public func encode() -> [UInt8] { [flags, serviceID, alternativeBucket, primaryBucket] }
}

/// Cisco's ERSPAN header between GRE and a mirrored Ethernet frame. Type I (GRE 0x88be without a
/// sequence number) has none; type II (0x88be, version 1) has 8 bytes; type III (0x22eb,
/// version 2) has 12, and 8 more when its O flag says a platform-specific subheader follows.
public struct ERSPANHeader: Equatable, Sendable {
    public var type: Int          // 1, 2 or 3
    public var sessionID: UInt16
    public var vlan: UInt16
    /// Type III: 0 when an Ethernet frame follows (2 would be an IP packet).
    public var frameType: UInt8 = 0
    public var headerLength: Int

    public static func parse(_ bytes: UnsafeRawBufferPointer, greProtocol: UInt16, greHasSequence: Bool) throws -> ERSPANHeader {
        if greProtocol == EtherType.erspan && !greHasSequence {
            return ERSPANHeader(type: 1, sessionID: 0, vlan: 0, headerLength: 0)
        }
        let fixed = greProtocol == EtherType.erspan ? 8 : 12
        guard bytes.count >= fixed else { throw DecodeError.truncated("ERSPAN", "header", need: fixed, have: bytes.count) }
        let version = Int(bytes[0] >> 4)
        let expected = greProtocol == EtherType.erspan ? 1 : 2
        guard version == expected else {
            throw DecodeError(.malformed, layer: "ERSPAN", field: "version", expected: "\(expected)", found: "\(version)")
        }
        var header = ERSPANHeader(type: version + 1, sessionID: bytes.u16(2) & 0x3ff, vlan: bytes.u16(0) & 0xfff,
                                  headerLength: fixed)
        if header.type == 3 {
            let last = bytes.u16(10)
            header.frameType = UInt8(last >> 10 & 0x1f)
            if last & 1 != 0 { header.headerLength += 8 }   // the platform-specific subheader
            guard bytes.count >= header.headerLength else {
                throw DecodeError.truncated("ERSPAN", "platform-specific subheader", need: header.headerLength, have: bytes.count)
            }
        }
        return header
    }
}

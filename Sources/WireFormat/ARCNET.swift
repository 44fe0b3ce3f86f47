/// An ARCNET header as libpcap stores it (DLT_ARCNET from BSD, DLT_ARCNET_LINUX): source and
/// destination station, on Linux the hardware's 2-byte offset field, the protocol ID, and for
/// the RFC 1201 protocol IDs the split flag and sequence number of its fragmentation.
public struct ARCNETHeader: Equatable, Sendable {
    public var source: UInt8
    public var destination: UInt8
    /// Linux only.
    public var offsetField: UInt16?
    public var protocolID: UInt8
    /// RFC 1201 framing only (nil for RFC 1051 IP and ARP, which have no fragmentation).
    public var splitFlag: UInt8?
    public var sequence: UInt16?
    /// BSD only: an RFC 1201 exception frame (split flag 0xff, then padding and the real header).
    public var isException = false

    public init(source: UInt8, destination: UInt8, offsetField: UInt16? = nil, protocolID: UInt8,
                splitFlag: UInt8? = nil, sequence: UInt16? = nil) {
        self.source = source
        self.destination = destination
        self.offsetField = offsetField
        self.protocolID = protocolID
        self.splitFlag = splitFlag
        self.sequence = sequence
    }

    public var headerLength: Int {
        (offsetField == nil ? 3 : 5) + (splitFlag == nil ? 0 : 3) + (isException ? 4 : 0)
    }

    /// Protocol IDs whose header has no split flag (Wireshark's list).
    static let withoutFragmentation: Set<UInt8> = [0xf0, 0xf1, 0x80, 0xcd]   // RFC 1051 IP, ARP; diagnose; BACnet

    public static func parse(_ bytes: UnsafeRawBufferPointer, linux: Bool) throws -> ARCNETHeader {
        let fixed = linux ? 5 : 3
        guard bytes.count >= fixed else { throw DecodeError.truncated("ARCNET", "header", need: fixed, have: bytes.count) }
        var header = ARCNETHeader(source: bytes[0], destination: bytes[1], offsetField: linux ? bytes.u16(2) : nil,
                                  protocolID: bytes[fixed - 1])
        guard !withoutFragmentation.contains(header.protocolID) else { return header }
        var offset = fixed
        // Exception frames exist on BSD only (Linux hands over reassembled packets).
        if !linux && bytes.count > offset && bytes[offset] == 0xff {
            header.isException = true
            offset += 4   // flag, 2 bytes of padding, the protocol ID again
        }
        guard bytes.count >= offset + 3 else {
            throw DecodeError.truncated("ARCNET", "split flag and sequence", need: offset + 3, have: bytes.count)
        }
        header.splitFlag = bytes[offset]
        header.sequence = bytes.u16(offset + 1)
        return header
    }

    public func encode() -> [UInt8] {
        var out = [source, destination]
        if let offsetField { out.append16(offsetField) }
        out.append(protocolID)
        if isException { out += [0xff, 0, 0, protocolID] }
        if let splitFlag, let sequence { out.append(splitFlag); out.append16(sequence) }
        return out
    }

    /// What the protocol ID carries, as an EtherType; nil for what tcplab does not decode.
    public var etherType: UInt16? {
        switch protocolID {
        case 0xf0, 0xd4: return EtherType.ipv4   // RFC 1051, RFC 1201
        case 0xf1, 0xd5: return EtherType.arp
        case 0xd6: return EtherType.rarp
        case 0xc4: return EtherType.ipv6
        default: return nil
        }
    }

    public var framing: String {
        switch protocolID {
        case 0xf0, 0xf1: return "RFC 1051"
        case 0xd4, 0xd5, 0xd6: return "RFC 1201"
        default: return "protocol ID 0x" + hex(protocolID, digits: 2)
        }
    }
}

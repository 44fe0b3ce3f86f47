/// IP over InfiniBand as Linux captures it (DLT_IPOIB): a 40-byte pseudo-header with the
/// addresses, then RFC 4391's 4-byte encapsulation header (an EtherType and 2 reserved bytes).
///
/// The pseudo-header's first two bytes are zero for unicast: then only the destination's
/// hardware address is set (queue pair number at bytes 21–23, GID at 24–39); otherwise it holds
/// the InfiniBand global route header (source QPN at 5–7, source GID at 8–23, destination GID).
public struct IPoIBHeader: Equatable, Sendable {
    public var sourceQPN: UInt32?
    public var sourceGID: IPAddress?
    /// Unicast only.
    public var destinationQPN: UInt32?
    public var destinationGID: IPAddress
    public var protocolType: UInt16

    public static let headerLength = 44

    public static func parse(_ bytes: UnsafeRawBufferPointer) throws -> IPoIBHeader {
        guard bytes.count >= 44 else { throw DecodeError.truncated("IPoIB", "header", need: 44, have: bytes.count) }
        let unicast = bytes.u16(0) == 0
        return IPoIBHeader(sourceQPN: unicast ? nil : bytes.u32(4) & 0xff_ffff,
                           sourceGID: unicast ? nil : .v6(bytes.u64(8), bytes.u64(16)),
                           destinationQPN: unicast ? bytes.u32(20) & 0xff_ffff : nil,
                           destinationGID: .v6(bytes.u64(24), bytes.u64(32)), protocolType: bytes.u16(40))
    }

    /// What the type carries, as Wireshark reads it: IPv4, IPv6, ARP and RARP.
    public var etherType: UInt16? {
        [EtherType.ipv4, EtherType.ipv6, EtherType.arp, EtherType.rarp].contains(protocolType) ? protocolType : nil
    }
}

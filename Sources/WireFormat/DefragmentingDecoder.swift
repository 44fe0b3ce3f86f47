/// A `PacketDecoder` that also puts IPv4 fragments back together, frame after frame (it keeps
/// the fragments of datagrams not yet complete, so one instance reads one capture in order).
public struct DefragmentingDecoder: Sendable {
    public private(set) var decoder: PacketDecoder
    private var reassembler = IPv4Reassembler()
    private static let datagramDecoder = PacketDecoder(linkType: .raw)

    public init(linkType: LinkType) { decoder = PacketDecoder(linkType: linkType) }

    /// The link layer of the frames to come: a pcapng file may change it from one frame to the
    /// next. Fragments held for datagrams not yet complete are kept.
    public var linkType: LinkType {
        get { decoder.linkType }
        set { decoder = PacketDecoder(linkType: newValue) }
    }

    public mutating func decode(_ bytes: UnsafeRawBufferPointer, frame: Int, wireLength: Int? = nil) -> Packet {
        var packet = decoder.decode(bytes, wireLength: wireLength)
        guard case .ipv4(let ip)? = packet.network, ip.isFragment, packet.networkOffset < bytes.count else { return packet }
        switch reassembler.add(ip, datagram: bytes.tail(from: packet.networkOffset), frame: frame) {
        case .notCollected:
            return packet
        case .held:
            // Its transport header, if it carries one, shows with the whole datagram.
            packet.transport = .unknown(protocolNumber: ip.protocolNumber)
            packet.error = nil
            packet.payloadLength = 0
            packet.capturedPayloadLength = 0
            return packet
        case .completed(let datagram, let frames):
            let storage = DatagramBytes(datagram)
            var whole = Self.datagramDecoder.decode(UnsafeRawBufferPointer(storage.bytes))
            whole.link = packet.link
            whole.outerNetworks = packet.outerNetworks
            whole.reassembly = Reassembly(datagram: storage, frames: frames)
            return whole
        }
    }
}

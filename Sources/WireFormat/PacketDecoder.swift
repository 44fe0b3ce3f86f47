/// Decodes captured bytes layer by layer: link, network, transport.
public struct PacketDecoder: Sendable {
    public let linkType: LinkType

    public init(linkType: LinkType) { self.linkType = linkType }

    /// Decodes as far as the bytes allow; never throws: a failure is recorded in `Packet.error`.
    /// `wireLength`, the packet's length on the wire, tells a frame captured whole (then an IP
    /// length beyond it is the header's error, not the snapshot length's).
    public func decode(_ bytes: UnsafeRawBufferPointer, wireLength: Int? = nil) -> Packet {
        var packet = Packet()
        packet.capturedWhole = wireLength.map { $0 <= bytes.count } ?? false
        do {
            try decodeLayers(bytes, into: &packet)
        } catch let error as DecodeError {
            packet.error = error
        } catch {
            packet.error = DecodeError(.malformed, layer: "packet", field: "bytes", expected: "a packet",
                                       found: "\(error)")
        }
        return packet
    }

    /// Convenience for tests and small tools.
    public func decode(_ bytes: [UInt8]) -> Packet {
        bytes.withUnsafeBytes { decode($0) }
    }

    private func decodeLayers(_ bytes: UnsafeRawBufferPointer, into packet: inout Packet) throws {
        var offset = 0
        var networkType: UInt16?
        switch linkType {
        case .ethernet:
            let header = try EthernetHeader.parse(bytes)
            packet.link = .ethernet(header)
            offset = header.headerLength
            networkType = header.etherType
        case .linuxCooked, .linuxCooked2:
            let header = try LinuxCookedHeader.parse(bytes, version: linkType == .linuxCooked2 ? 2 : 1)
            packet.link = .cooked(header)
            offset = header.headerLength
            networkType = header.protocolType
        case .null, .loop:
            guard bytes.count >= 4 else { throw DecodeError.truncated("loopback", "family", need: 4, have: bytes.count) }
            var family = linkType == .loop ? bytes.u32(0) : UInt32(bigEndian: bytes.u32(0))
            if linkType == .null && family > 0xffff { family = family.byteSwapped }   // written on the other endianness
            packet.link = .loopback(family: family)
            offset = 4
            networkType = packet.link?.networkType
            guard networkType != nil else {
                throw DecodeError(.malformed, layer: "loopback", field: "address family",
                                  expected: "AF_INET (2) or AF_INET6 (10, 24, 28, 30)", found: "\(family)")
            }
        case .raw, .ipv4, .ipv6:
            packet.link = .raw
            guard !bytes.isEmpty else { throw DecodeError.truncated("IP", "version", need: 1, have: 0) }
            networkType = bytes[0] >> 4 == 6 ? EtherType.ipv6 : EtherType.ipv4
        case .unsupported(let dlt):
            throw DecodeError(.malformed, layer: "link", field: "link type",
                              expected: "Ethernet, Linux cooked, loopback or raw IP", found: "DLT \(dlt)")
        }
        try decodeNetwork(bytes.tail(from: offset), type: networkType ?? 0, base: offset, into: &packet)
    }

    private func decodeNetwork(_ bytes: UnsafeRawBufferPointer, type: UInt16, base: Int,
                               into packet: inout Packet) throws {
        let ipPayload: UnsafeRawBufferPointer
        let upperProtocol: UInt8
        var claimed: Int
        let headerLength: Int
        switch type {
        case EtherType.ipv4:
            let header = try IPv4Header.parse(bytes)
            packet.network = .ipv4(header)
            packet.networkOffset = base
            headerLength = header.headerLength
            // Total length 0 (TSO/GSO on Linux): trust the capture.
            claimed = header.totalLength == 0 ? bytes.count - headerLength : Int(header.totalLength) - headerLength
            if packet.capturedWhole && Int(header.totalLength) > bytes.count {
                // Nothing was cut: the header claims bytes the packet never had. As tshark does,
                // the payload is what the frame holds.
                packet.ipLengthBeyondFrame = (claimed: Int(header.totalLength), held: bytes.count)
                claimed = bytes.count - headerLength
            }
            upperProtocol = header.protocolNumber
            if header.fragmentOffset != 0 {
                packet.transport = .unknown(protocolNumber: upperProtocol)
                return
            }
        case EtherType.ipv6:
            let header = try IPv6Header.parse(bytes)
            packet.network = .ipv6(header)
            packet.networkOffset = base
            headerLength = header.headerLength
            // Payload length 0: a jumbogram (BIG TCP), or a GSO capture whose length is the frame's.
            claimed = (header.claimedPayloadLength ?? bytes.count - 40) + 40 - headerLength
            upperProtocol = header.upperProtocol
        case EtherType.arp:
            packet.network = .arp(try ARPHeader.parse(bytes))
            return
        default:
            packet.network = .unknown(etherType: type)
            return
        }
        // Ethernet pads short frames: the IP length, not the capture, says where the packet ends.
        ipPayload = bytes.tail(from: headerLength).prefix(upTo: max(0, claimed))
        let transportBase = base + headerLength
        switch upperProtocol {
        case 6:
            let header = try TCPHeader.parse(ipPayload)
            packet.transport = .tcp(header)
            packet.payloadOffset = transportBase + header.headerLength
            packet.payloadLength = max(0, claimed - header.headerLength)
            packet.capturedPayloadLength = max(0, ipPayload.count - header.headerLength)
            if claimed < header.headerLength {
                throw DecodeError(.malformed, layer: "TCP", field: "data offset",
                                  expected: "at most the IP payload (\(claimed) bytes)",
                                  found: "\(header.headerLength) bytes")
            }
            if let optionsError = header.optionsError { throw optionsError }
        case 17:
            let header = try UDPHeader.parse(ipPayload)
            if try decodeUDPTunnel(header, ipPayload.tail(from: 8), base: transportBase + 8, into: &packet) { return }
            packet.transport = .udp(header)
            packet.payloadOffset = transportBase + 8
            packet.payloadLength = max(0, claimed - 8)
            packet.capturedPayloadLength = max(0, ipPayload.count - 8)
        case 1:
            packet.transport = .icmp(try ICMPHeader.parse(ipPayload, version: 4))
        case 58:
            packet.transport = .icmp(try ICMPHeader.parse(ipPayload, version: 6))
        case 4, 41:
            // IP in IP (RFC 2003) and IPv6 in IPv4 (RFC 4213, 6in4 tunnels): the packet inside is
            // what carries the TCP; the tunnel's header is kept as an outer layer.
            if let outer = packet.network { packet.outerNetworks.append(outer) }
            try decodeNetwork(ipPayload, type: upperProtocol == 4 ? EtherType.ipv4 : EtherType.ipv6,
                              base: transportBase, into: &packet)
        default:
            packet.transport = .unknown(protocolNumber: upperProtocol)
        }
    }

    /// Geneve (UDP 6081, RFC 8926) and VXLAN (UDP 4789, RFC 7348), on their standard ports as
    /// tshark decodes them: the packet inside is what carries the TCP, the outer IP layer is kept
    /// as a tunnel. Returns false when the datagram is no such tunnel.
    private func decodeUDPTunnel(_ udp: UDPHeader, _ bytes: UnsafeRawBufferPointer, base: Int,
                                 into packet: inout Packet) throws -> Bool {
        let innerType: UInt16
        let innerStart: Int
        switch udp.destinationPort {
        case 6081:
            guard bytes.count >= 8 else { throw DecodeError.truncated("Geneve", "header", need: 8, have: bytes.count) }
            let optionsLength = Int(bytes.u8(0) & 0x3f) * 4
            innerType = bytes.u16(2)
            innerStart = 8 + optionsLength
            guard bytes.count >= innerStart else {
                throw DecodeError.truncated("Geneve", "options", need: innerStart, have: bytes.count)
            }
        case 4789:
            guard bytes.count >= 8 else { throw DecodeError.truncated("VXLAN", "header", need: 8, have: bytes.count) }
            innerType = 0x6558  // always an Ethernet frame
            innerStart = 8
        default:
            return false
        }
        if let outer = packet.network { packet.outerNetworks.append(outer) }
        var inner = bytes.tail(from: innerStart)
        var innerBase = base + innerStart
        var networkType = innerType
        if innerType == 0x6558 {  // transparent Ethernet bridging
            let ethernet = try EthernetHeader.parse(inner)
            networkType = ethernet.etherType
            inner = inner.tail(from: ethernet.headerLength)
            innerBase += ethernet.headerLength
        }
        try decodeNetwork(inner, type: networkType, base: innerBase, into: &packet)
        return true
    }
}

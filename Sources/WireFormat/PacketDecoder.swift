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
        case .ppp, .pppWithDirection, .ciscoHDLC:
            // Cisco HDLC framing also appears on PPP links: it starts with its own address, 0x0f or
            // 0x8f, where PPP has 0xff or none (Wireshark's test).
            if linkType == .ciscoHDLC
                || (linkType == .ppp && (bytes.first == CiscoHDLCHeader.unicast || bytes.first == CiscoHDLCHeader.broadcast)) {
                let header = try CiscoHDLCHeader.parse(bytes)
                packet.link = .ciscoHDLC(header)
                offset = CiscoHDLCHeader.headerLength
                networkType = header.etherType
                if networkType == nil { packet.undecoded = "Cisco HDLC " + header.protocolName + notDecoded }
            } else {
                let header = try PPPHeader.parse(bytes, framing: linkType == .ppp ? .hdlcLike : .withDirection)
                packet.link = .ppp(header)
                offset = header.headerLength
                networkType = header.etherType
                if networkType == nil { packet.undecoded = "PPP " + header.protocolName + notDecoded }
            }
        case .arcnet, .arcnetLinux:
            let header = try ARCNETHeader.parse(bytes, linux: linkType == .arcnetLinux)
            packet.link = .arcnet(header)
            offset = header.headerLength
            networkType = header.etherType
            if networkType == nil { packet.undecoded = "ARCNET protocol ID 0x" + hex(header.protocolID, digits: 2) + notDecoded }
        case .juniperEthernet:
            let header = try JuniperHeader.parse(bytes)
            packet.link = .juniper(header)
            if header.hasLinkLayer {
                try decodeEthernet(bytes.tail(from: header.headerLength), base: header.headerLength, into: &packet)
                return
            }
            offset = header.headerLength
            networkType = header.etherType
            if networkType == nil { packet.undecoded = "Juniper payload protocol \(header.payloadProtocol ?? 0)" + notDecoded }
        case .ipOverInfiniBand:
            let header = try IPoIBHeader.parse(bytes)
            packet.link = .ipOverInfiniBand(header)
            offset = IPoIBHeader.headerLength
            networkType = header.etherType
            if networkType == nil { packet.undecoded = "IPoIB type 0x" + hex(header.protocolType, digits: 4) + notDecoded }
        case .unsupported(let dlt):
            throw DecodeError(.malformed, layer: "link", field: "link type",
                              expected: "a link type tcplab decodes (Ethernet, Linux cooked, loopback, raw IP, PPP, …)",
                              found: "DLT \(dlt)")
        }
        guard let networkType else { return }   // `undecoded` says what the link carries
        try decodeNetwork(bytes.tail(from: offset), type: networkType, base: offset, into: &packet)
    }

    /// Sets the network layer; one already there is the tunnel around it (IP in IP, GRE, VXLAN, …).
    func setNetwork(_ network: Packet.Network, in packet: inout Packet) {
        if let outer = packet.network { packet.outerNetworks.append(outer) }
        packet.network = network
        packet.transport = nil
    }

    /// The layer that `type` (an EtherType, or one of the few that tunnels use) names, and what it carries.
    func decodeNetwork(_ bytes: UnsafeRawBufferPointer, type: UInt16, base: Int, into packet: inout Packet) throws {
        let ipPayload: UnsafeRawBufferPointer
        let upperProtocol: UInt8
        var claimed: Int
        let headerLength: Int
        switch type {
        case EtherType.ipv4:
            let header = try IPv4Header.parse(bytes)
            setNetwork(.ipv4(header), in: &packet)
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
            setNetwork(.ipv6(header), in: &packet)
            packet.networkOffset = base
            headerLength = header.headerLength
            // Payload length 0: a jumbogram (BIG TCP), or a GSO capture whose length is the frame's.
            claimed = (header.claimedPayloadLength ?? bytes.count - 40) + 40 - headerLength
            upperProtocol = header.upperProtocol
        case EtherType.arp, EtherType.rarp:
            setNetwork(.arp(try ARPHeader.parse(bytes)), in: &packet)
            return
        case EtherType.pppoeSession:
            try decodePPPoE(bytes, base: base, into: &packet)
            return
        case EtherType.mpls, EtherType.mplsMulticast:
            try decodeMPLS(bytes, base: base, into: &packet)
            return
        case EtherType.transparentEthernet:
            try decodeEthernet(bytes, base: base, into: &packet)
            return
        case EtherType.ppp:
            try decodePPP(bytes, framing: .hdlcLike, base: base, into: &packet)
            return
        default:
            // Inside a tunnel the outer IP layer stays the packet's network layer.
            if packet.network == nil {
                packet.network = .unknown(etherType: type)
            } else {
                packet.undecoded = "EtherType 0x" + hex(type, digits: 4) + (EtherType.name(type).map { " (\($0))" } ?? "")
                    + notDecoded
            }
            return
        }
        // Ethernet pads short frames: the IP length, not the capture, says where the packet ends.
        ipPayload = bytes.tail(from: headerLength).prefix(upTo: max(0, claimed))
        let transportBase = base + headerLength
        switch upperProtocol {
        case 6:
            // A header cut short still names its ports once four bytes are there (as tshark shows them).
            if ipPayload.count < 20 && ipPayload.count >= 4 {
                packet.truncatedTCPPorts = (ipPayload.u16(0), ipPayload.u16(2))
            }
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
            try decodeNetwork(ipPayload, type: upperProtocol == 4 ? EtherType.ipv4 : EtherType.ipv6,
                              base: transportBase, into: &packet)
        case 47:
            let gre = try GREHeader.parse(ipPayload)
            packet.transport = .unknown(protocolNumber: 47)   // until what GRE carries decodes
            try decodeGRE(gre, ipPayload.tail(from: gre.headerLength), base: transportBase + gre.headerLength,
                          into: &packet)
        default:
            packet.transport = .unknown(protocolNumber: upperProtocol)
        }
    }

    /// Geneve (UDP 6081, RFC 8926), VXLAN (UDP 4789, RFC 7348), GTP-U (UDP 2152) and MPLS in UDP
    /// (UDP 6635, RFC 7510), on their standard ports as tshark decodes them: the packet inside is what carries the TCP, the outer IP layer is kept
    /// as a tunnel. Returns false when the datagram is no such tunnel.
    private func decodeUDPTunnel(_ udp: UDPHeader, _ bytes: UnsafeRawBufferPointer, base: Int,
                                 into packet: inout Packet) throws -> Bool {
        if udp.sourcePort == 2152 || udp.destinationPort == 2152 {
            return try decodeGTP(bytes, base: base, into: &packet)
        }
        if udp.destinationPort == 6635 {   // MPLS in UDP (RFC 7510)
            try decodeMPLS(bytes, base: base, into: &packet)
            return true
        }
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

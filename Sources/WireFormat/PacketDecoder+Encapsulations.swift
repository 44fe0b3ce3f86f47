/// The layers that can sit between a link and the IP packet that carries the TCP, or inside a
/// tunnel: PPPoE and PPP, MPLS with its pseudowires, Ethernet inside something, GRE and what GRE
/// carries. Each records itself in `Packet.encapsulations` and hands its payload on.
extension PacketDecoder {
    var notDecoded: String { " (not decoded)" }

    /// IP headers outside what is decoded next.
    private func depth(_ packet: Packet) -> Int { packet.outerNetworks.count + (packet.network == nil ? 0 : 1) }

    private func record(_ header: Encapsulation.Header, in packet: inout Packet) {
        packet.encapsulations.append(Encapsulation(header, depth: depth(packet)))
    }

    /// An Ethernet frame inside GRE (transparent Ethernet bridging), a pseudowire or ERSPAN, or after Juniper's header.
    func decodeEthernet(_ bytes: UnsafeRawBufferPointer, base: Int, into packet: inout Packet) throws {
        let header = try EthernetHeader.parse(bytes)
        record(.ethernet(header), in: &packet)
        try decodeNetwork(bytes.tail(from: header.headerLength), type: header.etherType,
                          base: base + header.headerLength, into: &packet)
    }

    /// PPPoE session data (RFC 2516): the session header, then PPP without address and control.
    func decodePPPoE(_ bytes: UnsafeRawBufferPointer, base: Int, into packet: inout Packet) throws {
        let header = try PPPoEHeader.parse(bytes)
        record(.pppoe(header), in: &packet)
        guard header.code == 0 else {
            packet.undecoded = "PPPoE discovery code 0x" + hex(header.code, digits: 2) + notDecoded
            return
        }
        try decodePPP(bytes.tail(from: PPPoEHeader.headerLength), framing: .bare, base: base + PPPoEHeader.headerLength,
                      into: &packet)
    }

    /// PPP inside PPPoE or GRE.
    func decodePPP(_ bytes: UnsafeRawBufferPointer, framing: PPPHeader.Framing, base: Int,
                   into packet: inout Packet) throws {
        let header = try PPPHeader.parse(bytes, framing: framing)
        record(.ppp(header), in: &packet)
        guard let type = header.etherType else {
            packet.undecoded = "PPP " + header.protocolName + notDecoded
            return
        }
        try decodeNetwork(bytes.tail(from: header.headerLength), type: type, base: base + header.headerLength, into: &packet)
    }

    /// An MPLS label stack (RFC 3032), then a guess at what follows, as Wireshark guesses.
    func decodeMPLS(_ bytes: UnsafeRawBufferPointer, base: Int, into packet: inout Packet) throws {
        var offset = 0
        var label: MPLSLabel
        repeat {   // each entry takes 4 bytes: the capture's end stops a stack without a bottom
            label = try MPLSLabel.parse(bytes.tail(from: offset))
            record(.mpls(label), in: &packet)
            offset += MPLSLabel.entryLength
        } while !label.bottomOfStack
        let payload = bytes.tail(from: offset)
        guard let first = payload.first else {
            packet.undecoded = "an MPLS label stack with nothing after it"
            return
        }
        if label.label == MPLSLabel.gal {
            packet.undecoded = "an MPLS generic associated channel message (OAM)" + notDecoded
        } else if let type = MPLSLabel.guessPayload(firstByte: first) {
            try decodeNetwork(payload, type: type, base: base + offset, into: &packet)
        } else if first >> 4 == 0 {
            try decodeEthernetPseudowire(payload, base: base + offset, into: &packet)
        } else {
            packet.undecoded = "an MPLS payload starting with nibble \(first >> 4): not IPv4, IPv6 or a pseudowire" + notDecoded
        }
    }

    /// An Ethernet pseudowire (RFC 4448), with or without its 4-byte control word (0000, flags,
    /// sequence number). Wireshark tells them apart by looking the MAC addresses up in its table
    /// of manufacturers; tcplab looks for an EtherType it knows where the frame's EtherType would
    /// be, with the control word first and then without (the limit: an unknown EtherType in a
    /// frame without a control word is read as having one).
    func decodeEthernetPseudowire(_ bytes: UnsafeRawBufferPointer, base: Int, into packet: inout Packet) throws {
        func knownEtherType(at offset: Int) -> Bool {
            bytes.count >= offset + 14 && EtherType.name(bytes.u16(offset + 12)) != nil
        }
        guard !knownEtherType(at: 0) || knownEtherType(at: 4) else {
            try decodeEthernet(bytes, base: base, into: &packet)
            return
        }
        guard bytes.count >= 4 else { throw DecodeError.truncated("pseudowire", "control word", need: 4, have: bytes.count) }
        record(.pseudowireControlWord(sequence: bytes.u16(2)), in: &packet)
        try decodeEthernet(bytes.tail(from: 4), base: base + 4, into: &packet)
    }

    /// What GRE carries, by its protocol type (an EtherType, with three of GRE's own).
    func decodeGRE(_ gre: GREHeader, _ bytes: UnsafeRawBufferPointer, base: Int, into packet: inout Packet) throws {
        record(.gre(gre), in: &packet)
        var payload = bytes, start = base, type = gre.protocolType
        switch gre.protocolType {
        case EtherType.wccp:
            // WCCP v2 may add a redirect header; an IPv4 header's first nibble says it did not.
            if let first = payload.first, first >> 4 != 4 {
                record(.wccpRedirect(try WCCPRedirectHeader.parse(payload)), in: &packet)
                payload = payload.tail(from: WCCPRedirectHeader.headerLength)
                start += WCCPRedirectHeader.headerLength
            }
            type = EtherType.ipv4
        case EtherType.erspan, EtherType.erspan3:
            let erspan = try ERSPANHeader.parse(payload, greProtocol: gre.protocolType,
                                                greHasSequence: gre.sequenceNumber != nil)
            record(.erspan(erspan), in: &packet)
            guard erspan.frameType == 0 else {
                packet.undecoded = "ERSPAN frame type \(erspan.frameType)" + notDecoded
                return
            }
            payload = payload.tail(from: erspan.headerLength)
            start += erspan.headerLength
            type = EtherType.transparentEthernet
        case 0:
            packet.undecoded = "GRE protocol 0x0000: a keep-alive" + notDecoded
            return
        default:
            break
        }
        guard !payload.isEmpty else {   // PPTP acknowledges with GRE headers that carry nothing
            packet.undecoded = "a GRE header with nothing after it"
            return
        }
        try decodeNetwork(payload, type: type, base: start, into: &packet)
    }

    /// GTP-U: a user's IPv4 or IPv6 packet when the message is a G-PDU (the IP version nibble says
    /// which, as Wireshark reads it). Other messages (echo, error indication) stay plain UDP: false.
    func decodeGTP(_ bytes: UnsafeRawBufferPointer, base: Int, into packet: inout Packet) throws -> Bool {
        let gtp = try GTPHeader.parse(bytes)
        guard gtp.messageType == GTPHeader.gpdu else { return false }
        record(.gtp(gtp), in: &packet)
        let payload = bytes.tail(from: gtp.headerLength)
        guard let first = payload.first, let type = MPLSLabel.guessPayload(firstByte: first) else {
            packet.undecoded = "a GTP-U payload that is neither IPv4 nor IPv6" + notDecoded
            return true
        }
        try decodeNetwork(payload, type: type, base: base + gtp.headerLength, into: &packet)
        return true
    }
}

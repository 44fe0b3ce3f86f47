/// The start of the packet an ICMP error quotes back (RFC 792: its IP header and at least 8
/// bytes of payload; RFC 4443 for ICMPv6: as much as fits): addresses, ports for TCP and UDP,
/// and for TCP the sequence number (and flags when quoted). A copy of a segment sent earlier,
/// so it is shown and never tracked as a segment of a connection (as in tshark: no stream, no
/// analysis).
public struct ICMPQuote: Equatable, Sendable {
    public var source: IPAddress
    public var destination: IPAddress
    public var protocolNumber: UInt8
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    /// TCP only: the first 8 bytes of its header hold the ports and the sequence number.
    public var sequenceNumber: SequenceNumber?
    /// TCP only, when at least 14 bytes of its header were quoted.
    public var flags: TCPFlags?

    public init(source: IPAddress, destination: IPAddress, protocolNumber: UInt8, sourcePort: UInt16? = nil,
                destinationPort: UInt16? = nil, sequenceNumber: SequenceNumber? = nil, flags: TCPFlags? = nil) {
        self.source = source
        self.destination = destination
        self.protocolNumber = protocolNumber
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.flags = flags
    }

    /// ICMP types whose body is a quoted packet: destination unreachable, source quench,
    /// redirect, time exceeded, parameter problem (ICMPv6: unreachable, packet too big, time
    /// exceeded, parameter problem).
    static func isError(type: UInt8, version: Int) -> Bool {
        version == 6 ? (1...4).contains(type) : [3, 4, 5, 11, 12].contains(type)
    }

    /// The quote in an ICMP message's body (after its 8-byte header); nil when too little of
    /// the IP header is there to read: a short quote is not an error of the ICMP message.
    static func parse(_ body: UnsafeRawBufferPointer) -> ICMPQuote? {
        guard let first = body.first else { return nil }
        var quote: ICMPQuote
        let headerLength: Int
        if first >> 4 == 4, let ip = try? IPv4Header.parse(body) {
            quote = ICMPQuote(source: ip.sourceAddress, destination: ip.destinationAddress, protocolNumber: ip.protocolNumber)
            headerLength = ip.fragmentOffset == 0 ? ip.headerLength : body.count   // a later fragment has no ports
        } else if first >> 4 == 6, let ip = try? IPv6Header.parse(body) {
            quote = ICMPQuote(source: ip.source, destination: ip.destination, protocolNumber: ip.upperProtocol)
            headerLength = ip.headerLength
        } else {
            return nil
        }
        let transport = body.tail(from: headerLength)
        guard quote.protocolNumber == 6 || quote.protocolNumber == 17, transport.count >= 4 else { return quote }
        quote.sourcePort = transport.u16(0)
        quote.destinationPort = transport.u16(2)
        if quote.protocolNumber == 6 && transport.count >= 8 { quote.sequenceNumber = SequenceNumber(transport.u32(4)) }
        if quote.protocolNumber == 6 && transport.count >= 14 {
            quote.flags = TCPFlags(rawValue: transport.u16(12) & 0x1ff)
        }
        return quote
    }
}

/// One captured packet, decoded as far as its bytes allow.
///
/// A broken inner layer never discards the outer layers already decoded: `error` says where
/// decoding stopped and why, and every layer before it is still here.
public struct Packet: Sendable {
    public enum Network: Equatable, Sendable {
        case ipv4(IPv4Header)
        case ipv6(IPv6Header)
        case arp(ARPHeader)
        /// An EtherType tcplab does not decode.
        case unknown(etherType: UInt16)
    }

    public enum Transport: Equatable, Sendable {
        case tcp(TCPHeader)
        case udp(UDPHeader)
        case icmp(ICMPHeader)
        /// An IP protocol tcplab does not decode, or a fragment after the first.
        case unknown(protocolNumber: UInt8)
    }

    public var link: LinkHeader?
    /// Headers between the link and `network` (PPPoE, PPP, MPLS, GRE, …), outermost first.
    public var encapsulations: [Encapsulation] = []
    /// Tunnels around `network`, outermost first (IPv4 carrying IPv6 in a 6in4 tunnel, IP in IP, GRE).
    public var outerNetworks: [Network] = []
    /// The network layer that carries the transport (the innermost one).
    public var network: Network?
    public var transport: Transport?
    /// Where the transport payload starts in the captured bytes, and how many of its bytes were captured.
    public var payloadOffset = 0
    public var capturedPayloadLength = 0
    /// The payload length the headers claim (IP length minus headers): tshark's `tcp.len`.
    public var payloadLength = 0
    public var error: DecodeError?
    /// A TCP header cut short before its 20 bytes: the ports, when its first four bytes are there.
    public var truncatedTCPPorts: (source: UInt16, destination: UInt16)?
    /// The frame was captured whole (the capture says its length on the wire was no more).
    public var capturedWhole = false
    /// An IPv4 total length larger than the whole frame holds: the header's error, and what the
    /// frame held (from the IPv4 header on).
    public var ipLengthBeyondFrame: (claimed: Int, held: Int)?
    /// Where the innermost network header starts in the frame.
    public var networkOffset = 0
    /// For a datagram rebuilt from IP fragments: the layers from `network` on were decoded from
    /// its bytes, not the frame's, and `payloadOffset` counts in them.
    public var reassembly: Reassembly?
    /// Where decoding ended without an error, when not at a network or transport layer: what the
    /// innermost decoded layer carries ("PPP LCP (not decoded)", "a GRE header with nothing after it").
    public var undecoded: String?

    public init() {}

    /// The TCP/UDP payload within `frame` (the bytes this packet was decoded from), clamped to
    /// what was captured: the one place that turns `payloadOffset` into bytes.
    public func capturedPayload(in frame: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let bytes = reassembly.map { UnsafeRawBufferPointer($0.datagram.bytes) } ?? frame
        let start = min(payloadOffset, bytes.count)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<min(start + capturedPayloadLength, bytes.count)])
    }

    public var tcp: TCPHeader? {
        if case .tcp(let header)? = transport { return header }
        return nil
    }

    public var sourceAddress: IPAddress? {
        switch network {
        case .ipv4(let header)?: return header.sourceAddress
        case .ipv6(let header)?: return header.source
        default: return nil
        }
    }

    public var destinationAddress: IPAddress? {
        switch network {
        case .ipv4(let header)?: return header.destinationAddress
        case .ipv6(let header)?: return header.destination
        default: return nil
        }
    }

    public var isIPFragment: Bool {
        switch network {
        case .ipv4(let header)?: return header.isFragment
        case .ipv6(let header)?: return header.isFragment
        default: return false
        }
    }
}

/// A datagram rebuilt from IP fragments, and the frames its fragments came in (the last one is
/// the frame that shows it).
public struct Reassembly: Sendable {
    public let datagram: DatagramBytes
    public let frames: [Int]
}

/// Bytes that stay where they are while any packet decoded from them lives, so payloads can be
/// handed out as pointers like a frame's.
public final class DatagramBytes: @unchecked Sendable {  // immutable after init
    public let bytes: UnsafeMutableRawBufferPointer

    init(_ source: [UInt8]) {
        bytes = .allocate(byteCount: source.count, alignment: 8)
        bytes.copyMemory(from: UnsafeRawBufferPointer(start: source, count: source.count))
    }

    deinit { bytes.deallocate() }
}

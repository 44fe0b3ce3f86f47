import TCPAnalysis
import WireFormat

/// `--format json`: one object per packet per line, with the keys of the output contract in
/// DESIGN.md (names follow tshark's fields so every value can be checked with `tshark -T fields`).
///
/// Written straight into bytes: this is the hot path of `tcplab read --format json`.
public struct JSONPacketRenderer {
    public init() {}

    /// `bytes` are the captured bytes of the frame (for `payload_hex`). `note`: the note already
    /// written as a JSON string (`appendNote`), by a stage before this one; nil: written here.
    /// The packet carries what it needs of its connection, so this may run on another thread.
    public func render(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer, note: UnsafeBufferPointer<UInt8>? = nil,
                       into out: inout OutputBuffer) {
        let packet = analyzed.packet
        out.append("{\"frame\":" as StaticString)
        out.append(integer: analyzed.frame)
        out.append(",\"time\":" as StaticString)
        out.append(timestamp: analyzed)
        if let source = packet.sourceAddress, let destination = packet.destinationAddress {
            out.append(",\"src\":\"" as StaticString)
            out.append(address: source)
            out.append("\",\"dst\":\"" as StaticString)
            out.append(address: destination)
            out.append(byte: UInt8(ascii: "\""))
        }
        if let tcp = packet.tcp, let segment = analyzed.segment {
            renderTCP(tcp, segment, analyzed, bytes: bytes, note: note, into: &out)
        } else {
            switch packet.transport {
            case .udp(let udp)?:
                out.append(",\"sport\":" as StaticString); out.append(integer: udp.sourcePort)
                out.append(",\"dport\":" as StaticString); out.append(integer: udp.destinationPort)
            case .icmp(let icmp)?:
                if let quoted = icmp.quoted { renderQuote(quoted, into: &out) }
            default:
                if let (source, destination) = packet.truncatedTCPPorts {
                    out.append(",\"sport\":" as StaticString); out.append(integer: source)
                    out.append(",\"dport\":" as StaticString); out.append(integer: destination)
                }
            }
            out.append(",\"protocol\":" as StaticString)
            out.append(jsonString: NonTCPSummary.name(packet))
            out.append(",\"note\":" as StaticString)
            appendNote(analyzed, prepared: note, into: &out)
        }
        if let error = packet.error {
            out.append(",\"error\":" as StaticString)
            out.append(jsonString: error.description)
        }
        out.append("}\n" as StaticString)
    }

    /// The packet's `note` as a JSON string: what a stage ahead of the writer may do (PacketPipeline).
    public static func appendNote(_ analyzed: AnalyzedPacket, into out: inout OutputBuffer) {
        out.append(jsonString: Annotations.note(for: analyzed))
    }

    private func appendNote(_ analyzed: AnalyzedPacket, prepared: UnsafeBufferPointer<UInt8>?, into out: inout OutputBuffer) {
        if let prepared { out.append(prepared) } else { Self.appendNote(analyzed, into: &out) }
    }

    /// An ICMP error's copy of the packet that caused it: `quoted` with its addresses, its
    /// protocol and, as far as quoted, ports and the raw sequence number (no stream: it is not a
    /// segment of a connection, as tshark does not count it either).
    private func renderQuote(_ quoted: ICMPQuote, into out: inout OutputBuffer) {
        out.append(",\"quoted\":{\"src\":\"" as StaticString)
        out.append(address: quoted.source)
        out.append("\",\"dst\":\"" as StaticString)
        out.append(address: quoted.destination)
        out.append("\",\"ip_proto\":" as StaticString)
        out.append(integer: quoted.protocolNumber)
        if let sourcePort = quoted.sourcePort, let destinationPort = quoted.destinationPort {
            out.append(",\"sport\":" as StaticString); out.append(integer: sourcePort)
            out.append(",\"dport\":" as StaticString); out.append(integer: destinationPort)
        }
        if let sequence = quoted.sequenceNumber {
            out.append(",\"seq_raw\":" as StaticString); out.append(integer: sequence.rawValue)
        }
        out.append(byte: UInt8(ascii: "}"))
    }

    private func renderTCP(_ tcp: TCPHeader, _ segment: Segment, _ analyzed: AnalyzedPacket,
                           bytes: UnsafeRawBufferPointer, note: UnsafeBufferPointer<UInt8>?, into out: inout OutputBuffer) {
        let packet = analyzed.packet
        out.append(",\"sport\":" as StaticString); out.append(integer: tcp.sourcePort)
        out.append(",\"dport\":" as StaticString); out.append(integer: tcp.destinationPort)
        out.append(",\"stream\":" as StaticString); out.append(integer: segment.stream)
        out.append(",\"flags\":[" as StaticString)
        var first = true
        for (flag, name) in TCPFlags.named where tcp.flags.contains(flag) {
            if !first { out.append(byte: UInt8(ascii: ",")) }
            first = false
            out.append(byte: UInt8(ascii: "\"")); out.append(name); out.append(byte: UInt8(ascii: "\""))
        }
        out.append("],\"seq\":" as StaticString); out.append(integer: segment.relativeSequence)
        out.append(",\"seq_raw\":" as StaticString); out.append(integer: tcp.sequenceNumber.rawValue)
        if let ack = segment.relativeAcknowledgement {
            out.append(",\"ack\":" as StaticString); out.append(integer: ack)
            out.append(",\"ack_raw\":" as StaticString); out.append(integer: tcp.acknowledgementNumber.rawValue)
        } else {
            out.append(",\"ack\":null,\"ack_raw\":null" as StaticString)
        }
        if segment.notAnalysed == nil {
            out.append(",\"next_seq\":" as StaticString); out.append(integer: segment.nextSequence)
            out.append(",\"len\":" as StaticString); out.append(integer: packet.payloadLength)
        } else {
            // Left out of the analysis: its numbers are raw and its length unknown (tshark gives none).
            out.append(",\"next_seq\":null,\"len\":null" as StaticString)
        }
        out.append(",\"hdr_len\":" as StaticString); out.append(integer: tcp.headerLength)
        out.append(",\"win\":" as StaticString); out.append(integer: tcp.window)
        if let scaled = segment.scaledWindow {
            out.append(",\"win_scaled\":" as StaticString); out.append(integer: scaled)
        } else {
            out.append(",\"win_scaled\":null" as StaticString)
        }
        renderOptions(tcp, segment.receiverBase, into: &out)
        out.append(",\"payload_hex\":\"" as StaticString)
        out.append(hexOf: packet.capturedPayload(in: bytes))
        out.append("\",\"analysis\":[" as StaticString)
        first = true
        if !segment.analysis.isEmpty {  // most segments carry none: no array built for them
            for flag in segment.analysis.flags {
                if !first { out.append(byte: UInt8(ascii: ",")) }
                first = false
                out.append(byte: UInt8(ascii: "\"")); out.append(flag.tsharkName); out.append(byte: UInt8(ascii: "\""))
            }
        }
        out.append("],\"handshake\":" as StaticString)
        if let step = segment.handshake {
            out.append(byte: UInt8(ascii: "\"")); out.append(step.rawValue); out.append(byte: UInt8(ascii: "\""))
        } else {
            out.append("null" as StaticString)
        }
        // A header whose options are cut off or broken stops tshark's dissection before its
        // analysis tree, so tshark shows none of these numbers for it; neither does tcplab.
        let numbersShown = tcp.optionsError == nil
        if numbersShown, let rtt = segment.ackRoundTripNanoseconds, let frame = segment.ackedFrame {
            // tshark leaves out a round-trip time of exactly zero (two frames with one timestamp).
            out.append(",\"ack_rtt\":" as StaticString)
            if rtt == 0 { out.append("null" as StaticString) } else { out.append(nanoseconds: rtt) }
            out.append(",\"acks_frame\":" as StaticString); out.append(integer: frame)
        } else {
            out.append(",\"ack_rtt\":null,\"acks_frame\":null" as StaticString)
        }
        out.append(",\"bytes_in_flight\":" as StaticString)
        if numbersShown, let inFlight = segment.bytesInFlight { out.append(integer: inFlight) } else { out.append("null" as StaticString) }
        out.append(",\"note\":" as StaticString)
        appendNote(analyzed, prepared: note, into: &out)
    }

    private func renderOptions(_ tcp: TCPHeader, _ sackBase: SequenceNumber?, into out: inout OutputBuffer) {
        out.append(",\"options\":{" as StaticString)
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(byte: UInt8(ascii: ",")) }
            first = false
            out.append(name)
        }
        // SACK edges are in the receiver's sequence space, relative to its base (as tshark shows them).
        for option in tcp.options {
            switch option {
            case .maximumSegmentSize(let value): key("\"mss\":"); out.append(integer: value)
            case .windowScale(let shift): key("\"wscale\":"); out.append(integer: shift)
            case .sackPermitted: key("\"sack_perm\":true")
            case .sack(let blocks):
                key("\"sack\":[")
                for (i, block) in blocks.enumerated() {
                    if i > 0 { out.append(byte: UInt8(ascii: ",")) }
                    out.append(byte: UInt8(ascii: "["))
                    out.append(integer: sackBase.map { block.left.relative(to: $0) } ?? block.left.rawValue)
                    out.append(byte: UInt8(ascii: ","))
                    out.append(integer: sackBase.map { block.right.relative(to: $0) } ?? block.right.rawValue)
                    out.append(byte: UInt8(ascii: "]"))
                }
                out.append(byte: UInt8(ascii: "]"))
            case .timestamps(let value, let echo):
                key("\"tsval\":"); out.append(integer: value)
                out.append(",\"tsecr\":" as StaticString); out.append(integer: echo)
            default: break
            }
        }
        out.append(byte: UInt8(ascii: "}"))
    }
}

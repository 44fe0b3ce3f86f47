import TCPAnalysis
import WireFormat

/// The plain-language lines that explain a packet: the text output indents them under the packet,
/// the JSON output joins them into `note`.
public enum Annotations {
    public static func lines(for analyzed: AnalyzedPacket) -> [String] {
        var lines: [String] = []
        collect(analyzed, into: &lines)
        return lines
    }

    /// The lines joined by spaces, built in one string: JSON's `note`, on the hot path.
    public static func note(for analyzed: AnalyzedPacket) -> String {
        var note = JoinedLines()
        collect(analyzed, into: &note)
        return note.text
    }

    private static func collect(_ analyzed: AnalyzedPacket, into lines: inout some LineCollector) {
        if let segment = analyzed.segment, let tcp = analyzed.packet.tcp {
            explain(segment, tcp, payloadLength: analyzed.packet.payloadLength,
                    captured: analyzed.packet.capturedPayloadLength, into: &lines)
        } else if let summary = NonTCPSummary.text(analyzed.packet) {
            lines.append(summary)
        }
        if !analyzed.hasValidTimestamp {
            lines.append("Impossible timestamp: the capture record's fraction of a second holds \(analyzed.nanoseconds) ns, "
                         + "but a fraction must be below 1,000,000,000 (the record is damaged); tshark shows it as it is, "
                         + "and every time computed from it is meaningless.")
        }
        if let encapsulation = EncapsulationText.line(for: analyzed.packet) { lines.append(encapsulation) }
        for (depth, outer) in analyzed.packet.outerNetworks.enumerated() {
            let udpTunnel = EncapsulationText.udpTunnelName(analyzed.packet, depth: depth + 1)
            switch outer {
            case .ipv4(let header):
                let kind = [41: "IPv6 in IPv4", 4: "IP in IP", 17: udpTunnel, 47: "GRE"][header.protocolNumber] ?? "a tunnel"
                lines.append("Tunnelled: this packet travels inside an IPv4 packet \(header.sourceAddress) → \(header.destinationAddress) "
                             + "(IP protocol \(header.protocolNumber): \(kind)).")
            case .ipv6(let header):
                let kind = [17: " (\(udpTunnel))", 47: " (GRE)"][header.upperProtocol] ?? ""
                lines.append("Tunnelled: this packet travels inside an IPv6 packet \(header.source) → \(header.destination)"
                             + kind + ".")
            default: break
            }
        }
        for note in analyzed.notes { lines.append(note) }
        if let (claimed, held) = analyzed.packet.ipLengthBeyondFrame {
            lines.append("The IPv4 header claims a total length of \(claimed) bytes, but the frame, captured whole, holds "
                         + "only \(held) from that header on: the sender's header is wrong (nothing was cut). The segment is "
                         + "decoded from the bytes that are there (tshark: \"IPv4 total length exceeds packet length\").")
        }
        if let reassembly = analyzed.packet.reassembly {
            let frames = reassembly.frames.map(String.init).joined(separator: ", ")
            lines.append("Rebuilt from the IP fragments in frames \(frames) (\(reassembly.datagram.bytes.count) bytes): "
                         + "a router or the sender split this datagram; this frame completed it, so the segment is shown here.")
        } else if analyzed.packet.isIPFragment {
            lines.append("The datagram was split into fragments; the frame that completes it shows the segment "
                         + "whole (as Wireshark does).")
        }
        if let error = analyzed.packet.error {
            lines.append("Decoding stopped here: \(error).")
        }
    }

    private static func side(_ fromClient: Bool) -> String { fromClient ? "client" : "server" }

    private static func explain(_ segment: Segment, _ tcp: TCPHeader, payloadLength: Int,
                                captured: Int, into lines: inout some LineCollector) {
        let sender = side(segment.fromClient), receiver = side(!segment.fromClient)
        let flags = tcp.flags

        switch segment.notAnalysed {
        case .malformedHeader?:
            lines.append("Not analysed (nor by Wireshark): the header contradicts its packet, so its numbers are shown raw and its length is unknown.")
            return
        case .incompleteFragment?:
            lines.append("Not analysed (nor by Wireshark): it starts an IP datagram whose other fragments are not in the capture, so its length is unknown and its numbers are shown raw.")
            return
        case nil:
            break
        }
        if segment.startsMidConnection {
            lines.append("First packet of stream \(segment.stream), captured without its handshake: relative numbers start at 1 here (as in Wireshark) and the window scale is unknown.")
        }
        switch segment.handshake {
        case .syn?:
            lines.append("Handshake 1/3 (SYN): the client \(segment.connection.client.description) asks to open a connection to \(segment.connection.server.description). Its initial sequence number (ISN) is \(tcp.sequenceNumber); relative numbers count from it, so this SYN is seq 0.")
            if segment.repeatsSyn {
                lines.append("The same SYN again (same ISN): the first one got no answer in time, so the client re-sent it.")
            }
        case .synAck?:
            var text = "Handshake 2/3 (SYN-ACK): the server accepts and picks its own ISN \(tcp.sequenceNumber)."
            if let clientISN = segment.connection.clientISN, clientISN + 1 == tcp.acknowledgementNumber {
                text += " ack = \(tcp.acknowledgementNumber) = client ISN \(clientISN) + 1: the SYN consumed one sequence number."
            } else {
                text += " ack = \(tcp.acknowledgementNumber): the next byte the server expects from the client."
            }
            lines.append(text)
        case .ack?:
            var text = "Handshake 3/3 (ACK): ack = \(tcp.acknowledgementNumber)"
            if let serverISN = segment.connection.serverISN { text += " = server ISN \(serverISN) + 1" }
            text += ". Each side now knows the other's ISN: the connection is ESTABLISHED."
            lines.append(text)
        case nil:
            break
        }

        if payloadLength > 0 {
            let last = segment.relativeSequence &+ UInt32(payloadLength) &- 1
            var text = "Data: \(payloadLength) byte\(payloadLength == 1 ? "" : "s"), relative seq \(segment.relativeSequence)–\(last); the \(receiver) will acknowledge it with ack \(segment.nextSequence)."
            if captured < payloadLength {
                text += " Only \(captured) of them were captured (the snapshot length cut the packet)."
            }
            lines.append(text)
        } else if flags == .ack && segment.handshake == nil && segment.analysis.isEmpty && segment.teardown.isEmpty,
                  let ack = segment.relativeAcknowledgement {
            lines.append("ACK: the \(sender) has received the \(receiver)'s bytes up to relative seq \(ack &- 1) and expects \(ack) next.")
        }

        let marks = segment.teardown
        if marks.contains(.fin) {
            if marks.contains(.firstFin) {
                lines.append("FIN: the \(sender) has no more data to send and closes its direction first (active close). The FIN takes one sequence number, so its ACK will be \(segment.nextSequence).")
            } else {
                lines.append("FIN: the \(sender) closes its direction too (passive close). The FIN takes one sequence number, so its ACK will be \(segment.nextSequence).")
            }
        }
        if marks.contains(.acksPeerFin) {
            if marks.contains(.lastAck) {
                lines.append("The last ACK of the closing: it acknowledges the \(receiver)'s FIN. The \(sender) closed first, so it now waits in TIME_WAIT for 2×MSL (60 s on Linux): long enough to send this ACK again if it is lost, and for old segments of this connection to die out before the ports are used again.")
            } else {
                lines.append("This acknowledges the \(receiver)'s FIN: the \(receiver)→\(sender) direction is closed; the \(sender) may still send.")
            }
        }
        if marks.contains(.refused) {
            lines.append("RST in answer to the SYN: nothing listens on port \(segment.connection.server.port), so the connection is refused (the client's connect() fails with ECONNREFUSED).")
        } else if marks.contains(.reset) {
            lines.append("RST: the \(sender) aborts the connection. No FIN exchange and no TIME_WAIT; data still in flight is thrown away (the other application sees ECONNRESET).")
        }
        for flag in segment.analysis.shown { lines.append(flag.explanation(segment)) }
        if let rtt = segment.ackRoundTrip, let frame = segment.ackedFrame {
            var line = "RTT: this ACK ends the wait for frame "
            line += String(frame)
            line += ", "
            line += Milliseconds.text(rtt)
            line += " after it was sent."
            if let sample = segment.roundTripSample { RoundTripText.explain(sample, of: receiver, into: &line) }
            lines.append(line)
        }
    }
}

/// One-line summaries of what is not TCP.
enum NonTCPSummary {
    static func text(_ packet: Packet) -> String? {
        if let undecoded = packet.undecoded { return undecoded.prefix(1).uppercased() + undecoded.dropFirst() + "." }
        if let (source, destination) = packet.truncatedTCPPorts {
            return "TCP \(source) → \(destination), its header cut short: not a segment tcplab can follow."
        }
        switch (packet.network, packet.transport) {
        case (.arp(let arp)?, _): return arp.summary
        case (_, .udp(let udp)?):
            return "UDP \(udp.sourcePort) → \(udp.destinationPort), \(packet.payloadLength) bytes (not TCP)."
        case (_, .icmp(let icmp)?):
            let text = "\(icmp.version == 6 ? "ICMPv6" : "ICMP") \(icmp.summary) (not TCP)."
            return icmp.quoted.map { text + " " + quote($0) } ?? text
        case (.ipv4(let ip)?, .unknown?) where ip.isFragment:
            let id = String(ip.identification, radix: 16)
            return "IPv4 fragment of a \(ip.protocolNumber == 6 ? "TCP" : "protocol \(ip.protocolNumber)") datagram: "
                + "ID 0x\(id), offset \(Int(ip.fragmentOffset) * 8)\(ip.moreFragments ? ", more follow" : ", the last")."
        case (_, .unknown(let number)?):
            return "IP protocol \(number) (not decoded)."
        case (.unknown(let etherType)?, _):
            return "EtherType 0x\(String(etherType, radix: 16)) (not decoded)."
        default:
            return nil
        }
    }

    /// An ICMP error's copy of the packet that caused it.
    private static func quote(_ quoted: ICMPQuote) -> String {
        var what: String
        switch quoted.protocolNumber {
        case 6: what = "TCP"
        case 17: what = "UDP"
        case 1: what = "ICMP"
        case 58: what = "ICMPv6"
        default: what = "IP protocol \(quoted.protocolNumber)"
        }
        if let sourcePort = quoted.sourcePort, let destinationPort = quoted.destinationPort {
            what += " " + Endpoint(address: quoted.source, port: sourcePort).description
                + " → " + Endpoint(address: quoted.destination, port: destinationPort).description
        } else {
            what += " \(quoted.source) → \(quoted.destination)"
        }
        if let flags = quoted.flags { what += " [" + flags.names.joined(separator: ", ") + "]" }
        if let sequence = quoted.sequenceNumber { what += ", raw seq \(sequence)" }
        var text = "It quotes the start of the packet that caused it: \(what)."
        if quoted.protocolNumber == 6 {
            text += " A copy of a segment sent earlier: shown, not counted as a segment of any stream."
        }
        return text
    }

    /// A short protocol name for the header line.
    static func name(_ packet: Packet) -> String {
        if packet.undecoded != nil, let name = EncapsulationText.lastLayerName(packet) { return name }
        switch (packet.network, packet.transport) {
        case (.arp?, _): return "ARP"
        case (_, .tcp?): return "TCP"
        case _ where packet.truncatedTCPPorts != nil: return "TCP"
        case (_, .udp?): return "UDP"
        case (_, .icmp(let icmp)?): return icmp.version == 6 ? "ICMPv6" : "ICMP"
        case (.ipv4?, _): return "IPv4"
        case (.ipv6?, _): return "IPv6"
        case (.unknown?, _): return "Ethernet"
        default: return "?"
        }
    }
}

/// The sender's RTT estimate after a sample, with its arithmetic (RFC 6298, as textbooks write it).
/// Built into one string without intermediate ones: an ACK in most captures carries a sample,
/// and this sentence is in every JSON note.
enum RoundTripText {
    /// Appends " " and the sentence to `text`.
    static func explain(_ sample: RoundTripSample, of owner: String, into text: inout String) {
        text += " "
        switch sample {
        case .retransmitted:
            text += "Not an RTT sample (Karn's rule): bytes it acknowledges were sent more than once, so it may "
            text += "answer either copy; the "
            text += owner
            text += "'s EstimatedRTT stays as it was."
        case .counted(let update):
            if let oldEstimate = update.previousEstimated, let oldDeviation = update.previousDeviation {
                text += "The "; text += owner; text += "'s RTT sample\u{A0}"; text += String(update.number)
                text += ": DevRTT = 0.75·"; appendTime(oldDeviation, to: &text)
                text += " + 0.25·|"; appendTime(oldEstimate, to: &text)
                text += " − "; appendTime(update.sample, to: &text)
                text += "| = "; appendTime(update.deviation, to: &text)
                text += "; EstimatedRTT = 0.875·"; appendTime(oldEstimate, to: &text)
                text += " + 0.125·"; appendTime(update.sample, to: &text)
                text += " = "; appendTime(update.estimated, to: &text)
            } else {
                text += "The "; text += owner; text += "'s first RTT sample: EstimatedRTT = SampleRTT = "
                appendTime(update.sample, to: &text)
                text += ", DevRTT = SampleRTT/2 = "; appendTime(update.deviation, to: &text)
            }
            text += "; TimeoutInterval = EstimatedRTT + 4·DevRTT = "; appendTime(update.timeout, to: &text)
            text += "."
        }
    }

    /// A time as `Milliseconds.text` writes it, with a no-break space before the unit (a wrapped
    /// line keeps each value with its unit).
    static func appendTime(_ seconds: Double, to text: inout String) {
        text += Milliseconds.text(seconds, space: "\u{A0}")
    }
}

enum Milliseconds {
    /// "0.213 ms", "48.1 ms", "1.250 s" (`space` between the number and its unit).
    static func text(_ seconds: Double, space: String = " ") -> String {
        if seconds >= 1 { return fixed(seconds, decimals: 3) + space + "s" }
        let milliseconds = seconds * 1000
        return fixed(milliseconds, decimals: milliseconds < 10 ? 3 : 1) + space + "ms"
    }
}

/// Where annotation lines go: an array (text output, one indented line each) or one string.
protocol LineCollector {
    mutating func append(_ line: String)
}

extension Array: LineCollector where Element == String {}

/// Lines joined by single spaces as they come, without an array in between.
struct JoinedLines: LineCollector {
    var text = ""

    init() { text.reserveCapacity(256) }

    mutating func append(_ line: String) {
        if !text.isEmpty { text.append(" ") }
        text.append(line)
    }
}

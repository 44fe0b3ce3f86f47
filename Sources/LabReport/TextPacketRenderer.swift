import TCPAnalysis
import WireFormat

/// The default output: one aligned header line per packet, then indented explanations, the
/// options spelled out and the payload as hex + ASCII (like `tcpdump -X`).
public struct TextPacketRenderer {
    public var palette: Palette
    public var showHex: Bool
    /// Explanations are wrapped to this many columns.
    public var width: Int

    public init(palette: Palette = Palette(enabled: false), showHex: Bool = true, width: Int = 100) {
        self.palette = palette
        self.showHex = showHex
        self.width = width
    }

    static let indent = "        "

    /// `firstTime` is the capture's first timestamp: times are shown relative to it, like Wireshark.
    public func render(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer, firstTime: Double,
                       into out: inout OutputBuffer) {
        renderHeader(analyzed, firstTime: firstTime, into: &out)
        renderExplanations(analyzed, into: &out)
        renderHex(analyzed, bytes: bytes, into: &out)
    }

    /// The packet's first line: frame, time, stream, endpoints, flags, numbers.
    public func renderHeader(_ analyzed: AnalyzedPacket, firstTime: Double, into out: inout OutputBuffer) {
        let packet = analyzed.packet
        var line = pad(String(analyzed.frame), 6, right: true) + "  "
        line += pad(fixed(analyzed.time - firstTime, decimals: 6), 10, right: true) + "  "
        if let tcp = packet.tcp, let segment = analyzed.segment {
            line += headerLine(tcp, segment, packet)
        } else {
            let endpoints = packet.sourceAddress.map { "\($0) → \(packet.destinationAddress!)" } ?? ""
            line += "    " + pad(endpoints, 36) + palette.dim(NonTCPSummary.name(packet))
        }
        out.append(line + "\n")
    }

    /// The indented lines under it, but for the hex dump (they need none of the packet's bytes,
    /// so a stage of their own may write them).
    public func renderExplanations(_ analyzed: AnalyzedPacket, into out: inout OutputBuffer) {
        if let tcp = analyzed.packet.tcp, let segment = analyzed.segment {
            detailLines(tcp, segment, analyzed, into: &out)
        } else {
            for note in Annotations.lines(for: analyzed) { appendWrapped(note, into: &out, style: palette.dim) }
        }
    }

    /// The payload as hex and ASCII, after the packet's lines.
    public func renderHex(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        let packet = analyzed.packet
        guard showHex && packet.tcp != nil && analyzed.segment != nil && packet.capturedPayloadLength > 0 else { return }
        HexDump.forEachLine(packet.capturedPayload(in: bytes), indent: TextPacketRenderer.indent) { line in
            out.append(line)
            out.append(byte: 10)
        }
    }

    private func headerLine(_ tcp: TCPHeader, _ segment: Segment, _ packet: Packet) -> String {
        let source = Endpoint(address: packet.sourceAddress!, port: tcp.sourcePort)
        let destination = Endpoint(address: packet.destinationAddress!, port: tcp.destinationPort)
        var line = pad("#\(segment.stream)", 4)
        line += pad("\(source) → \(destination)", 36)
        line += colouredFlags(tcp.flags, padTo: 12)
        line += pad("seq \(segment.relativeSequence)", 14)
        line += pad(segment.relativeAcknowledgement.map { "ack \($0)" } ?? "", 14)
        line += pad("win \(segment.scaledWindow ?? Int(tcp.window))", 12)
        line += "len \(packet.payloadLength)"
        return line
    }

    private func detailLines(_ tcp: TCPHeader, _ segment: Segment, _ analyzed: AnalyzedPacket,
                             into out: inout OutputBuffer) {
        var raw = "raw seq \(tcp.sequenceNumber)"
        if tcp.flags.contains(.ack) { raw += ", raw ack \(tcp.acknowledgementNumber)" }
        if let scaled = segment.scaledWindow, scaled != Int(tcp.window) || segment.windowScaleIsAssumed {
            raw += "; window \(tcp.window) × \(scaled / max(1, Int(tcp.window))) = \(scaled) bytes (scaled"
                + (segment.windowScaleIsAssumed ? ", assuming the peer accepted scaling: its SYN was not captured)" : ")")
        } else if segment.scaledWindow == nil {
            raw += "; window \(tcp.window) (scale unknown: the capture lacks a complete SYN, SYN-ACK pair)"
        }
        out.append(TextPacketRenderer.indent + palette.dim(raw) + "\n")
        if !tcp.options.isEmpty {
            appendWrapped("options: " + OptionText.describe(tcp.options, segment), into: &out, style: palette.dim)
        }
        for note in Annotations.lines(for: analyzed) {
            let color = note.hasPrefix("Decoding stopped") ? "31" : segment.analysis.isEmpty ? "36" : "33"
            let style: (String) -> String = { [palette] in palette.color($0, color) }
            appendWrapped(note, into: &out, style: style)
        }
    }

    private func colouredFlags(_ flags: TCPFlags, padTo width: Int) -> String {
        let text = "[" + flags.names.joined(separator: ", ") + "]"
        let padded = pad(text, width)
        if flags.contains(.rst) { return palette.red(padded) }
        if flags.contains(.syn) { return palette.green(padded) }
        if flags.contains(.fin) { return palette.yellow(padded) }
        return palette.bold(padded)
    }

    func appendWrapped(_ text: String, into out: inout OutputBuffer, style: (String) -> String) {
        for line in wrap(text, width: width - TextPacketRenderer.indent.count) {
            out.append(TextPacketRenderer.indent)
            out.append(style(line))
            out.append(byte: 10)
        }
    }

    /// Breaks `text` at spaces into lines of at most `width` columns; continuation lines are
    /// indented by two. Works on UTF-8 bytes: this runs for every note of every packet.
    private func wrap(_ text: String, width: Int) -> [String] {
        var text = text
        return text.withUTF8 { bytes -> [String] in
            if columns(bytes) <= width { return [String(decoding: bytes, as: UTF8.self)] }
            var lines: [String] = []
            var lineStart = 0, lastSpace = -1, lineColumns = 0
            var limit = width
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 32 { lastSpace = index }
                if byte & 0xc0 != 0x80 { lineColumns += 1 }
                if lineColumns > limit && lastSpace > lineStart {
                    let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<lastSpace]), as: UTF8.self)
                    lines.append(lines.isEmpty ? line : "  " + line)
                    lineStart = lastSpace + 1
                    limit = width - 2
                    lineColumns = lineStart <= index ? columns(UnsafeBufferPointer(rebasing: bytes[lineStart...index])) : 0
                }
                index += 1
            }
            let rest = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart...]), as: UTF8.self)
            lines.append(lines.isEmpty ? rest : "  " + rest)
            return lines
        }
    }
}

/// Display columns of UTF-8 text: one per code point (enough for the text tcplab writes).
func columns(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var count = 0
    for byte in bytes where byte & 0xc0 != 0x80 { count += 1 }
    return count
}

/// `text` padded with spaces to `width` terminal columns (on the left with `right`); a text that
/// fills the width gets one space after it, so columns never touch.
public func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    var text = text
    let count = text.withUTF8 { columns($0) }
    guard count < width else { return right ? text : text + " " }
    let spaces = String(repeating: " ", count: width - count)
    return right ? spaces + text : text + spaces
}

/// `value` with a fixed number of decimals, without Foundation: the digits written once, from the
/// right, into a small buffer (notes and summaries call this for nearly every packet).
func fixed(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    // Beyond Int (a damaged pcapng timestamp 10^13 s away): no fixed decimals rather than a trap.
    guard abs(value) * scale < 9e18, decimals < 20 else { return String(value) }
    var scaled = UInt64((abs(value) * scale).rounded())
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
        var position = buffer.count, written = 0
        repeat {
            if written == decimals && decimals > 0 {
                position -= 1
                buffer[position] = UInt8(ascii: ".")
            }
            position -= 1
            buffer[position] = UInt8(truncatingIfNeeded: scaled % 10) &+ 48
            scaled /= 10
            written += 1
        } while scaled > 0 || written <= decimals
        if value < 0 {
            position -= 1
            buffer[position] = UInt8(ascii: "-")
        }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[position...]), as: UTF8.self)
    }
}

/// TCP options in words.
enum OptionText {
    static func describe(_ options: [TCPOption], _ segment: Segment) -> String {
        options.map { option -> String in
            switch option {
            case .endOfList: return "end of list"
            case .noOperation: return "NOP"
            case .maximumSegmentSize(let value):
                return "MSS \(value) (the largest segment the \(segment.fromClient ? "client" : "server") wants to receive)"
            case .windowScale(let shift):
                return "window scale \(shift) (windows × \(1 << Int(min(shift, 14))))"
            case .sackPermitted: return "SACK permitted"
            case .sack(let blocks):
                let base = segment.receiverBase
                func relative(_ number: SequenceNumber) -> UInt32 { base.map { number.relative(to: $0) } ?? number.rawValue }
                return "SACK " + blocks.map { "\(relative($0.left))–\(relative($0.right))" }.joined(separator: ", ")
            case .timestamps(let value, let echo): return "timestamps val \(value) ecr \(echo)"
            case .unknown(let kind, let data):
                return "unknown kind \(kind) (\(data.count) bytes: \(data.map { String($0, radix: 16) }.joined(separator: " ")))"
            }
        }.joined(separator: " · ")
    }
}

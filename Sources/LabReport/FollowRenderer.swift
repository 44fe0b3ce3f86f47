import TCPAnalysis
import WireFormat

/// `read --follow N`: one connection's bytes as Wireshark's “Follow TCP Stream” shows them, laid
/// out like `tshark -q -z follow,tcp,ascii,N` (or `hex`) so the two can be compared byte for byte.
///
/// Each piece of new data is a record: in ASCII its length on a line, then the bytes (printable
/// ASCII, `\r` and `\n` as they are, any other byte as `.`), then a newline; in hex, lines of 16
/// bytes with the offset in that direction. The server's records are indented by a tab (as in
/// tshark) and, with colour, the client's are red and the server's blue (as in Wireshark).
/// Differences from tshark: the Node lines say which side is the client and which the server, and
/// bytes never captured are one line `[N bytes missing in capture file]` (tshark prints that text
/// as a record with a length line and a trailing NUL shown as `.`).
public struct FollowRenderer {
    public enum Mode: String, Sendable {
        case ascii, hex
    }

    public var palette: Palette
    public var mode: Mode
    private var clientOffset = 0
    private var serverOffset = 0

    static let rule = "==================================================================="

    public init(mode: Mode, palette: Palette = Palette(enabled: false)) {
        self.mode = mode
        self.palette = palette
    }

    /// Node 0 is the sender of the stream's first captured segment, as in tshark: the client
    /// when the handshake was captured, the server when the capture began mid-connection with
    /// its data. Node 0's bytes are at the margin, node 1's indented by a tab.
    public func header(stream: Int, node0: Endpoint, node1: Endpoint, node0IsClient: Bool, into out: inout OutputBuffer) {
        out.append("\n\(FollowRenderer.rule)\nFollow: tcp,\(mode.rawValue)\nFilter: tcp.stream eq \(stream)\n")
        out.append("Node 0: \(node0) (\(node0IsClient ? "client" : "server"))\n")
        out.append("Node 1: \(node1) (\(node0IsClient ? "server" : "client"): its bytes are indented by a tab)\n")
    }

    public func footer(into out: inout OutputBuffer) {
        out.append(FollowRenderer.rule + "\n")
    }

    /// `fromNode0`: the bytes were sent by node 0 (see `header`).
    public mutating func render(_ event: StreamEvent, fromNode0: Bool, into out: inout OutputBuffer) {
        let fromClient = fromNode0  // node 0's bytes take the margin and the first colour
        let indent = fromClient ? "" : "\t"
        let palette = self.palette
        let style: (String) -> String = { fromClient ? palette.red($0) : palette.blue($0) }
        switch event {
        case .data(_, let bytes):
            switch mode {
            case .ascii:
                out.append(indent + style(String(bytes.count)) + "\n")
                var text = [UInt8]()
                text.reserveCapacity(bytes.count)
                for byte in bytes {
                    let shown = (0x20...0x7e).contains(byte) || byte == 10 || byte == 13
                    text.append(shown ? byte : UInt8(ascii: "."))
                }
                if palette.enabled {
                    // Colour each line on its own so a pager or `less -R` keeps it.
                    let lines = text.split(separator: 10, omittingEmptySubsequences: false)
                    out.append(lines.map { $0.isEmpty ? "" : style(String(decoding: $0, as: UTF8.self)) }.joined(separator: "\n"))
                } else {
                    text.withUnsafeBufferPointer { out.append($0) }
                }
                out.append(byte: 10)
            case .hex:
                var offset = fromClient ? clientOffset : serverOffset
                for line in FollowRenderer.hexLines(bytes, startingAt: offset) {
                    out.append(indent + style(line) + "\n")
                }
                offset += bytes.count
                if fromClient { clientOffset = offset } else { serverOffset = offset }
            }
        case .gap(let count):
            out.append(indent + palette.yellow("[\(count) bytes missing in capture file]") + "\n")
            if fromClient { clientOffset += count } else { serverOffset += count }
        case .end:
            break
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)
    private static let upperDigits = Array("0123456789ABCDEF".utf8)

    /// tshark's hex layout: `0000001C  32 2c 31 32 33 38 35 37  33 2c 32 38 2e 35 2c 36  2,123857 3,28.5,6`.
    static func hexLines(_ bytes: [UInt8], startingAt start: Int) -> [String] {
        var lines: [String] = []
        var index = 0
        while index < bytes.count {
            let end = min(index + 16, bytes.count)
            var line = [UInt8]()
            let offset = start + index
            for shift in stride(from: 28, through: 0, by: -4) { line.append(upperDigits[(offset >> shift) & 0xf]) }
            line += [32, 32]
            for i in 0..<16 {
                if index + i < end {
                    let byte = bytes[index + i]
                    line += [digits[Int(byte >> 4)], digits[Int(byte & 0xf)], 32]
                } else {
                    line += [32, 32, 32]
                }
                if i == 7 { line.append(32) }
            }
            line.append(32)
            for i in index..<end {
                if i - index == 8 { line.append(32) }
                let byte = bytes[i]
                line.append((0x20...0x7e).contains(byte) ? byte : UInt8(ascii: "."))
            }
            // tshark drops one trailing space from a line (an ASCII column ending in spaces keeps
            // all but one of them), so the same is done here to compare byte for byte.
            if line.last == 32 { line.removeLast() }
            lines.append(String(decoding: line, as: UTF8.self))
            index = end
        }
        return lines
    }
}

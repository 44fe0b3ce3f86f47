import SensorProtocol
import TCPAnalysis
import WireFormat

/// The summary after the packets: per connection, the handshake, bytes and segments each way,
/// duration, and how it ended.
public struct ConnectionSummary {
    public var palette: Palette

    public init(palette: Palette = Palette(enabled: false)) { self.palette = palette }

    public func render(_ conversations: [Conversation], frames: Int, into out: inout OutputBuffer) {
        out.append("\n" + palette.bold("\(plural(frames, "frame")), \(plural(conversations.count, "TCP connection"))") + "\n")
        for conversation in conversations {
            render(conversation, into: &out)
        }
    }

    private func render(_ c: Conversation, into out: inout OutputBuffer) {
        out.append("\n  " + palette.bold("stream \(c.index)") + "  client \(c.client.endpoint) → server \(c.server.endpoint)\n")
        out.append("    handshake  " + handshakeText(c) + "\n")
        for (arrow, side) in [("client → server", c.client), ("server → client", c.server)] {
            out.append("    \(arrow)  " + pad(plural(side.segments, "segment") + " (\(side.dataSegments) with data)", 28)
                       + plural(side.payloadBytes, "byte") + " of data\n")
        }
        out.append("    duration   \(fixed(c.duration, decimals: 3)) s (frames \(c.firstFrame)–\(c.lastFrame))\n")
        if let initial = c.initialRoundTrip { out.append("    RTT        handshake \(Milliseconds.text(initial))\n") }
        for (sender, receiver, name, peer) in [(c.client, c.server, "client", "server"), (c.server, c.client, "server", "client")]
        where sender.payloadBytes > 0 {
            out.append("    " + palette.bold("\(name) → \(peer) data") + "\n")
            for line in TransferText.lines(sender: sender, receiver: receiver, name: name, peer: peer) {
                out.append("      " + line + "\n")
            }
        }
        out.append("    ending     " + ConnectionSummary.endingText(c.ending, palette: palette) + "\n")
    }

    private func handshakeText(_ c: Conversation) -> String {
        if c.handshakeCompleted {
            var text = palette.green("complete") + " (SYN, SYN-ACK, ACK)"
            text += "; ISN client \(c.client.isn.map(String.init(describing:)) ?? "?"), server \(c.server.isn.map(String.init(describing:)) ?? "?")"
            if let clientMSS = c.client.mss, let serverMSS = c.server.mss { text += "; MSS \(clientMSS)/\(serverMSS)" }
            if let clientScale = c.client.windowScale, let serverScale = c.server.windowScale {
                text += "; window scale \(clientScale)/\(serverScale)"
            }
            return text
        }
        if c.sawSyn && c.sawSynAck { return palette.yellow("SYN and SYN-ACK seen, final ACK not captured") }
        if c.sawSyn { return palette.yellow("SYN only: the server never accepted") }
        return palette.yellow("not captured (the capture started mid-connection)")
    }

    /// How a connection ended, in words (also the ladder diagram's last line).
    static func endingText(_ ending: ConnectionEnding, palette: Palette) -> String {
        func who(_ client: Bool) -> String { client ? "client" : "server" }
        switch ending {
        case .open: return "still open when the capture ended"
        case .halfClosed(let byClient):
            return "half-closed: the \(who(byClient)) sent FIN, the \(who(!byClient)) had not yet"
        case .closed(let first):
            return palette.green("closed") + " with FIN from both sides; the \(who(first)) closed first and waits in TIME_WAIT"
        case .reset(let byClient): return palette.red("aborted") + " by an RST from the \(who(byClient))"
        case .refused: return palette.red("refused") + ": the SYN was answered by RST (nothing listening)"
        }
    }
}

/// "1 segment", "2 segments".


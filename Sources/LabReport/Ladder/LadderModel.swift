import SensorStreams
import SensorProtocol
import TCPAnalysis
import WireFormat

/// One TCP connection as a ladder (sequence) diagram: the client's and the server's lifelines and
/// one row (arrow) per segment, top to bottom in capture order. Built by `LadderBuilder`; drawn by
/// the text, SVG and HTML renderers, which all read the same values and decide nothing about TCP.
public struct LadderModel {
    public var stream: Int
    public var client: Endpoint
    public var server: Endpoint
    /// Raw 32-bit sequence numbers on the arrows instead of relative ones (`--absolute`).
    public var absoluteNumbers: Bool
    /// The frame that times count from (the capture's first frame, as in `tcplab read` and Wireshark).
    public var timeOriginFrame: Int
    public var rows: [LadderRow]
    public var ending: ConnectionEnding

    public init(stream: Int, client: Endpoint, server: Endpoint, absoluteNumbers: Bool,
                timeOriginFrame: Int = 1, rows: [LadderRow], ending: ConnectionEnding) {
        self.stream = stream
        self.client = client
        self.server = server
        self.absoluteNumbers = absoluteNumbers
        self.timeOriginFrame = timeOriginFrame
        self.rows = rows
        self.ending = ending
    }

    /// From the first segment of this stream to its last.
    public var duration: Double {
        guard let first = rows.first, let last = rows.last else { return 0 }
        return last.time - first.time
    }

    /// "Stream 0: client 10.55.0.2:49246 → server 10.55.0.1:5050".
    public var title: String { "Stream \(stream): client \(client) → server \(server)" }

    /// "18 segments in frames 3–20 over 2.345 ms; relative sequence numbers; time in seconds
    /// since frame 1": what every renderer says under the title.
    public var summary: String {
        var text = plural(rows.count, "segment")
        if let first = rows.first, let last = rows.last {
            text += first.frame == last.frame ? " in frame \(first.frame)" : " in frames \(first.frame)–\(last.frame)"
        }
        text += " over \(Milliseconds.text(duration)); "
        text += absoluteNumbers ? "raw (absolute) sequence numbers" : "relative sequence numbers"
        text += "; time in seconds since frame \(timeOriginFrame)"
        return text
    }

    /// "Ending: closed with FIN from both sides; ...".
    public var endingText: String {
        "Ending: " + ConnectionSummary.endingText(ending, palette: Palette(enabled: false)) + "."
    }
}

/// One segment: what its arrow shows, and the details the HTML page opens when it is clicked.
public struct LadderRow {
    public var frame: Int
    /// Seconds since the model's time-origin frame.
    public var time: Double
    public var fromClient: Bool
    public var flags: TCPFlags
    public var relativeSequence: UInt32
    public var rawSequence: UInt32
    /// nil when the ACK flag is not set.
    public var relativeAcknowledgement: UInt32?
    public var rawAcknowledgement: UInt32?
    /// Payload length the headers claim (tshark's `tcp.len`).
    public var length: Int
    public var analysis: AnalysisFlags
    /// Short notes beside the arrow: handshake steps, the teardown, expert flags.
    public var notes: [LadderNote]
    /// The plain-language explanation of `tcplab read`, one entry per paragraph.
    public var explanations: [String]
    /// The packet as one object of the `--format json` contract (decoded fields, tshark's names).
    public var json: String
    /// Every captured byte of the frame (for the hex dump), and where the TCP payload starts in it.
    public var frameBytes: [UInt8]
    public var payloadOffset: Int
    public var capturedPayloadLength: Int

    public var style: LadderArrowStyle {
        if flags.contains(.rst) { return .reset }
        if flags.contains(.syn) { return .syn }
        if flags.contains(.fin) { return .fin }
        if !analysis.isEmpty { return .analysis }
        return length > 0 ? .data : .ack
    }

    /// Retransmitted segments are drawn dashed.
    public var isRetransmission: Bool { analysis.contains(.retransmission) }

    public var payload: ArraySlice<UInt8> {
        let start = min(payloadOffset, frameBytes.count)
        return frameBytes[start..<min(start + capturedPayloadLength, frameBytes.count)]
    }

    /// "[SYN, ACK]".
    public var flagsText: String { "[" + flags.names.joined(separator: ", ") + "]" }

    /// What the arrow says: "[PSH, ACK] seq 19 ack 1 len 22".
    public func label(absolute: Bool) -> String {
        var text = flagsText + " seq \(absolute ? rawSequence : relativeSequence)"
        if let ack = absolute ? rawAcknowledgement : relativeAcknowledgement { text += " ack \(ack)" }
        return text + " len \(length)"
    }

    /// The payload as a quoted one-line string, `"12,1234567,28.3,65.2\r\n"`, cut to `limit`
    /// columns with an ellipsis; nil without payload. Bytes outside printable ASCII become `\xNN`,
    /// so the text is safe in a terminal (no escape sequences from the wire) and in XML.
    public func payloadPreview(limit: Int) -> String? {
        let bytes = payload
        guard !bytes.isEmpty, limit >= 5 else { return nil }
        var text = "\""
        var columns = 1
        for byte in bytes {
            let piece: String
            switch byte {
            case 0x0d: piece = "\\r"
            case 0x0a: piece = "\\n"
            case 0x09: piece = "\\t"
            case 0x22: piece = "\\\""
            case 0x5c: piece = "\\\\"
            case 0x20...0x7e: piece = String(UnicodeScalar(byte))
            default: piece = "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
            // Keep room for the closing quote, or for "…" after the text.
            if columns + piece.count + 1 > limit { return text + "…" }
            text += piece
            columns += piece.count
        }
        // A snapshot length cut the payload: say that more followed.
        if bytes.count < length { return text + "…" }
        return text + "\""
    }
}

/// How an arrow is coloured: by its most telling flag, then by its expert analysis.
public enum LadderArrowStyle: String, Sendable {
    case syn, fin, reset, analysis, data, ack
}

/// A short note beside an arrow, e.g. "handshake 1/3 (SYN)" or "dup ACK #2 of frame 10".
public struct LadderNote: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case handshake, teardown, reset, analysis
    }

    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
}

/// Collects the rows of every stream (or of the one asked for) from analyzed packets, in capture
/// order. Keeps each row's frame bytes: a ladder is for one lab's capture, not for hours of traffic.
public final class LadderBuilder {
    public let absoluteNumbers: Bool
    /// Only this stream, or all when nil.
    public let onlyStream: Int?
    private var models: [Int: LadderModel] = [:]
    /// Each connection's ending as of its last segment (endings change only with segments).
    private var endings: [Int: ConnectionEnding] = [:]
    private var originFrame: Int?
    private var originTime = 0.0
    private let json = JSONPacketRenderer()
    /// The readings each board segment carries, for the details panel (as `tcplab read` says it).
    private let readings = ReadingTracker(serverPort: SensorPort.standard)

    public init(absoluteNumbers: Bool = false, stream: Int? = nil) {
        self.absoluteNumbers = absoluteNumbers
        self.onlyStream = stream
    }

    /// Streams seen so far (also those not kept because of `stream`).
    public private(set) var streamCount = 0

    /// `bytes` are the frame's captured bytes; they are only read during the call.
    public func add(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer) {
        var analyzed = analyzed
        analyzed.notes = readings.process(analyzed, bytes: bytes).notes
        if originFrame == nil {
            originFrame = analyzed.frame
            originTime = analyzed.time
        }
        guard let segment = analyzed.segment, let tcp = analyzed.packet.tcp else { return }
        streamCount = max(streamCount, segment.stream + 1)
        if let onlyStream, segment.stream != onlyStream { return }

        var line = OutputBuffer(capacity: 1024)
        json.render(analyzed, bytes: bytes, into: &line)
        var jsonText = line.text
        if jsonText.hasSuffix("\n") { jsonText.removeLast() }

        let row = LadderRow(
            frame: analyzed.frame, time: analyzed.time - originTime, fromClient: segment.fromClient,
            flags: tcp.flags, relativeSequence: segment.relativeSequence, rawSequence: tcp.sequenceNumber.rawValue,
            relativeAcknowledgement: segment.relativeAcknowledgement,
            rawAcknowledgement: tcp.flags.contains(.ack) ? tcp.acknowledgementNumber.rawValue : nil,
            length: analyzed.packet.payloadLength, analysis: segment.analysis,
            notes: LadderNotes.notes(for: segment), explanations: Annotations.lines(for: analyzed),
            // A datagram rebuilt from fragments is shown whole: its payload offset counts in it.
            json: jsonText, frameBytes: analyzed.packet.reassembly.map { Array($0.datagram.bytes) } ?? Array(bytes),
            payloadOffset: analyzed.packet.payloadOffset,
            capturedPayloadLength: analyzed.packet.capturedPayloadLength)

        let connection = segment.connection
        endings[segment.stream] = connection.ending
        models[segment.stream, default: LadderModel(
            stream: segment.stream, client: connection.client, server: connection.server,
            absoluteNumbers: absoluteNumbers, timeOriginFrame: originFrame ?? analyzed.frame, rows: [],
            ending: .open)].rows.append(row)
    }

    /// The diagrams in stream order, each with how its connection ended.
    public func finish() -> [LadderModel] {
        models.keys.sorted().map { stream in
            var model = models[stream]!
            if let ending = endings[stream] { model.ending = ending }
            return model
        }
    }
}

import LabReport
import PacketCapture
import TCPAnalysis
import WireFormat

/// `read --follow N`: both directions of stream N rebuilt and shown as their bytes become known
/// (Wireshark's Follow TCP Stream).
public final class FollowView {
    private let stream: Int
    private let sink: OutputSink
    private let rebuilder = StreamRebuilder()  // `add` passes only stream N's segments
    private var renderer: FollowRenderer
    private var output = OutputBuffer()
    /// True once stream N was seen (its header is written then).
    public private(set) var found = false
    /// Whether the client sent the stream's first captured segment (then it is tshark's node 0).
    private var node0IsClient = true

    public init(stream: Int, mode: FollowRenderer.Mode, color: Bool, sink: OutputSink) {
        self.stream = stream
        self.sink = sink
        renderer = FollowRenderer(mode: mode, palette: Palette(enabled: color))
    }

    /// Reads all of `reader`; false when it has no stream N (nothing was written then).
    public static func show(_ reader: CaptureReader, stream: Int, mode: FollowRenderer.Mode, color: Bool,
                            sink: OutputSink) throws -> Bool {
        let view = FollowView(stream: stream, mode: mode, color: color, sink: sink)
        defer { view.finish() }
        try reader.read { analyzed, record in view.add(analyzed, bytes: record.bytes) }
        return view.found
    }

    public func add(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer) {
        guard let segment = analyzed.segment, segment.stream == stream, let tcp = analyzed.packet.tcp else { return }
        if !found {
            node0IsClient = segment.fromClient
            let (client, server) = (segment.connection.client, segment.connection.server)
            renderer.header(stream: stream, node0: node0IsClient ? client : server, node1: node0IsClient ? server : client,
                            node0IsClient: node0IsClient, into: &output)
            found = true
        }
        let packet = analyzed.packet
        emit(rebuilder.receive(segment, tcp, payload: packet.capturedPayload(in: bytes),
                               payloadLength: packet.payloadLength, frame: analyzed.frame))
        if output.count >= 1 << 16 { sink.drain(&output) }
    }

    public func finish() {
        emit(rebuilder.finish())
        if found { renderer.footer(into: &output) }
        sink.drain(&output)
    }

    private func emit(_ events: [DirectedStreamEvent]) {
        for directed in events {
            renderer.render(directed.event, fromNode0: directed.fromClient == node0IsClient, into: &output)
        }
    }
}

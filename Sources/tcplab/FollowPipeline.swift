import LabReport
import PacketCapture
import TCPAnalysis
import WireFormat

/// `read --follow N`: decode and track every frame, rebuild both directions of stream N, print
/// its bytes as they become known (Wireshark's Follow TCP Stream).
final class FollowPipeline {
    private let stream: Int
    private let analyzer: PacketAnalyzer
    private let rebuilder: StreamRebuilder
    private var renderer: FollowRenderer
    private var output = OutputBuffer()
    private var headerWritten = false

    init(source: PacketSource, stream: Int, mode: FollowRenderer.Mode, color: Bool) {
        self.stream = stream
        analyzer = PacketAnalyzer(linkType: LinkType(dlt: source.dataLinkType), keepHistory: false)
        rebuilder = StreamRebuilder()  // handle() passes only stream N's segments
        renderer = FollowRenderer(mode: mode, palette: Palette(enabled: color))
    }

    /// Returns false when the capture has no stream N (nothing was printed then).
    func run(_ source: PacketSource) throws -> Bool {
        defer { StandardOutput.write(&output) }
        while true {
            let step = try source.next { handle($0) }
            if step == .end { break }
        }
        emit(rebuilder.finish())
        guard headerWritten else { return false }
        renderer.footer(into: &output)
        return true
    }

    /// Streams seen, for the error message when N is out of range.
    var streamCount: Int { analyzer.tracker.conversationCount }

    private func handle(_ record: CapturedPacket) {
        let analyzed = analyzer.analyze(frame: record.number, seconds: record.seconds,
                                        nanoseconds: record.nanoseconds, bytes: record.bytes)
        guard let segment = analyzed.segment, segment.stream == stream, let tcp = analyzed.packet.tcp else { return }
        if !headerWritten {
            renderer.header(stream: stream, client: segment.conversation.client.endpoint,
                            server: segment.conversation.server.endpoint, into: &output)
            headerWritten = true
        }
        let packet = analyzed.packet
        emit(rebuilder.receive(segment, tcp, payload: packet.capturedPayload(in: record.bytes),
                               payloadLength: packet.payloadLength, frame: analyzed.frame))
        if output.count >= 1 << 16 { StandardOutput.write(&output) }
    }

    private func emit(_ events: [DirectedStreamEvent]) {
        for directed in events {
            renderer.render(directed.event, fromClient: directed.fromClient, into: &output)
        }
    }
}

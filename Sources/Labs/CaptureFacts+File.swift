import PacketCapture
import TCPAnalysis
import WireFormat

extension CaptureFacts {
    /// Reads a whole capture file (pcap or pcapng) through the same decoder and analyzer as
    /// `tcplab read`, so every fact a question checks is a value the student can see there.
    public static func load(file path: String) throws -> CaptureFacts {
        let source = try PacketSource.open(file: path)
        let analyzer = PacketAnalyzer(linkType: LinkType(dlt: source.dataLinkType), keepHistory: false)
        let facts = CaptureFacts()
        while try source.next({ record in
            let analyzed = analyzer.analyze(frame: record.number, seconds: record.seconds,
                                            nanoseconds: record.nanoseconds, bytes: record.bytes)
            facts.add(analyzed, payload: analyzed.packet.capturedPayload(in: record.bytes))
        }) != .end {}
        facts.finish()
        return facts
    }
}
